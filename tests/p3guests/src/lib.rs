//! Helpers the WASI 0.3 test components share: writing bytes to stdout or
//! stderr through `write-via-stream`, and reading a whole byte stream.
use wasip3::cli::{stderr, stdout};
use wasip3::wit_bindgen::StreamReader;
use wasip3::wit_stream;

/// Writes `bytes` to stdout (or stderr) as one 0.3 stream and waits for the
/// host's completion future.
pub async fn write_out(to_stderr: bool, bytes: &[u8]) {
    let (mut tx, rx) = wit_stream::new();
    let bytes = bytes.to_vec();
    futures::join!(
        async {
            let r = if to_stderr {
                stderr::write_via_stream(rx).await
            } else {
                stdout::write_via_stream(rx).await
            };
            r.expect("write-via-stream failed");
        },
        async {
            let rest = tx.write_all(bytes).await;
            assert!(rest.is_empty(), "the host dropped stdout early");
            drop(tx);
        }
    );
}

/// Prints one line to stdout.
pub async fn say(line: &str) {
    write_out(false, format!("{line}\n").as_bytes()).await;
}

/// Reads a byte stream to its end, in reads of up to 64 KiB; returns the
/// bytes and how many reads it took.
pub async fn read_all(mut rx: StreamReader<u8>) -> (Vec<u8>, usize) {
    let mut all = Vec::new();
    let mut reads = 0;
    loop {
        let (result, chunk) = rx.read(Vec::with_capacity(65536)).await;
        if !chunk.is_empty() {
            reads += 1;
        }
        all.extend_from_slice(&chunk);
        if let wasip3::wit_bindgen::StreamResult::Dropped = result {
            return (all, reads);
        }
    }
}
