//! wasi:clocks — wall-clock and monotonic-clock, on the context's
//! [`Clocks`](crate::clocks::Clocks) (real, or virtual in deterministic mode).

use super::io::PollKind;
use super::{Preview2, Resource, Result};
use crate::clocks::ClockId;

impl Preview2 {
    /// `wall-clock.now`: (seconds, nanoseconds) since the Unix epoch.
    pub fn wall_now(&self) -> (u64, u32) {
        split(self.ctx.clocks.now(ClockId::Realtime))
    }

    pub fn wall_resolution(&self) -> (u64, u32) {
        split(self.ctx.clocks.resolution(ClockId::Realtime))
    }

    pub fn monotonic_now(&self) -> u64 {
        self.ctx.clocks.monotonic()
    }

    pub fn monotonic_resolution(&self) -> u64 {
        self.ctx.clocks.resolution(ClockId::Monotonic)
    }

    /// A pollable ready at monotonic instant `when`.
    pub fn subscribe_instant(&mut self, when: u64) -> Result<u32> {
        self.push(Resource::Pollable(PollKind::Deadline(when)), None)
    }

    /// A pollable ready `ns` nanoseconds from now.
    pub fn subscribe_duration(&mut self, ns: u64) -> Result<u32> {
        let at = self.monotonic_now().saturating_add(ns);
        self.subscribe_instant(at)
    }
}

fn split(ns: u64) -> (u64, u32) {
    (ns / 1_000_000_000, (ns % 1_000_000_000) as u32)
}
