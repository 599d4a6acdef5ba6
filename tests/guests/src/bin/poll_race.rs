//! poll_oneoff on a clock (argv[1] ms) and stdin together: says which fired.
fn main() {
    let ms: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let subs = [
        wasi::Subscription {
            userdata: 1,
            u: wasi::SubscriptionU {
                tag: wasi::EVENTTYPE_CLOCK.raw(),
                u: wasi::SubscriptionUU {
                    clock: wasi::SubscriptionClock {
                        id: wasi::CLOCKID_MONOTONIC,
                        timeout: ms * 1_000_000,
                        precision: 0,
                        flags: 0,
                    },
                },
            },
        },
        wasi::Subscription {
            userdata: 2,
            u: wasi::SubscriptionU {
                tag: wasi::EVENTTYPE_FD_READ.raw(),
                u: wasi::SubscriptionUU {
                    fd_read: wasi::SubscriptionFdReadwrite { file_descriptor: 0 },
                },
            },
        },
    ];
    // Tells a test the poll is about to start (output is flushed before it).
    println!("polling");
    let mut events: [wasi::Event; 2] = unsafe { std::mem::zeroed() };
    let n = unsafe { wasi::poll_oneoff(subs.as_ptr(), events.as_mut_ptr(), 2) }.unwrap();
    for e in &events[..n] {
        let what = if e.userdata == 1 { "clock" } else { "stdin" };
        println!("{what} fired (error {})", e.error.raw());
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    println!("read {:?}", line.trim_end());
}
