//! Prints argv[1] numbered lines, each the number zero-padded to argv[2]
//! digits (default 6), one write each (Rust's stdout is line-buffered):
//! the playground's output test for components.
fn main() {
    let mut args = std::env::args().skip(1);
    let mut number = |default: usize| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let n = number(1000);
    let width = number(6);
    for i in 0..n {
        println!("{i:0width$}");
    }
}
