//! Exit paths: `exit-with-code N`, `exit err`, `panic`, or return normally.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("code") => wasip2::cli::exit::exit_with_code(args[2].parse().unwrap()),
        Some("err") => wasip2::cli::exit::exit(Err(())),
        Some("panic") => panic!("boom"),
        _ => println!("returned"),
    }
}
