//! `WasiCore`: one program's WASI state, with one method per Preview 1
//! import, generated from the table in [`forwards!`]. Each method converts
//! nothing but the integers and the errno.

use super::call;
use super::host::{self, JsMemory};
use super::memfs::MemFsCore;
use super::options::{self, CtxOptions, Fields};
use crate::error::Result as WResult;
use crate::memory::Mem;
use crate::preview1::types::{Abi, FUNCTIONS};
use crate::preview1::Preview1;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct WasiCore {
    p1: Preview1,
    mem: JsMemory,
    /// The call a guest-memory hook first threw in (see `takeMemoryError`).
    memory_error_call: Cell<Option<&'static str>>,
}

#[wasm_bindgen]
impl WasiCore {
    #[wasm_bindgen(constructor)]
    pub fn new(fs: &MemFsCore, opts: JsValue) -> Result<WasiCore, JsValue> {
        host::set_core_memory(&wasm_bindgen::memory());
        let f = Fields::new(&opts, "WasiCore")?;
        let common = CtxOptions::read(&f)?;
        let b = options::context(fs, &opts, common, "WasiCore")?;
        let p1 = Preview1::new(b.build()).map_err(|e| super::js_error(e, "init", ""))?;
        Ok(WasiCore {
            p1,
            mem: JsMemory::new(JsValue::UNDEFINED),
            memory_error_call: Cell::new(None),
        })
    }

    /// The names of the 46 Preview 1 functions.
    #[wasm_bindgen(js_name = functionNames)]
    pub fn function_names() -> Vec<String> {
        FUNCTIONS.iter().map(|s| s.to_string()).collect()
    }

    #[wasm_bindgen(js_name = setMemory)]
    pub fn set_memory(&mut self, memory: JsValue) {
        if memory.is_undefined() {
            // The program ended: let its memory be collected.
            host::forget_guest();
        }
        // What a hook threw stays to be reported (the run's end asks).
        let kept = self.mem.take_error();
        self.mem = JsMemory::new(memory);
        if let Some(e) = kept {
            self.mem.keep_error(e);
        }
    }

    #[wasm_bindgen(js_name = exitCode)]
    pub fn exit_code(&self) -> Option<u32> {
        self.p1.ctx().exit_code
    }

    pub fn flush(&mut self) {
        self.p1.flush();
    }

    /// What a guest-memory hook in `js/core/host.js` threw since the last
    /// time it was asked (the guest got `EFAULT` for that call), once, as
    /// an Error naming the call; undefined if nothing did.
    #[wasm_bindgen(js_name = takeMemoryError)]
    pub fn take_memory_error(&self) -> JsValue {
        match self.mem.take_error() {
            None => JsValue::UNDEFINED,
            Some(cause) => {
                let call = self.memory_error_call.take().unwrap_or("a WASI call");
                let e = js_sys::Error::new(&format!(
                    "wasi-web: copying guest memory failed in {call} (the guest got EFAULT)"
                ));
                let _ = js_sys::Reflect::set(&e, &"cause".into(), &cause);
                e.into()
            }
        }
    }

    /// The program has ended: closes every descriptor it holds on the
    /// MemFS at once (see `Preview1::close_files`).
    #[wasm_bindgen(js_name = closeFiles)]
    pub fn close_files(&mut self) {
        self.p1.close_files();
    }

    /// After a call returned `WOULD_BLOCK` (65535): milliseconds until the
    /// earliest deadline it waits for, or -1 for none.
    #[wasm_bindgen(js_name = waitMs)]
    pub fn wait_ms(&self) -> f64 {
        match self.p1.wait.and_then(|w| w.deadline) {
            Some(d) => d.saturating_sub(self.p1.ctx().clocks.monotonic()) as f64 / 1e6,
            None => -1.0,
        }
    }

    /// After a call returned `WOULD_BLOCK`: whether new stdin data would help.
    #[wasm_bindgen(js_name = waitsForInput)]
    pub fn waits_for_input(&self) -> bool {
        self.p1.wait.is_some_and(|w| w.input)
    }

    /// The call in progress, or the one a trap cut short (then once:
    /// reading it clears it), as its Preview 1 import name (`fd_write`).
    #[wasm_bindgen(js_name = currentCall)]
    pub fn current_call() -> Option<String> {
        call::take()
    }

    // One copy for the 46 methods (`dyn`, not generic): the bookkeeping
    // around a call, inlined into each, was a tenth of the core's size; an
    // indirect call costs nothing next to crossing from JS.
    #[inline(never)]
    fn call(
        &mut self,
        name: &'static str,
        f: &mut dyn FnMut(&mut Preview1, &Mem) -> WResult<()>,
    ) -> u32 {
        let _in = call::enter(name);
        if self.p1.ctx().fs.is_closed() {
            // MemFS.close() ran while the program runs: its descriptors
            // name freed inodes; from now on they are gone (EBADF).
            self.p1.close_files();
        }
        let m = Mem::new(&self.mem);
        let r = f(&mut self.p1, &m);
        if self.memory_error_call.get().is_none() && self.mem.has_error() {
            // The first call whose guest-memory copy failed, for the error.
            self.memory_error_call.set(Some(name));
        }
        if r != Err(crate::Errno::WouldBlock) {
            // The wait belonged to a call that has now finished.
            self.p1.wait = None;
        }
        match r {
            Ok(()) => 0,
            Err(e) => e.raw() as u32,
        }
    }
}

