//! wasi:clocks@0.3 and wasi:random@0.3: a monotonic wait-for and
//! wait-until, the system clock, random bytes and numbers.
use p3guests::say;
use wasip3::clocks::{monotonic_clock, system_clock};
use wasip3::random::{insecure, insecure_seed, random};

struct Clocks;
wasip3::cli::command::export!(Clocks);

impl wasip3::exports::cli::run::Guest for Clocks {
    async fn run() -> Result<(), ()> {
        let res = monotonic_clock::get_resolution();
        say(&format!("resolution>0 {}", res > 0)).await;
        let t0 = monotonic_clock::now();
        monotonic_clock::wait_for(20_000_000).await;
        let t1 = monotonic_clock::now();
        say(&format!("waited>=20ms {}", t1 - t0 >= 20_000_000)).await;
        monotonic_clock::wait_until(t1 + 10_000_000).await;
        let t2 = monotonic_clock::now();
        say(&format!("until>=10ms {}", t2 - t1 >= 10_000_000)).await;
        // A deadline in the past returns at once.
        monotonic_clock::wait_until(0).await;
        monotonic_clock::wait_for(0).await;
        let now = system_clock::now();
        say(&format!("system after 2020 {}", now.seconds > 1_577_836_800)).await;
        say(&format!("nanos<1e9 {}", now.nanoseconds < 1_000_000_000)).await;
        say(&format!("system resolution>0 {}", system_clock::get_resolution() > 0)).await;
        let a = random::get_random_bytes(32);
        let b = random::get_random_bytes(32);
        say(&format!("random 32 {} differ {}", a.len(), a != b)).await;
        let _ = random::get_random_u64();
        let c = insecure::get_insecure_random_bytes(100);
        say(&format!("insecure {}", c.len())).await;
        let _ = insecure::get_insecure_random_u64();
        let (s1, s2) = insecure_seed::get_insecure_seed();
        say(&format!("seed nonzero {}", s1 != 0 || s2 != 0)).await;
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
