//! An interactive echo: prompts, answers each line, stops at EOF or `exit`.
use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    let mut n = 0;
    loop {
        print!("> ");
        out.flush().unwrap();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap() == 0 || line.trim() == "exit" {
            break;
        }
        n += 1;
        println!("echo {n}: {}", line.trim_end());
    }
    println!("bye after {n} lines");
}
