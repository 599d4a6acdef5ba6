//! Example: greets and echoes its arguments.
fn main() {
    println!("Hello from WASI!");
    for (i, a) in std::env::args().enumerate().skip(1) {
        println!("argv[{i}] = {a}");
    }
}
