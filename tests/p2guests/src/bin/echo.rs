//! Echoes stdin line by line through `input-stream.blocking-read` and
//! `output-stream.blocking-write-and-flush` until end of input.
use wasip2::cli::{stdin, stdout};

fn main() {
    let input = stdin::get_stdin();
    let output = stdout::get_stdout();
    let mut line = Vec::new();
    let mut lines = 0;
    loop {
        let chunk = match input.blocking_read(64) {
            Ok(c) => c,
            Err(_) => break,
        };
        for b in chunk {
            line.push(b);
            if b == b'\n' {
                lines += 1;
                let mut reply = format!("echo {lines}: ").into_bytes();
                reply.append(&mut line);
                output.blocking_write_and_flush(&reply).unwrap();
            }
        }
    }
    output
        .blocking_write_and_flush(format!("bye after {lines} lines\n").as_bytes())
        .unwrap();
}
