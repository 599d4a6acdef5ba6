//! wasi:clocks/timezone@0.3 (unstable, feature clocks-timezone; the wasip3
//! crate leaves it out, so its bindings are generated here): the zone's
//! IANA id, its UTC offset at two instants, and its debug string.
use p3guests::say;

wit_bindgen::generate!({
    inline: "
        package wasi:clocks@0.3.2;
        interface system-clock {
            record instant { seconds: s64, nanoseconds: u32 }
        }
        interface timezone {
            use system-clock.{instant};
            iana-id: func() -> option<string>;
            utc-offset: func(when: instant) -> option<s64>;
            to-debug-string: func() -> string;
        }
        world tz { import timezone; }
    ",
    world: "tz",
});

use wasi::clocks::system_clock::Instant;
use wasi::clocks::timezone;

struct Tz;
wasip3::cli::command::export!(Tz);

impl wasip3::exports::cli::run::Guest for Tz {
    async fn run() -> Result<(), ()> {
        say(&format!("iana {:?}", timezone::iana_id())).await;
        // 2024-01-15 and 2024-07-15, noon UTC.
        for seconds in [1_705_320_000, 1_721_044_800] {
            say(&format!("offset {:?}", timezone::utc_offset(Instant { seconds, nanoseconds: 0 }))).await;
        }
        say(&format!("debug {}", timezone::to_debug_string())).await;
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
