//! Writes a greeting to stdout through wasi:cli/stdout@0.3 write-via-stream,
//! a line through Rust's std (which still writes with wasi:cli@0.2 on
//! wasm32-wasip2: the host serves both, into one buffered stdout), and a
//! line to stderr through 0.3, then returns Ok.
use p3guests::write_out;

struct Hello;
wasip3::cli::command::export!(Hello);

impl wasip3::exports::cli::run::Guest for Hello {
    async fn run() -> Result<(), ()> {
        write_out(false, b"hello from wasi 0.3\n").await;
        println!("and from std (0.2)");
        write_out(true, b"to stderr\n").await;
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