/// One method per Preview 1 import: `name(args) as "import" |p, m| body`,
/// where `p` is the `Preview1` and `m` the guest memory. Each converts the
/// ABI's signed 64-bit integers and the errno, and records the import it
/// is in (see `call.rs`); the `_unstable` variants differ in a struct
/// layout and record the same import name.
macro_rules! forwards {
    ($($name:ident ( $($arg:ident : $ty:ty),* ) as $import:literal
        |$p:ident, $m:ident| $body:expr;)*) => {
        #[wasm_bindgen]
        impl WasiCore {
            $(
                #[allow(clippy::too_many_arguments, unused_variables)]
                pub fn $name(&mut self, $($arg: $ty),*) -> u32 {
                    self.call($import, &mut |$p, $m| $body)
                }
            )*
        }
    };
}

forwards! {
    args_get(argv: u32, buf: u32) as "args_get" |p, m| p.args_get(m, argv, buf);
    args_sizes_get(argc: u32, size: u32) as "args_sizes_get" |p, m| p.args_sizes_get(m, argc, size);
    environ_get(env: u32, buf: u32) as "environ_get" |p, m| p.environ_get(m, env, buf);
    environ_sizes_get(count: u32, size: u32) as "environ_sizes_get"
        |p, m| p.environ_sizes_get(m, count, size);
    clock_res_get(id: u32, out: u32) as "clock_res_get" |p, m| p.clock_res_get(m, id, out);
    clock_time_get(id: u32, precision: i64, out: u32) as "clock_time_get"
        |p, m| p.clock_time_get(m, id, precision as u64, out);
    fd_advise(fd: u32, offset: i64, len: i64, advice: u32) as "fd_advise"
        |p, m| p.fd_advise(fd, offset as u64, len as u64, advice);
    fd_allocate(fd: u32, offset: i64, len: i64) as "fd_allocate"
        |p, m| p.fd_allocate(fd, offset as u64, len as u64);
    fd_close(fd: u32) as "fd_close" |p, m| p.fd_close(fd);
    fd_datasync(fd: u32) as "fd_datasync" |p, m| p.fd_datasync(fd);
    fd_fdstat_get(fd: u32, out: u32) as "fd_fdstat_get" |p, m| p.fd_fdstat_get(m, fd, out);
    fd_fdstat_set_flags(fd: u32, flags: u32) as "fd_fdstat_set_flags"
        |p, m| p.fd_fdstat_set_flags(fd, flags);
    fd_fdstat_set_rights(fd: u32, base: i64, inheriting: i64) as "fd_fdstat_set_rights"
        |p, m| p.fd_fdstat_set_rights(fd, base as u64, inheriting as u64);
    fd_filestat_get(fd: u32, out: u32) as "fd_filestat_get"
        |p, m| p.fd_filestat_get(m, fd, out, Abi::Preview1);
    fd_filestat_get_unstable(fd: u32, out: u32) as "fd_filestat_get"
        |p, m| p.fd_filestat_get(m, fd, out, Abi::Unstable);
    fd_filestat_set_size(fd: u32, size: i64) as "fd_filestat_set_size"
        |p, m| p.fd_filestat_set_size(fd, size as u64);
    fd_filestat_set_times(fd: u32, atim: i64, mtim: i64, fst: u32) as "fd_filestat_set_times"
        |p, m| p.fd_filestat_set_times(fd, atim as u64, mtim as u64, fst);
    fd_pread(fd: u32, iovs: u32, n: u32, offset: i64, out: u32) as "fd_pread"
        |p, m| p.fd_pread(m, fd, iovs, n, offset as u64, out);
    fd_prestat_get(fd: u32, out: u32) as "fd_prestat_get" |p, m| p.fd_prestat_get(m, fd, out);
    fd_prestat_dir_name(fd: u32, buf: u32, len: u32) as "fd_prestat_dir_name"
        |p, m| p.fd_prestat_dir_name(m, fd, buf, len);
    fd_pwrite(fd: u32, iovs: u32, n: u32, offset: i64, out: u32) as "fd_pwrite"
        |p, m| p.fd_pwrite(m, fd, iovs, n, offset as u64, out);
    fd_read(fd: u32, iovs: u32, n: u32, out: u32) as "fd_read" |p, m| p.fd_read(m, fd, iovs, n, out);
    fd_readdir(fd: u32, buf: u32, len: u32, cookie: i64, out: u32) as "fd_readdir"
        |p, m| p.fd_readdir(m, fd, buf, len, cookie as u64, out);
    fd_renumber(from: u32, to: u32) as "fd_renumber" |p, m| p.fd_renumber(from, to);
    fd_seek(fd: u32, offset: i64, whence: u32, out: u32) as "fd_seek"
        |p, m| p.fd_seek(m, fd, offset, whence, out, Abi::Preview1);
    fd_seek_unstable(fd: u32, offset: i64, whence: u32, out: u32) as "fd_seek"
        |p, m| p.fd_seek(m, fd, offset, whence, out, Abi::Unstable);
    fd_sync(fd: u32) as "fd_sync" |p, m| p.fd_sync(fd);
    fd_tell(fd: u32, out: u32) as "fd_tell" |p, m| p.fd_tell(m, fd, out);
    fd_write(fd: u32, iovs: u32, n: u32, out: u32) as "fd_write" |p, m| p.fd_write(m, fd, iovs, n, out);
    path_create_directory(fd: u32, path: u32, len: u32) as "path_create_directory"
        |p, m| p.path_create_directory(m, fd, path, len);
    path_filestat_get(fd: u32, fl: u32, path: u32, len: u32, out: u32) as "path_filestat_get"
        |p, m| p.path_filestat_get(m, fd, fl, path, len, out, Abi::Preview1);
    path_filestat_get_unstable(fd: u32, fl: u32, path: u32, len: u32, out: u32) as "path_filestat_get"
        |p, m| p.path_filestat_get(m, fd, fl, path, len, out, Abi::Unstable);
    path_filestat_set_times(fd: u32, fl: u32, path: u32, len: u32, atim: i64, mtim: i64, fst: u32)
        as "path_filestat_set_times"
        |p, m| p.path_filestat_set_times(m, fd, fl, path, len, atim as u64, mtim as u64, fst);
    path_link(old_fd: u32, old_flags: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32)
        as "path_link"
        |p, m| p.path_link(m, old_fd, old_flags, old, old_len, new_fd, new, new_len);
    path_open(fd: u32, dirflags: u32, path: u32, len: u32, oflags: u32, base: i64, inheriting: i64,
              fdflags: u32, out: u32) as "path_open"
        |p, m| p.path_open(m, fd, dirflags, path, len, oflags, base as u64, inheriting as u64, fdflags, out);
    path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32) as "path_readlink"
        |p, m| p.path_readlink(m, fd, path, len, buf, buf_len, out);
    path_remove_directory(fd: u32, path: u32, len: u32) as "path_remove_directory"
        |p, m| p.path_remove_directory(m, fd, path, len);
    path_rename(fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32) as "path_rename"
        |p, m| p.path_rename(m, fd, old, old_len, new_fd, new, new_len);
    path_symlink(old: u32, old_len: u32, fd: u32, new: u32, new_len: u32) as "path_symlink"
        |p, m| p.path_symlink(m, old, old_len, fd, new, new_len);
    path_unlink_file(fd: u32, path: u32, len: u32) as "path_unlink_file"
        |p, m| p.path_unlink_file(m, fd, path, len);
    poll_oneoff(subs: u32, events: u32, n: u32, out: u32) as "poll_oneoff"
        |p, m| p.poll_oneoff(m, subs, events, n, out, Abi::Preview1);
    poll_oneoff_unstable(subs: u32, events: u32, n: u32, out: u32) as "poll_oneoff"
        |p, m| p.poll_oneoff(m, subs, events, n, out, Abi::Unstable);
    // A signal number past 255 is no signal: EINVAL.
    proc_raise(sig: u32) as "proc_raise"
        |p, m| u8::try_from(sig).map_err(|_| crate::Errno::Inval).and_then(|s| p.proc_raise(s));
    sched_yield() as "sched_yield" |p, m| p.sched_yield();
    random_get(buf: u32, len: u32) as "random_get" |p, m| p.random_get(m, buf, len);
    sock_accept(fd: u32, flags: u32, out: u32) as "sock_accept" |p, m| p.sock_accept(fd, flags, out);
    sock_recv(fd: u32, _a: u32, _b: u32, _c: u32, _d: u32, _e: u32) as "sock_recv" |p, m| p.sock_recv(fd);
    sock_send(fd: u32, _a: u32, _b: u32, _c: u32, _d: u32) as "sock_send" |p, m| p.sock_send(fd);
    sock_shutdown(fd: u32, how: u32) as "sock_shutdown" |p, m| p.sock_shutdown(fd, how);
}

#[wasm_bindgen]
impl WasiCore {
    /// Records the code and flushes; the JS wrapper then unwinds the guest.
    pub fn proc_exit(&mut self, code: u32) {
        let _in = call::enter("proc_exit");
        self.p1.proc_exit(code);
    }
}
