//! Example: concatenates the files named in its arguments to stdout, or
//! stdin when there are none ("-" also means stdin). Paths are resolved
//! against the preopened directories (e.g. `cat /work/notes.txt` with a
//! preopen named /work). Exit code 1 if any file could not be read.
use std::io::{self, Read, Write};

fn copy(mut r: impl Read, out: &mut impl Write) -> io::Result<()> {
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n])?;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut status = 0;
    if args.is_empty() {
        copy(io::stdin().lock(), &mut out).expect("cat: stdin");
    }
    for a in &args {
        let r = if a == "-" {
            copy(io::stdin().lock(), &mut out)
        } else {
            std::fs::File::open(a).and_then(|f| copy(f, &mut out))
        };
        if let Err(e) = r {
            let _ = out.flush();
            eprintln!("cat: {a}: {e}");
            status = 1;
        }
    }
    let _ = out.flush();
    std::process::exit(status);
}
