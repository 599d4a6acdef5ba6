//! Misuse that must give a clear error rather than a crash: with argument
//! "parent-first", drops a stream before the pollable made from it.
fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    let out = wasip2::cli::stdout::get_stdout();
    if what == "parent-first" {
        let p = out.subscribe();
        drop(out); // the host refuses: the pollable is still alive
        drop(p);
    }
    println!("not reached");
}
