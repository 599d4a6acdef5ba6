//! WASI Preview 2 (0.2.x) host on the shared core.
//!
//! [`Preview2`] owns one program's [`WasiCtx`] and a resource table. Every
//! resource of the WASI 0.2 interfaces lives in it: descriptors
//! ([`Descriptor`]s over the shared `MemFs`), directory-entry streams,
//! input/output streams (files at an offset, stdio), pollables,
//! `wasi:io/error`s and terminals. The JS side (`js/preview2/`) holds only
//! handle numbers, and so does the Preview 1 adapter (`crate::preview1`),
//! whose fds name resources here: the policies (sandboxed opens, offsets,
//! caps, how waits block and flush) are this module's, for both.
//!
//! Drop semantics follow wasmtime: a pollable is a child of the stream it
//! was subscribed from, and dropping a resource that still has children is
//! an error (the spec lets hosts trap there); so is using a dropped handle
//! or a handle of the wrong type. Those are [`Error::Trap`]s, which the JS
//! layer throws as `Error`s (a trap in the guest), never a Rust panic.
//!
//! One module per interface: [`io`], [`clocks`], [`random`], [`filesystem`],
//! [`cli`], [`sockets`].

pub mod cli;
pub mod clocks;
pub mod filesystem;
pub mod io;
pub mod random;
pub mod sockets;

#[cfg(test)]
mod tests;

use crate::ctx::WasiCtx;
use crate::descriptor::Descriptor;
use crate::error::Errno;
use crate::io::{OutputStream, Wait};
use crate::table::Table;

pub use filesystem::{DescFlags, DirStream};
pub use io::{Input, IoError, Output, PollKind};

/// A failed call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// An `error-code` result (filesystem, sockets).
    Code(Errno),
    /// A stream ended: `stream-error::closed`.
    Closed,
    /// `stream-error::last-operation-failed`, with the handle of the
    /// `wasi:io/error` resource that describes it.
    Failed(u32),
    /// Misuse the guest cannot recover from (bad handle, wrong resource
    /// type, dropping a parent before its children): a trap.
    Trap(String),
    /// The call must wait (async mode only): await what [`Wait`] says,
    /// then retry. Never reaches the guest.
    Wait(Wait),
}

impl From<Errno> for Error {
    fn from(e: Errno) -> Self {
        Error::Code(e)
    }
}

pub type Result<T, E = Error> = core::result::Result<T, E>;

/// One resource in the table.
pub enum Resource {
    Descriptor(Descriptor, DescFlags),
    DirStream(DirStream),
    Input(Input),
    Output(Output),
    Pollable(PollKind),
    Error(IoError),
    TerminalInput,
    TerminalOutput,
    Network,
}

impl Resource {
    /// Whether the resource reads or writes the filesystem.
    fn uses_fs(&self) -> bool {
        matches!(
            self,
            Resource::Descriptor(..)
                | Resource::DirStream(_)
                | Resource::Input(Input::File { .. })
                | Resource::Output(Output::File { .. })
        )
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Resource::Descriptor(..) => "descriptor",
            Resource::DirStream(_) => "directory-entry-stream",
            Resource::Input(_) => "input-stream",
            Resource::Output(_) => "output-stream",
            Resource::Pollable(_) => "pollable",
            Resource::Error(_) => "error",
            Resource::TerminalInput => "terminal-input",
            Resource::TerminalOutput => "terminal-output",
            Resource::Network => "network",
        }
    }
}

struct Entry {
    res: Resource,
    parent: Option<u32>,
    children: u32,
}

/// One Preview 2 program's state.
pub struct Preview2 {
    pub ctx: WasiCtx,
    table: Table<Entry>,
    /// `initial-cwd`, if configured.
    pub cwd: Option<String>,
    /// `insecure-seed`, chosen on first use.
    seed: Option<(u64, u64)>,
    /// Set by [`Preview2::close_all`]: the run is over.
    ended: bool,
}

impl Preview2 {
    pub fn new(ctx: WasiCtx) -> Self {
        let limit = ctx.max_fds.saturating_mul(4).max(64);
        Self::with_limit(ctx, limit)
    }

