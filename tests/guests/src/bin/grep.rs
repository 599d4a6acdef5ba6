//! Example: `grep [-i] [-n] [-v] [-c] PATTERN [FILE...]` with plain
//! substring matching. Reads stdin without files; prefixes matches with
//! the file name when given several files. Exit code 0 if something
//! matched, 1 if nothing did, 2 on errors (like POSIX grep).
use std::io::{self, BufRead, BufReader, Write};

fn main() {
    let mut ignore_case = false;
    let mut numbers = false;
    let mut invert = false;
    let mut count = false;
    let mut rest = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "-i" if rest.is_empty() => ignore_case = true,
            "-n" if rest.is_empty() => numbers = true,
            "-v" if rest.is_empty() => invert = true,
            "-c" if rest.is_empty() => count = true,
            _ => rest.push(a),
        }
    }
    if rest.is_empty() {
        eprintln!("usage: grep [-i] [-n] [-v] [-c] PATTERN [FILE...]");
        std::process::exit(2);
    }
    let pattern = rest.remove(0);
    let needle = if ignore_case { pattern.to_lowercase() } else { pattern };
    let many = rest.len() > 1;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut matched = false;
    let mut status = 0;
    let inputs: Vec<Option<String>> = if rest.is_empty() { vec![None] } else { rest.into_iter().map(Some).collect() };
    for input in inputs {
        let reader: Box<dyn BufRead> = match &input {
            None => Box::new(BufReader::new(io::stdin())),
            Some(p) => match std::fs::File::open(p) {
                Ok(f) => Box::new(BufReader::new(f)),
                Err(e) => {
                    eprintln!("grep: {p}: {e}");
                    status = 2;
                    continue;
                }
            },
        };
        let name = input.clone().unwrap_or_else(|| "(standard input)".into());
        let mut n = 0usize;
        for (i, line) in reader.lines().enumerate() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("grep: {name}: {e}");
                    status = 2;
                    break;
                }
            };
            let hay = if ignore_case { line.to_lowercase() } else { line.clone() };
            if hay.contains(&needle) != invert {
                n += 1;
                matched = true;
                if !count {
                    let prefix = if many { format!("{name}:") } else { String::new() };
                    let num = if numbers { format!("{}:", i + 1) } else { String::new() };
                    writeln!(out, "{prefix}{num}{line}").unwrap();
                }
            }
        }
        if count {
            if many {
                writeln!(out, "{name}:{n}").unwrap();
            } else {
                writeln!(out, "{n}").unwrap();
            }
        }
    }
    out.flush().unwrap();
    std::process::exit(if status != 0 { status } else if matched { 0 } else { 1 });
}
