//! `WasiCore`: one program's WASI state, with one method per Preview 1
//! import. Each method converts nothing but the errno.

use super::host::{self, JsMemory};
use super::memfs::MemFsCore;
use super::options::{self, CtxOptions, Fields};
use super::stdio::JsSink;
use crate::cli::Buffered;
use crate::error::Result as WResult;
use crate::memory::Mem;
use crate::preview1::types::{Abi, FUNCTIONS};
use crate::preview1::Preview1;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct WasiCore {
    p1: Preview1,
    mem: JsMemory,
}

#[wasm_bindgen]
impl WasiCore {
    #[wasm_bindgen(constructor)]
    pub fn new(fs: &MemFsCore, opts: JsValue) -> Result<WasiCore, JsValue> {
        host::set_core_memory(&wasm_bindgen::memory());
        let f = Fields::new(&opts, "WasiCore")?;
        let common = CtxOptions::read(&f)?;
        let tty = common.tty;
        let mut b = options::context(fs, &opts, common)?;
        // The largest single read or write; larger ones are shortened.
        if let Some(n) = f.count("maxIoBytes", u32::MAX as u64)? {
            b = b.max_io(n as u32);
        }
        // Output is coalesced in the core (per line for a terminal).
        if let Some(f) = options::sink_fn(&opts, "stdout", "WasiCore")? {
            b = b.stdout(Box::new(Buffered::new(JsSink(f), tty[1])), tty[1]);
        }
        if let Some(f) = options::sink_fn(&opts, "stderr", "WasiCore")? {
            b = b.stderr(Box::new(Buffered::new(JsSink(f), tty[2])), tty[2]);
        }
        let p1 = Preview1::new(b.build()).map_err(|e| super::js_error(e, "init", ""))?;
        Ok(WasiCore {
            p1,
            mem: JsMemory::new(JsValue::UNDEFINED),
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
        self.mem = JsMemory::new(memory);
    }

    #[wasm_bindgen(js_name = exitCode)]
    pub fn exit_code(&self) -> Option<u32> {
        self.p1.ctx.exit_code
    }

    pub fn flush(&mut self) {
        self.p1.flush();
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
            Some(d) => d.saturating_sub(self.p1.ctx.clocks.monotonic()) as f64 / 1e6,
            None => -1.0,
        }
    }

    /// After a call returned `WOULD_BLOCK`: whether new stdin data would help.
    #[wasm_bindgen(js_name = waitsForInput)]
    pub fn waits_for_input(&self) -> bool {
        self.p1.wait.is_some_and(|w| w.input)
    }

    fn call(&mut self, f: impl FnOnce(&mut Preview1, &Mem) -> WResult<()>) -> u32 {
        if self.p1.ctx.fs.is_closed() {
            // MemFS.close() ran while the program runs: its descriptors
            // name freed inodes; from now on they are gone (EBADF).
            self.p1.close_files();
        }
        let m = Mem::new(&self.mem);
        let r = f(&mut self.p1, &m);
        if r != Err(crate::Errno::WouldBlock) {
            // The wait belonged to a call that has now finished.
            self.p1.wait = None;
        }
        match r {
            Ok(()) => 0,
            Err(e) => e.raw() as u32,
        }
    }

    pub fn args_get(&mut self, argv: u32, buf: u32) -> u32 {
        self.call(|p, m| p.args_get(m, argv, buf))
    }
    pub fn args_sizes_get(&mut self, argc: u32, size: u32) -> u32 {
        self.call(|p, m| p.args_sizes_get(m, argc, size))
    }
    pub fn environ_get(&mut self, env: u32, buf: u32) -> u32 {
        self.call(|p, m| p.environ_get(m, env, buf))
    }
    pub fn environ_sizes_get(&mut self, count: u32, size: u32) -> u32 {
        self.call(|p, m| p.environ_sizes_get(m, count, size))
    }
    pub fn clock_res_get(&mut self, id: u32, out: u32) -> u32 {
        self.call(|p, m| p.clock_res_get(m, id, out))
    }
    pub fn clock_time_get(&mut self, id: u32, precision: i64, out: u32) -> u32 {
        self.call(|p, m| p.clock_time_get(m, id, precision as u64, out))
    }
    pub fn fd_advise(&mut self, fd: u32, offset: i64, len: i64, advice: u32) -> u32 {
        self.call(|p, _| p.fd_advise(fd, offset as u64, len as u64, advice))
    }
    pub fn fd_allocate(&mut self, fd: u32, offset: i64, len: i64) -> u32 {
        self.call(|p, _| p.fd_allocate(fd, offset as u64, len as u64))
    }
    pub fn fd_close(&mut self, fd: u32) -> u32 {
        self.call(|p, _| p.fd_close(fd))
    }
    pub fn fd_datasync(&mut self, fd: u32) -> u32 {
        self.call(|p, _| p.fd_datasync(fd))
    }
    pub fn fd_fdstat_get(&mut self, fd: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_fdstat_get(m, fd, out))
    }
    pub fn fd_fdstat_set_flags(&mut self, fd: u32, flags: u32) -> u32 {
        self.call(|p, _| p.fd_fdstat_set_flags(fd, flags))
    }
    pub fn fd_fdstat_set_rights(&mut self, fd: u32, base: i64, inheriting: i64) -> u32 {
        self.call(|p, _| p.fd_fdstat_set_rights(fd, base as u64, inheriting as u64))
    }
    pub fn fd_filestat_get(&mut self, fd: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_filestat_get(m, fd, out, Abi::Preview1))
    }
    pub fn fd_filestat_get_unstable(&mut self, fd: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_filestat_get(m, fd, out, Abi::Unstable))
    }
    pub fn fd_filestat_set_size(&mut self, fd: u32, size: i64) -> u32 {
        self.call(|p, _| p.fd_filestat_set_size(fd, size as u64))
    }
    pub fn fd_filestat_set_times(&mut self, fd: u32, atim: i64, mtim: i64, fst: u32) -> u32 {
        self.call(|p, _| p.fd_filestat_set_times(fd, atim as u64, mtim as u64, fst))
    }
    pub fn fd_pread(&mut self, fd: u32, iovs: u32, n: u32, offset: i64, out: u32) -> u32 {
        self.call(|p, m| p.fd_pread(m, fd, iovs, n, offset as u64, out))
    }
    pub fn fd_prestat_get(&mut self, fd: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_prestat_get(m, fd, out))
    }
    pub fn fd_prestat_dir_name(&mut self, fd: u32, buf: u32, len: u32) -> u32 {
        self.call(|p, m| p.fd_prestat_dir_name(m, fd, buf, len))
    }
    pub fn fd_pwrite(&mut self, fd: u32, iovs: u32, n: u32, offset: i64, out: u32) -> u32 {
        self.call(|p, m| p.fd_pwrite(m, fd, iovs, n, offset as u64, out))
    }
    pub fn fd_read(&mut self, fd: u32, iovs: u32, n: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_read(m, fd, iovs, n, out))
    }
    pub fn fd_readdir(&mut self, fd: u32, buf: u32, len: u32, cookie: i64, out: u32) -> u32 {
        self.call(|p, m| p.fd_readdir(m, fd, buf, len, cookie as u64, out))
    }
    pub fn fd_renumber(&mut self, from: u32, to: u32) -> u32 {
        self.call(|p, _| p.fd_renumber(from, to))
    }
    pub fn fd_seek(&mut self, fd: u32, offset: i64, whence: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_seek(m, fd, offset, whence, out, Abi::Preview1))
    }
    pub fn fd_seek_unstable(&mut self, fd: u32, offset: i64, whence: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_seek(m, fd, offset, whence, out, Abi::Unstable))
    }
    pub fn fd_sync(&mut self, fd: u32) -> u32 {
        self.call(|p, _| p.fd_sync(fd))
    }
    pub fn fd_tell(&mut self, fd: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_tell(m, fd, out))
    }
    pub fn fd_write(&mut self, fd: u32, iovs: u32, n: u32, out: u32) -> u32 {
        self.call(|p, m| p.fd_write(m, fd, iovs, n, out))
    }
    pub fn path_create_directory(&mut self, fd: u32, path: u32, len: u32) -> u32 {
        self.call(|p, m| p.path_create_directory(m, fd, path, len))
    }
    pub fn path_filestat_get(&mut self, fd: u32, fl: u32, path: u32, len: u32, out: u32) -> u32 {
        self.call(|p, m| p.path_filestat_get(m, fd, fl, path, len, out, Abi::Preview1))
    }
    pub fn path_filestat_get_unstable(
        &mut self,
        fd: u32,
        fl: u32,
        path: u32,
        len: u32,
        out: u32,
    ) -> u32 {
        self.call(|p, m| p.path_filestat_get(m, fd, fl, path, len, out, Abi::Unstable))
    }
    #[allow(clippy::too_many_arguments)]
    pub fn path_filestat_set_times(
        &mut self,
        fd: u32,
        fl: u32,
        path: u32,
        len: u32,
        atim: i64,
        mtim: i64,
        fst: u32,
    ) -> u32 {
        self.call(|p, m| {
            p.path_filestat_set_times(m, fd, fl, path, len, atim as u64, mtim as u64, fst)
        })
    }
    #[allow(clippy::too_many_arguments)]
    pub fn path_link(
        &mut self,
        old_fd: u32,
        old_flags: u32,
        old: u32,
        old_len: u32,
        new_fd: u32,
        new: u32,
        new_len: u32,
    ) -> u32 {
        self.call(|p, m| p.path_link(m, old_fd, old_flags, old, old_len, new_fd, new, new_len))
    }
    #[allow(clippy::too_many_arguments)]
    pub fn path_open(
        &mut self,
        fd: u32,
        dirflags: u32,
        path: u32,
        len: u32,
        oflags: u32,
        base: i64,
        inheriting: i64,
        fdflags: u32,
        out: u32,
    ) -> u32 {
        self.call(|p, m| {
            p.path_open(
                m,
                fd,
                dirflags,
                path,
                len,
                oflags,
                base as u64,
                inheriting as u64,
                fdflags,
                out,
            )
        })
    }
    #[allow(clippy::too_many_arguments)]
    pub fn path_readlink(
        &mut self,
        fd: u32,
        path: u32,
        len: u32,
        buf: u32,
        buf_len: u32,
        out: u32,
    ) -> u32 {
        self.call(|p, m| p.path_readlink(m, fd, path, len, buf, buf_len, out))
    }
    pub fn path_remove_directory(&mut self, fd: u32, path: u32, len: u32) -> u32 {
        self.call(|p, m| p.path_remove_directory(m, fd, path, len))
    }
    #[allow(clippy::too_many_arguments)]
    pub fn path_rename(
        &mut self,
        fd: u32,
        old: u32,
        old_len: u32,
        new_fd: u32,
        new: u32,
        new_len: u32,
    ) -> u32 {
        self.call(|p, m| p.path_rename(m, fd, old, old_len, new_fd, new, new_len))
    }
    pub fn path_symlink(&mut self, old: u32, old_len: u32, fd: u32, new: u32, new_len: u32) -> u32 {
        self.call(|p, m| p.path_symlink(m, old, old_len, fd, new, new_len))
    }
    pub fn path_unlink_file(&mut self, fd: u32, path: u32, len: u32) -> u32 {
        self.call(|p, m| p.path_unlink_file(m, fd, path, len))
    }
    pub fn poll_oneoff(&mut self, subs: u32, events: u32, n: u32, out: u32) -> u32 {
        self.call(|p, m| p.poll_oneoff(m, subs, events, n, out, Abi::Preview1))
    }
    pub fn poll_oneoff_unstable(&mut self, subs: u32, events: u32, n: u32, out: u32) -> u32 {
        self.call(|p, m| p.poll_oneoff(m, subs, events, n, out, Abi::Unstable))
    }
    /// Records the code and flushes; the JS wrapper then unwinds the guest.
    pub fn proc_exit(&mut self, code: u32) {
        self.p1.proc_exit(code);
    }
    /// A terminating signal records 128+sig as the exit code (see `exitCode`).
    pub fn proc_raise(&mut self, sig: u32) -> u32 {
        if sig > 255 {
            return crate::Errno::Inval.raw() as u32;
        }
        self.call(|p, _| p.proc_raise(sig as u8))
    }
    pub fn sched_yield(&mut self) -> u32 {
        self.call(|p, _| p.sched_yield())
    }
    pub fn random_get(&mut self, buf: u32, len: u32) -> u32 {
        self.call(|p, m| p.random_get(m, buf, len))
    }
    pub fn sock_accept(&mut self, fd: u32, flags: u32, out: u32) -> u32 {
        self.call(|p, _| p.sock_accept(fd, flags, out))
    }
    pub fn sock_recv(&mut self, fd: u32, _a: u32, _b: u32, _c: u32, _d: u32, _e: u32) -> u32 {
        self.call(|p, _| p.sock_recv(fd))
    }
    pub fn sock_send(&mut self, fd: u32, _a: u32, _b: u32, _c: u32, _d: u32) -> u32 {
        self.call(|p, _| p.sock_send(fd))
    }
    pub fn sock_shutdown(&mut self, fd: u32, how: u32) -> u32 {
        self.call(|p, _| p.sock_shutdown(fd, how))
    }
}