    /// A host whose table holds at most `limit` resources (the Preview 1
    /// adapter sizes it to its fd table).
    pub fn with_limit(ctx: WasiCtx, limit: u32) -> Self {
        Preview2 {
            ctx,
            table: Table::new(limit),
            cwd: None,
            seed: None,
            ended: false,
        }
    }

    /// Adds a resource; `parent` (if any) may not be dropped before it.
    pub fn push(&mut self, res: Resource, parent: Option<u32>) -> Result<u32> {
        if let Some(p) = parent {
            self.entry_mut(p)?.children += 1;
        }
        match self.table.push(Entry {
            res,
            parent,
            children: 0,
        }) {
            Ok(id) => Ok(id),
            Err(_) => {
                if let Some(p) = parent {
                    self.entry_mut(p)?.children -= 1;
                }
                Err(Error::Trap(
                    "wasi-web: too many Preview 2 resources are open".into(),
                ))
            }
        }
    }

    fn entry_mut(&mut self, id: u32) -> Result<&mut Entry> {
        self.table.get_mut(id).map_err(|_| dropped(id))
    }

    pub fn get(&self, id: u32) -> Result<&Resource> {
        let r = self
            .table
            .get(id)
            .map(|e| &e.res)
            .map_err(|_| dropped(id))?;
        self.usable(r)?;
        Ok(r)
    }

    pub fn get_mut(&mut self, id: u32) -> Result<&mut Resource> {
        let closed = self.ctx.fs.is_closed();
        let r = self.entry_mut(id).map(|e| &mut e.res)?;
        if closed && r.uses_fs() {
            return Err(fs_closed());
        }
        Ok(r)
    }

    /// A resource on a closed MemFS names inodes that are gone.
    fn usable(&self, r: &Resource) -> Result<()> {
        if r.uses_fs() && self.ctx.fs.is_closed() {
            return Err(fs_closed());
        }
        Ok(())
    }

    /// Drops every resource at once: the run has ended, and what it held
    /// open (an unlinked file's data too) is released now rather than when
    /// JS collects this object. Drops that come later (jco disposing of a
    /// handle) are no-ops.
    pub fn close_all(&mut self) {
        self.table.clear();
        self.ended = true;
    }

    /// The type name of a live handle, for messages.
    pub fn type_of(&self, id: u32) -> Option<&'static str> {
        self.get(id).ok().map(Resource::type_name)
    }

    /// Drops a resource: an error if it is unknown or still has children.
    pub fn drop_resource(&mut self, id: u32) -> Result<()> {
        if self.ended && self.table.get(id).is_err() {
            return Ok(());
        }
        let e = self.table.get(id).map_err(|_| dropped(id))?;
        if e.children > 0 {
            return Err(Error::Trap(format!(
                "wasi-web: cannot drop {} {id}: {} child resource(s) (pollables) made from it are still alive; drop them first",
                e.res.type_name(),
                e.children
            )));
        }
        let e = self.table.remove(id).map_err(|_| dropped(id))?;
        if let Some(p) = e.parent {
            if let Ok(pe) = self.table.get_mut(p) {
                pe.children = pe.children.saturating_sub(1);
            }
        }
        Ok(())
    }

    /// Number of live resources (for tests and leak checks).
    pub fn live(&self) -> usize {
        self.table.iter().count()
    }

    /// Flushes stdout and stderr.
    pub fn flush(&mut self) {
        let _ = self.ctx.stdio.stdout.flush();
        let _ = self.ctx.stdio.stderr.flush();
    }
}

pub(crate) fn fs_closed() -> Error {
    Error::Trap("wasi-web: the MemFS this program runs on is closed".into())
}

fn dropped(id: u32) -> Error {
    Error::Trap(format!(
        "wasi-web: resource handle {id} is not live (it was dropped, or never existed)"
    ))
}

pub(crate) fn wrong_type(id: u32, want: &str, got: &Resource) -> Error {
    Error::Trap(format!(
        "wasi-web: handle {id} is a {}, not a {want}",
        got.type_name()
    ))
}
