//! `poll_oneoff`: each subscription becomes a Preview 2 pollable (a
//! deadline, stdin, or one that is ready), and the wait is Preview 2's
//! [`wait_on`](crate::preview2::Preview2::wait_on), which flushes output
//! and blocks as the context says.

use super::abi::*;
use super::fds::*;
use super::types::*;
use super::Preview1;
use crate::clocks::ClockId;
use crate::error::{Errno, Result};
use crate::io::{Pollable, Wait};
use crate::memory::Mem;
use crate::preview2::PollKind;

/// Most subscriptions one `poll_oneoff` takes (`ENOMEM` beyond).
pub const MAX_SUBSCRIPTIONS: u32 = 1 << 16;

impl Preview1 {
    pub fn poll_oneoff(
        &mut self,
        m: &Mem,
        subs: u32,
        events: u32,
        n: u32,
        out: u32,
        abi: Abi,
    ) -> Result<()> {
        if n == 0 {
            return Err(Errno::Inval);
        }
        let size = Subscription::size(abi);
        m.check_out(subs, n as u64 * size as u64, 8)?;
        m.check_out(events, n as u64 * Event::SIZE as u64, 8)?;
        m.check_out(out, 4, 4)?;
        // The host keeps a pollable per subscription: a fixed cap bounds
        // that (wasmtime answers ENOMEM for huge counts too).
        if n > MAX_SUBSCRIPTIONS {
            return Err(Errno::Nomem);
        }
        // A retry after WouldBlock keeps the first attempt's start time.
        let since = match self.wait.take() {
            Some(w) => w.since,
            None => self.p2.ctx.clocks.monotonic(),
        };
        // Each subscription becomes a pollable and the event it would fill.
        let mut list: Vec<Event> = Vec::with_capacity(n as usize);
        let mut pollables: Vec<Box<dyn Pollable>> = Vec::with_capacity(n as usize);
        let mut stdin_subs = Vec::new();
        for i in 0..n as usize {
            let mut raw = [0u8; 56];
            let raw = &mut raw[..size as usize];
            m.read_into(subs + i as u32 * size, raw)?;
            let sub = Subscription::decode(raw, abi)?;
            let mut ev = Event {
                userdata: sub.userdata,
                error: Errno::Success,
                tag: sub.tag,
                nbytes: 0,
            };
            let p: Box<dyn Pollable> = match sub.kind {
                SubscriptionKind::Clock { id, timeout, flags } => {
                    if flags & !event::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                        return Err(Errno::Inval);
                    }
                    // wasmtime fails the whole call for an unknown clock.
                    let id = ClockId::from_raw(id).ok_or(Errno::Inval)?;
                    let clocks = &self.p2.ctx.clocks;
                    let at = if flags & event::SUBSCRIPTION_CLOCK_ABSTIME == 0 {
                        since.saturating_add(timeout)
                    } else if id == ClockId::Monotonic {
                        timeout
                    } else {
                        // Another clock's absolute time, as a monotonic
                        // deadline read at the same moment.
                        let left = timeout.saturating_sub(clocks.now(id));
                        // (+1 µs covers f64 rounding of the realtime clock.)
                        clocks
                            .monotonic()
                            .saturating_add(left)
                            .saturating_add(1_000)
                    };
                    self.p2.pollable_of(PollKind::Deadline(at))
                }
                SubscriptionKind::Fd { fd, read } => {
                    // wasmtime fails the whole call for a bad fd.
                    match self.fd_readiness(fd, read)? {
                        Some(nbytes) => {
                            ev.nbytes = nbytes;
                            self.p2.pollable_of(PollKind::Ready)
                        }
                        // Stdin: ready when data comes; its count is known then.
                        None => {
                            stdin_subs.push(i);
                            self.p2.pollable_of(PollKind::Stdin)
                        }
                    }
                }
            };
            list.push(ev);
            pollables.push(p);
        }
        let ready = match self.p2.wait_on(&mut pollables) {
            Ok(ready) => ready,
            Err(wait) => {
                self.wait = Some(Wait { since, ..wait });
                return Err(Errno::WouldBlock);
            }
        };
        for &i in &stdin_subs {
            list[i].nbytes = self.p2.ctx.stdio.stdin.borrow().available();
        }
        let mut bytes = Vec::with_capacity(ready.len() * Event::SIZE as usize);
        for &i in &ready {
            bytes.extend_from_slice(list[i].encode().bytes());
        }
        m.write(events, &bytes)?;
        m.put_u32(out, ready.len() as u32)
    }

    /// Bytes readable (or writable) on an fd without waiting; `None` for
    /// stdin, whose count is known only once it is ready.
    fn fd_readiness(&self, fd: u32, read: bool) -> Result<Option<u64>> {
        let e = self.fd(fd)?;
        e.need(rights::POLL_FD_READWRITE)?;
        match (e.handle, read) {
            (Handle::File(h), true) => {
                let size = self.p2.stat(h).map_err(|_| Errno::Badf)?.size;
                Ok(Some(size.saturating_sub(e.pos)))
            }
            (Handle::File(_), false) => Ok(Some(0)),
            (Handle::Stdin(_), true) => Ok(None),
            (Handle::Stdout(_) | Handle::Stderr(_), false) => Ok(Some(0)),
            _ => Err(Errno::Badf),
        }
    }
}
