//! wasi:io — the three small traits every stream and pollable implements,
//! after wasmtime-wasi-io: `Pollable::ready`, `InputStream::read`,
//! `OutputStream::{check_write, write, flush}`.

use bytes::Bytes;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamError {
    /// The stream has ended (EOF) or was closed.
    Closed,
    /// The last operation failed; the text says why.
    Failed(String),
}

pub type StreamResult<T> = Result<T, StreamError>;

pub trait Pollable {
    /// Whether waiting on it would return at once. Answers synchronously.
    fn ready(&mut self) -> bool;
    /// A monotonic-clock deadline, for pollables that are timers.
    fn deadline(&self) -> Option<u64> {
        None
    }
}

pub trait InputStream {
    /// Up to `max` bytes; empty means none are available right now.
    fn read(&mut self, max: usize) -> StreamResult<Bytes>;
    /// Bytes that a read would return without waiting, if known.
    fn available(&self) -> u64 {
        0
    }
}

pub trait OutputStream {
    /// How many bytes `write` accepts now.
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(usize::MAX)
    }
    fn write(&mut self, bytes: &[u8]) -> StreamResult<()>;
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
}

/// A timer pollable on the monotonic clock.
pub struct Deadline(pub u64);

impl Pollable for Deadline {
    fn ready(&mut self) -> bool {
        crate::clocks::monotonic_ns() >= self.0
    }
    fn deadline(&self) -> Option<u64> {
        Some(self.0)
    }
}

/// A pollable that is always ready (regular files, output to the console).
pub struct AlwaysReady;

impl Pollable for AlwaysReady {
    fn ready(&mut self) -> bool {
        true
    }
}

/// Waits until at least one pollable is ready (sleeping until the earliest
/// deadline when only timers remain) and returns the indexes of the ready ones.
pub fn poll(list: &mut [Box<dyn Pollable + '_>]) -> Vec<usize> {
    loop {
        let ready: Vec<usize> = (0..list.len()).filter(|&i| list[i].ready()).collect();
        if !ready.is_empty() || list.is_empty() {
            return ready;
        }
        match list.iter().filter_map(|p| p.deadline()).min() {
            Some(deadline) => {
                let now = crate::clocks::monotonic_ns();
                crate::clocks::sleep_ns(deadline.saturating_sub(now));
            }
            // Nothing can become ready while we block the only thread.
            None => return ready,
        }
    }
}
