//! wasi:cli@0.3: prints its arguments, the environment variables whose
//! names start with P3_, the initial cwd, reads all of stdin through
//! read-via-stream and prints its length and how many reads it took, then
//! exits as its first argument asks: "ok" returns Ok, "err" returns Err
//! (exit code 1), "exit-err" calls exit(Err), "code=N" exit-with-code(N),
//! "big=N" writes N bytes to stdout in one stream first, "panic" panics
//! (a trap). With P3_PROMPT set, it writes that text on a stdout stream
//! that stays open while it reads stdin. "pending=WHAT" (stdin, stdout,
//! stdout-open, file, wait, all) exits with code 7 at once, leaving host
//! work it started pending (see `exit_pending`).
use p3guests::{read_all, say, write_out};
use wasip3::cli::{environment, exit, stdin, stdout, terminal_stdin, terminal_stdout};
use wasip3::clocks::monotonic_clock;

struct Cli;
wasip3::cli::command::export!(Cli);

impl wasip3::exports::cli::run::Guest for Cli {
    async fn run() -> Result<(), ()> {
        if let Some(what) = environment::get_arguments()
            .get(1)
            .and_then(|a| a.strip_prefix("pending="))
        {
            exit_pending(what).await;
        }
        // P3_PROMPT: written on a stdout stream kept open while stdin is read
        // (the host must pass it on before the read, without a flush call).
        // It comes first, before any other output.
        let prompted = match environment::get_environment()
            .into_iter()
            .find(|(k, _)| k == "P3_PROMPT")
        {
            Some((_, prompt)) => {
                let (mut tx, out_rx) = wasip3::wit_stream::new();
                let (mut read, mut status) = (None, None);
                futures::join!(
                    async {
                        stdout::write_via_stream(out_rx)
                            .await
                            .expect("write-via-stream failed");
                    },
                    async {
                        assert!(tx.write_all(prompt.into_bytes()).await.is_empty());
                        let (rx, done) = stdin::read_via_stream();
                        read = Some(read_all(rx).await);
                        status = Some(done.await);
                        drop(tx);
                    }
                );
                let (input, reads) = read.unwrap();
                Some((input, reads, status.unwrap()))
            }
            None => None,
        };
        let args = environment::get_arguments();
        say(&format!("args={args:?}")).await;
        let mut env: Vec<_> = environment::get_environment()
            .into_iter()
            .filter(|(k, _)| k.starts_with("P3_"))
            .collect();
        env.sort();
        say(&format!("env={env:?}")).await;
        say(&format!("cwd={:?}", environment::get_initial_cwd())).await;
        say(&format!(
            "tty stdin={} stdout={}",
            terminal_stdin::get_terminal_stdin().is_some(),
            terminal_stdout::get_terminal_stdout().is_some()
        ))
        .await;
        let (input, reads, status) = if let Some(stdin_read) = prompted {
            stdin_read
        } else {
            let (rx, done) = stdin::read_via_stream();
            let (input, reads) = read_all(rx).await;
            (input, reads, done.await)
        };
        say(&format!(
            "stdin {} bytes in {} reads, ends {:?}, sum {}",
            input.len(),
            if reads > 1 { "several" } else { "one or no" },
            status,
            input.iter().map(|b| *b as u64).sum::<u64>()
        ))
        .await;
        let how = args.get(1).map(String::as_str).unwrap_or("ok");
        if let Some(n) = how.strip_prefix("big=") {
            let n: usize = n.parse().unwrap();
            let data: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            write_out(false, &data).await;
            say("").await;
        }
        match how {
            "panic" => panic!("boom"),
            "err" => Err(()),
            "exit-err" => {
                exit::exit(Err(()));
                unreachable!()
            }
            _ => {
                if let Some(code) = how.strip_prefix("code=") {
                    exit::exit_with_code(code.parse().unwrap());
                    unreachable!()
                }
                Ok(())
            }
        }
    }
}

/// Calls exit-with-code(7) while the host still holds work the guest gave
/// it: "stdin" an unread read-via-stream (its future pending), "stdout" a
/// write-via-stream the host is reading (after "partial\n", the guest's end
/// still open; "stdout-open" writes nothing; "file" the same on a file),
/// "wait" a wait-for of an hour in progress, "all" the three.
/// The run must end with code 7, and the process exit, at once.
async fn exit_pending(what: &str) {
    let all = what == "all";
    let _stdin = (all || what == "stdin").then(stdin::read_via_stream);
    let mut _stdout = None;
    if all || what == "stdout" || what == "stdout-open" {
        let (mut tx, rx) = wasip3::wit_stream::new();
        let done = stdout::write_via_stream(rx);
        if what != "stdout-open" {
            assert!(tx.write_all(b"partial\n".to_vec()).await.is_empty());
        }
        _stdout = Some((tx, done));
    }
    let mut _file = None;
    if what == "file" {
        // "file": "file-data" written on a write-via-stream of out.txt in
        // the first preopen, its stream left open.
        use wasip3::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
        let pre = wasip3::filesystem::preopens::get_directories();
        let file = pre[0]
            .0
            .open_at(
                PathFlags::empty(),
                "out.txt".to_string(),
                OpenFlags::CREATE,
                DescriptorFlags::WRITE,
            )
            .await
            .expect("open out.txt");
        let (mut tx, rx) = wasip3::wit_stream::new();
        let done = file.write_via_stream(rx, 0);
        assert!(tx.write_all(b"file-data".to_vec()).await.is_empty());
        _file = Some((file, tx, done));
    }
    if all || what == "wait" {
        // Polled first, the wait is in progress (a host subtask) when exit is called.
        futures::join!(monotonic_clock::wait_for(3_600_000_000_000), async {
            exit::exit_with_code(7)
        });
    }
    exit::exit_with_code(7);
    unreachable!()
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
