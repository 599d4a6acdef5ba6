//! Example: reads stdin line by line and prints "> line" for each; stops
//! at end of input or at a line reading "exit".
use std::io::{self, BufRead, Write};

fn main() {
    let stdin = io::stdin();
    let mut out = io::stdout();
    let mut n = 0;
    for line in stdin.lock().lines() {
        let line = line.expect("echo_repl: reading stdin");
        if line == "exit" {
            writeln!(out, "bye after {n} lines").unwrap();
            return;
        }
        writeln!(out, "> {line}").unwrap();
        out.flush().unwrap();
        n += 1;
    }
    writeln!(out, "EOF after {n} lines").unwrap();
}
