//! `Preview2Core`: one component's WASI 0.2 state for `js/preview2/`.
//! Handles are numbers; the JS classes wrap them. Errors are thrown as:
//! an `error-code` string (filesystem), `"closed"` or the number of a
//! `wasi:io/error` handle (streams), or an `Error` for misuse (a trap).
//!
//! In async mode (`async: true`) the calls that may wait (`poll`,
//! `pollableBlock`, `blockingRead`, `blockingSkip`, `blockingSplice`)
//! throw the string `"would-block"` instead of blocking; `waitMs()` and
//! `waitsForInput()` then say what to await before retrying (JSPI).

use super::call;
use super::host;
use super::memfs::MemFsCore;
use super::options::{self, CtxOptions, Fields};
use crate::fs::Kind;
use crate::io::Wait;
use crate::preview2::io::{Sink, MAX_POLL};
use crate::preview2::random::MAX_RANDOM_BYTES;
use crate::preview2::{filesystem, sockets, Error, Preview2};
use core::cell::Cell;
use js_sys::{Array, JsString, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

/// What a waiting call throws in async mode.
const WOULD_BLOCK: &str = "would-block";

fn to_js(e: Error) -> JsValue {
    match e {
        Error::Code(c) => JsValue::from_str(filesystem::error_code(c)),
        Error::Closed => JsValue::from_str("closed"),
        Error::Failed(id) => JsValue::from(id),
        Error::Trap(m) => js_sys::Error::new(&m).into(),
        Error::Wait(_) => JsValue::from_str(WOULD_BLOCK),
    }
}

type R<T> = Result<T, JsValue>;

// A component's lists stay JS arrays until checked: a `&[u8]` or `Vec`
// parameter would make wasm-bindgen copy the whole list into the core's
// memory before any check ran, and the core's memory never shrinks. So
// the bindings take `Uint8Array`/`Uint32Array`, check the length against
// the call's limit, and copy only what the call takes, piece by piece
// (file writes straight into the file's storage). Answers (reads, random
// bytes) are built as JS arrays the same way, not gathered in the core.

/// A JS array's length. `length()` is a u32 in js-sys, and a JS caller's
/// array may be longer than 4 GiB: read the number itself.
fn js_len(a: &JsValue) -> u64 {
    js_sys::Reflect::get(a, &"length".into())
        .ok()
        .and_then(|v| v.as_f64())
        .map_or(0, |n| n as u64)
}

/// The bytes of a write, as a `Uint8Array` (the JS layer passes one).
fn js_bytes(v: &JsValue) -> R<&Uint8Array> {
    v.dyn_ref::<Uint8Array>()
        .ok_or_else(|| js_sys::TypeError::new("wasi-web: expected a Uint8Array").into())
}

/// A [`Fill`](crate::preview2::io::Fill) from a JS array: copies the piece
/// asked for, and only it, into the core.
fn js_fill(src: &Uint8Array) -> impl FnMut(u64, &mut [u8]) -> crate::error::Result<()> + '_ {
    move |done, dst| {
        let end = done + dst.len() as u64;
        let piece = src.subarray(done as u32, end as u32);
        // Never short unless the array changed under us (it cannot while
        // the core runs); refused rather than a panic in `copy_to`.
        if end > u32::MAX as u64 || piece.length() as usize != dst.len() {
            return Err(crate::Errno::Fault);
        }
        piece.copy_to(dst);
        Ok(())
    }
}

/// Runs a read that reports through a [`Sink`], copying each piece into
/// the JS array it answers with.
fn js_read(
    read: impl FnOnce(Sink) -> crate::preview2::Result<u64>,
) -> crate::preview2::Result<Uint8Array> {
    let mut out: Option<Uint8Array> = None;
    let n = read(&mut |n, at, bytes| {
        let a = out.get_or_insert_with(|| Uint8Array::new_with_length(n as u32));
        a.subarray(at as u32, (at + bytes.len() as u64) as u32)
            .copy_from(bytes);
    })?;
    // Reads are capped at `max_io` (a u32), so `n` fits; holes stay zeros.
    Ok(out.unwrap_or_else(|| Uint8Array::new_with_length(n as u32)))
}

fn kind_index(k: Kind) -> u32 {
    match k {
        Kind::File => 0,
        Kind::Dir => 1,
        Kind::Symlink => 2,
    }
}

/// kind, link count, size and the three timestamps (nanoseconds).
fn stat_vec(s: crate::fs::Stat) -> Vec<u64> {
    vec![
        kind_index(s.kind) as u64,
        s.nlink,
        s.size,
        s.atim,
        s.mtim,
        s.ctim,
    ]
}

#[wasm_bindgen]
pub struct Preview2Core {
    p2: Preview2,
    /// What the last call that threw `"would-block"` waits for.
    wait: Cell<Option<Wait>>,
}

impl Preview2Core {
    /// A path from the component: its length is checked against the
    /// filesystem's `max_path` before it is copied into the core (a JS
    /// string of n UTF-16 units has at least n UTF-8 bytes), so a guest's
    /// 2 GiB path costs nothing.
    /// On the core's stack when short (`host::js_str`): a trap in the call
    /// then leaks nothing.
    fn path(&self, s: &JsString) -> R<crate::memory::ArgStr> {
        // Checked before `length`: wasm-bindgen does not check a `&JsString`'s
        // type, and a getter that throws would unwind out of this call.
        if !s.is_string() {
            return Err(js_sys::TypeError::new("expected a string path").into());
        }
        if s.length() as usize > self.p2.ctx.fs.borrow().limits.max_path {
            return Err(to_js(Error::Code(crate::Errno::Nametoolong)));
        }
        host::js_str(s)
    }
}

#[wasm_bindgen]
impl Preview2Core {
    #[wasm_bindgen(constructor)]
    pub fn new(fs: &MemFsCore, opts: JsValue) -> R<Preview2Core> {
        host::set_core_memory(&wasm_bindgen::memory());
        let f = Fields::new(&opts, "Preview2Core")?;
        let common = CtxOptions::read(&f)?;
        let tty = common.tty;
        let b = options::context(fs, &opts, common, "Preview2Core")?;
        let mut ctx = b.build();
        ctx.stdio.tty = tty;
        let mut p2 = Preview2::new(ctx);
        p2.cwd = f.string("cwd")?;
        Ok(Preview2Core {
            p2,
            wait: Cell::new(None),
        })
    }

    /// The method in progress, or the one a trap cut short (then once:
    /// reading it clears it), by its JS name (`blockingRead`).
    #[wasm_bindgen(js_name = currentCall)]
    pub fn current_call() -> Option<String> {
        call::take()
    }

    /// Maps the result of a call that may wait, recording the wait.
    fn waiting<T>(&self, r: crate::preview2::Result<T>) -> R<T> {
        r.map_err(|e| {
            if let Error::Wait(w) = e {
                self.wait.set(Some(w));
            }
            to_js(e)
        })
    }

    /// After a call threw `"would-block"`: milliseconds until the earliest
    /// deadline it waits for, or -1 for none.
    #[wasm_bindgen(js_name = waitMs)]
    pub fn wait_ms(&self) -> f64 {
        let _in = call::enter("waitMs");
        match self.wait.get().and_then(|w| w.deadline) {
            Some(d) => d.saturating_sub(self.p2.ctx.clocks.monotonic()) as f64 / 1e6,
            None => -1.0,
        }
    }

    /// After a call threw `"would-block"`: whether new stdin data would help.
    #[wasm_bindgen(js_name = waitsForInput)]
    pub fn waits_for_input(&self) -> bool {
        let _in = call::enter("waitsForInput");
        self.wait.get().is_some_and(|w| w.input)
    }

    #[wasm_bindgen(js_name = exitCode)]
    pub fn exit_code(&self) -> Option<u32> {
        let _in = call::enter("exitCode");
        self.p2.ctx.exit_code
    }

    pub fn flush(&mut self) {
        let _in = call::enter("flush");
        self.p2.flush();
    }

    /// The run has ended: drops every resource at once (see
    /// `Preview2::close_all`).
    #[wasm_bindgen(js_name = closeAll)]
    pub fn close_all(&mut self) {
        let _in = call::enter("closeAll");
        self.p2.close_all();
    }

    /// Drops a resource; throws if it is not live or still has children.
    pub fn drop(&mut self, id: u32) -> R<()> {
        let _in = call::enter("drop");
        self.p2.drop_resource(id).map_err(to_js)
    }

    /// Live resources, for leak checks.
    pub fn live(&self) -> u32 {
        let _in = call::enter("live");
        self.p2.live() as u32
    }

    /// The resource type of a live handle, or undefined.
    #[wasm_bindgen(js_name = typeOf)]
    pub fn type_of(&self, id: u32) -> Option<String> {
        let _in = call::enter("typeOf");
        self.p2.type_of(id).map(str::to_string)
    }

    // ---- io ----

    #[wasm_bindgen(js_name = errorToDebugString)]
    pub fn error_to_debug_string(&self, id: u32) -> R<String> {
        let _in = call::enter("errorToDebugString");
        self.p2.error_to_debug_string(id).map_err(to_js)
    }
    #[wasm_bindgen(js_name = pollableReady)]
    pub fn pollable_ready(&self, id: u32) -> R<bool> {
        let _in = call::enter("pollableReady");
        self.p2.pollable_ready(id).map_err(to_js)
    }
    #[wasm_bindgen(js_name = pollableBlock)]
    pub fn pollable_block(&mut self, id: u32) -> R<()> {
        let _in = call::enter("pollableBlock");
        let r = self.p2.pollable_block(id);
        self.waiting(r)
    }
    /// `poll` of the handles in `ids` (a `Uint32Array`): more than
    /// [`MAX_POLL`] traps before the list is copied into the core.
    pub fn poll(&mut self, ids: &Uint32Array) -> R<Vec<u32>> {
        let _in = call::enter("poll");
        let n = js_len(ids);
        if n > MAX_POLL as u64 {
            return Err(js_sys::Error::new(&format!(
                "wasi-web: poll takes at most {MAX_POLL} pollables, not {n}"
            ))
            .into());
        }
        let r = self.p2.poll(&ids.to_vec());
        self.waiting(r)
    }
    pub fn read(&mut self, id: u32, len: u64) -> R<Uint8Array> {
        let _in = call::enter("read");
        js_read(|sink| self.p2.read_into(id, len, sink)).map_err(to_js)
    }
    #[wasm_bindgen(js_name = blockingRead)]
    pub fn blocking_read(&mut self, id: u32, len: u64) -> R<Uint8Array> {
        let _in = call::enter("blockingRead");
        let r = js_read(|sink| self.p2.blocking_read_into(id, len, sink));
        self.waiting(r)
    }
    pub fn skip(&mut self, id: u32, len: u64) -> R<u64> {
        let _in = call::enter("skip");
        self.p2.skip(id, len).map_err(to_js)
    }
    #[wasm_bindgen(js_name = blockingSkip)]
    pub fn blocking_skip(&mut self, id: u32, len: u64) -> R<u64> {
        let _in = call::enter("blockingSkip");
        let r = self.p2.blocking_skip(id, len);
        self.waiting(r)
    }
    #[wasm_bindgen(js_name = subscribeInput)]
    pub fn subscribe_input(&mut self, id: u32) -> R<u32> {
        let _in = call::enter("subscribeInput");
        self.p2.subscribe_input(id).map_err(to_js)
    }
    #[wasm_bindgen(js_name = checkWrite)]
    pub fn check_write(&mut self, id: u32) -> R<u64> {
        let _in = call::enter("checkWrite");
        self.p2.check_write(id).map_err(to_js)
    }
    /// `write` of a `Uint8Array`: more than `check-write` grants traps
    /// before a byte is copied.
    pub fn write(&mut self, id: u32, bytes: JsValue) -> R<()> {
        let _in = call::enter("write");
        let bytes = js_bytes(&bytes)?;
        self.p2
            .write_from(id, js_len(bytes), &mut js_fill(bytes))
            .map_err(to_js)
    }
    /// `blocking-write-and-flush` of a `Uint8Array` (at most 4096 bytes,
    /// checked before any is copied).
    #[wasm_bindgen(js_name = blockingWriteAndFlush)]
    pub fn blocking_write_and_flush(&mut self, id: u32, bytes: JsValue) -> R<()> {
        let _in = call::enter("blockingWriteAndFlush");
        let bytes = js_bytes(&bytes)?;
        self.p2
            .blocking_write_and_flush_from(id, js_len(bytes), &mut js_fill(bytes))
            .map_err(to_js)
    }
    #[wasm_bindgen(js_name = flushStream)]
    pub fn flush_stream(&mut self, id: u32) -> R<()> {
        let _in = call::enter("flushStream");
        self.p2.flush_stream(id).map_err(to_js)
    }
    #[wasm_bindgen(js_name = writeZeroes)]
    pub fn write_zeroes(&mut self, id: u32, len: u64) -> R<()> {
        let _in = call::enter("writeZeroes");
        self.p2.write_zeroes(id, len).map_err(to_js)
    }
    #[wasm_bindgen(js_name = blockingWriteZeroesAndFlush)]
    pub fn blocking_write_zeroes_and_flush(&mut self, id: u32, len: u64) -> R<()> {
        let _in = call::enter("blockingWriteZeroesAndFlush");
        self.p2
            .blocking_write_zeroes_and_flush(id, len)
            .map_err(to_js)
    }
    #[wasm_bindgen(js_name = subscribeOutput)]
    pub fn subscribe_output(&mut self, id: u32) -> R<u32> {
        let _in = call::enter("subscribeOutput");
        self.p2.subscribe_output(id).map_err(to_js)
    }
    pub fn splice(&mut self, dst: u32, src: u32, len: u64) -> R<u64> {
        let _in = call::enter("splice");
        self.p2.splice(dst, src, len).map_err(to_js)
    }
    #[wasm_bindgen(js_name = blockingSplice)]
    pub fn blocking_splice(&mut self, dst: u32, src: u32, len: u64) -> R<u64> {
        let _in = call::enter("blockingSplice");
        let r = self.p2.blocking_splice(dst, src, len);
        self.waiting(r)
    }

    // ---- clocks, random ----

    /// `[seconds, nanoseconds]`.
    #[wasm_bindgen(js_name = wallNow)]
    pub fn wall_now(&self) -> Vec<u64> {
        let _in = call::enter("wallNow");
        let (s, n) = self.p2.wall_now();
        vec![s, n as u64]
    }
    #[wasm_bindgen(js_name = wallResolution)]
    pub fn wall_resolution(&self) -> Vec<u64> {
        let _in = call::enter("wallResolution");
        let (s, n) = self.p2.wall_resolution();
        vec![s, n as u64]
    }
    #[wasm_bindgen(js_name = monotonicNow)]
    pub fn monotonic_now(&self) -> u64 {
        let _in = call::enter("monotonicNow");
        self.p2.monotonic_now()
    }
    #[wasm_bindgen(js_name = monotonicResolution)]
    pub fn monotonic_resolution(&self) -> u64 {
        let _in = call::enter("monotonicResolution");
        self.p2.monotonic_resolution()
    }
    #[wasm_bindgen(js_name = subscribeInstant)]
    pub fn subscribe_instant(&mut self, when: u64) -> R<u32> {
        let _in = call::enter("subscribeInstant");
        self.p2.subscribe_instant(when).map_err(to_js)
    }
    /// A pollable that becomes ready when `resolveExternal(id)` is called
    /// (by the JS side when a promise settles).
    #[wasm_bindgen(js_name = externalPollable)]
    pub fn external_pollable(&mut self) -> R<u32> {
        let _in = call::enter("externalPollable");
        self.p2.external_pollable().map_err(to_js)
    }

    #[wasm_bindgen(js_name = resolveExternal)]
    pub fn resolve_external(&mut self, id: u32) -> R<()> {
        let _in = call::enter("resolveExternal");
        self.p2.resolve_external(id).map_err(to_js)
    }

    #[wasm_bindgen(js_name = subscribeDuration)]
    pub fn subscribe_duration(&mut self, ns: u64) -> R<u32> {
        let _in = call::enter("subscribeDuration");
        self.p2.subscribe_duration(ns).map_err(to_js)
    }
    #[wasm_bindgen(js_name = getRandomBytes)]
    pub fn get_random_bytes(&mut self, len: u64) -> Uint8Array {
        let _in = call::enter("getRandomBytes");
        // Filled in pieces through a small buffer: the answer (up to
        // 64 MiB) is never held in the core.
        let n = len.min(MAX_RANDOM_BYTES) as u32;
        let out = Uint8Array::new_with_length(n);
        let mut buf = [0u8; 4096];
        let mut at = 0;
        while at < n {
            let k = (n - at).min(buf.len() as u32);
            let piece = &mut buf[..k as usize];
            self.p2.fill_random(piece);
            out.subarray(at, at + k).copy_from(piece);
            at += k;
        }
        out
    }
    #[wasm_bindgen(js_name = getRandomU64)]
    pub fn get_random_u64(&mut self) -> u64 {
        let _in = call::enter("getRandomU64");
        self.p2.get_random_u64()
    }
    #[wasm_bindgen(js_name = insecureSeed)]
    pub fn insecure_seed(&mut self) -> Vec<u64> {
        let _in = call::enter("insecureSeed");
        let (a, b) = self.p2.insecure_seed();
        vec![a, b]
    }

    // ---- cli ----

    /// `[[key, value], ...]`.
    #[wasm_bindgen(js_name = getEnvironment)]
    pub fn get_environment(&self) -> Array {
        let _in = call::enter("getEnvironment");
        self.p2
            .get_environment()
            .into_iter()
            .map(|(k, v)| Array::of2(&k.into(), &v.into()))
            .collect()
    }
    #[wasm_bindgen(js_name = getArguments)]
    pub fn get_arguments(&self) -> Vec<String> {
        let _in = call::enter("getArguments");
        self.p2.get_arguments()
    }
    #[wasm_bindgen(js_name = initialCwd)]
    pub fn initial_cwd(&self) -> Option<String> {
        let _in = call::enter("initialCwd");
        self.p2.initial_cwd()
    }
    pub fn exit(&mut self, code: u32) {
        let _in = call::enter("exit");
        self.p2.exit(code);
    }
    #[wasm_bindgen(js_name = getStdin)]
    pub fn get_stdin(&mut self) -> R<u32> {
        let _in = call::enter("getStdin");
        self.p2.get_stdin().map_err(to_js)
    }
    #[wasm_bindgen(js_name = getStdout)]
    pub fn get_stdout(&mut self) -> R<u32> {
        let _in = call::enter("getStdout");
        self.p2.get_stdout().map_err(to_js)
    }
    #[wasm_bindgen(js_name = getStderr)]
    pub fn get_stderr(&mut self) -> R<u32> {
        let _in = call::enter("getStderr");
        self.p2.get_stderr().map_err(to_js)
    }
    /// A terminal handle for stdio stream `which` (0, 1, 2), or undefined.
    #[wasm_bindgen(js_name = getTerminal)]
    pub fn get_terminal(&mut self, which: u32) -> R<Option<u32>> {
        let _in = call::enter("getTerminal");
        self.p2.get_terminal(which as usize).map_err(to_js)
    }

    // ---- sockets ----

    #[wasm_bindgen(js_name = instanceNetwork)]
    pub fn instance_network(&mut self) -> R<u32> {
        let _in = call::enter("instanceNetwork");
        self.p2.instance_network().map_err(to_js)
    }
    #[wasm_bindgen(js_name = createSocketError)]
    pub fn create_socket_error() -> String {
        let _in = call::enter("createSocketError");
        sockets::create_socket().into()
    }
    /// The guest's name is checked for length before it is copied: no
    /// valid name is longer than 253 bytes (a string of n UTF-16 units has
    /// at least n UTF-8 bytes).
    #[wasm_bindgen(js_name = resolveAddressesError)]
    pub fn resolve_addresses_error(name: &JsString) -> String {
        let _in = call::enter("resolveAddressesError");
        if !name.is_string() || name.length() > 253 {
            return sockets::INVALID_ARGUMENT.into();
        }
        sockets::resolve_addresses(&String::from(name)).into()
    }

    // ---- filesystem ----

    /// `[[handle, name], ...]`.
    #[wasm_bindgen(js_name = getDirectories)]
    pub fn get_directories(&mut self) -> R<Array> {
        let _in = call::enter("getDirectories");
        let list = self.p2.get_directories().map_err(to_js)?;
        Ok(list
            .into_iter()
            .map(|(id, name)| Array::of2(&id.into(), &name.into()))
            .collect())
    }
    #[wasm_bindgen(js_name = filesystemErrorCode)]
    pub fn filesystem_error_code(&self, id: u32) -> R<Option<String>> {
        let _in = call::enter("filesystemErrorCode");
        let c = self.p2.filesystem_error_code(id).map_err(to_js)?;
        Ok(c.map(|e| filesystem::error_code(e).to_string()))
    }
    #[wasm_bindgen(js_name = readViaStream)]
    pub fn read_via_stream(&mut self, id: u32, offset: u64) -> R<u32> {
        let _in = call::enter("readViaStream");
        self.p2.read_via_stream(id, offset).map_err(to_js)
    }
    #[wasm_bindgen(js_name = writeViaStream)]
    pub fn write_via_stream(&mut self, id: u32, offset: u64) -> R<u32> {
        let _in = call::enter("writeViaStream");
        self.p2.write_via_stream(id, offset).map_err(to_js)
    }
    #[wasm_bindgen(js_name = appendViaStream)]
    pub fn append_via_stream(&mut self, id: u32) -> R<u32> {
        let _in = call::enter("appendViaStream");
        self.p2.append_via_stream(id).map_err(to_js)
    }
    pub fn advise(&self, id: u32, offset: u64, len: u64, advice: u8) -> R<()> {
        let _in = call::enter("advise");
        self.p2.advise(id, offset, len, advice).map_err(to_js)
    }
    pub fn sync(&self, id: u32) -> R<()> {
        let _in = call::enter("sync");
        self.p2.sync(id).map_err(to_js)
    }
    #[wasm_bindgen(js_name = getFlags)]
    pub fn get_flags(&self, id: u32) -> R<u8> {
        let _in = call::enter("getFlags");
        self.p2.get_flags(id).map_err(to_js)
    }
    #[wasm_bindgen(js_name = getType)]
    pub fn get_type(&self, id: u32) -> R<String> {
        let _in = call::enter("getType");
        self.p2.get_type(id).map(str::to_string).map_err(to_js)
    }
    #[wasm_bindgen(js_name = setSize)]
    pub fn set_size(&self, id: u32, size: u64) -> R<()> {
        let _in = call::enter("setSize");
        self.p2.set_size(id, size).map_err(to_js)
    }
    /// Timestamps as (tag, ns): tag 0 no-change, 1 now, 2 timestamp.
    #[wasm_bindgen(js_name = setTimes)]
    pub fn set_times(&self, id: u32, at: u8, a: u64, mt: u8, m: u64) -> R<()> {
        let _in = call::enter("setTimes");
        let a = filesystem::new_timestamp(at, a).map_err(to_js)?;
        let m = filesystem::new_timestamp(mt, m).map_err(to_js)?;
        self.p2.set_times(id, a, m).map_err(to_js)
    }
    /// `[bytes, eof]`.
    pub fn pread(&self, id: u32, len: u64, offset: u64) -> R<Array> {
        let _in = call::enter("pread");
        let mut eof = false;
        let b = js_read(|sink| {
            let (n, e) = self.p2.pread_into(id, len, offset, sink)?;
            eof = e;
            Ok(n)
        })
        .map_err(to_js)?;
        Ok(Array::of2(&b.into(), &eof.into()))
    }
    /// `write` at `offset` of a `Uint8Array`: at most `maxIoBytes` per
    /// call (a short write, see `Preview2::pwrite_from`), copied piece by piece
    /// straight into the file.
    pub fn pwrite(&self, id: u32, bytes: JsValue, offset: u64) -> R<u64> {
        let _in = call::enter("pwrite");
        let bytes = js_bytes(&bytes)?;
        self.p2
            .pwrite_from(id, js_len(bytes), offset, &mut js_fill(bytes))
            .map_err(to_js)
    }
    #[wasm_bindgen(js_name = readDirectory)]
    pub fn read_directory(&mut self, id: u32) -> R<u32> {
        let _in = call::enter("readDirectory");
        self.p2.read_directory(id).map_err(to_js)
    }
    /// `[kind, nlink, size, atim, mtim, ctim]`; kind 0 file, 1 dir, 2 symlink.
    pub fn stat(&self, id: u32) -> R<Vec<u64>> {
        let _in = call::enter("stat");
        self.p2.stat(id).map(stat_vec).map_err(to_js)
    }
    #[wasm_bindgen(js_name = statAt)]
    pub fn stat_at(&self, id: u32, follow: bool, path: &JsString) -> R<Vec<u64>> {
        let _in = call::enter("statAt");
        let path = &self.path(path)?;
        self.p2
            .stat_at(id, follow, path)
            .map(stat_vec)
            .map_err(to_js)
    }
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = setTimesAt)]
    pub fn set_times_at(
        &self,
        id: u32,
        follow: bool,
        path: &JsString,
        at: u8,
        a: u64,
        mt: u8,
        m: u64,
    ) -> R<()> {
        let _in = call::enter("setTimesAt");
        let path = &self.path(path)?;
        let a = filesystem::new_timestamp(at, a).map_err(to_js)?;
        let m = filesystem::new_timestamp(mt, m).map_err(to_js)?;
        self.p2.set_times_at(id, follow, path, a, m).map_err(to_js)
    }
    #[wasm_bindgen(js_name = linkAt)]
    pub fn link_at(
        &self,
        id: u32,
        follow: bool,
        old: &JsString,
        new_dir: u32,
        new: &JsString,
    ) -> R<()> {
        let _in = call::enter("linkAt");
        let old = &self.path(old)?;
        let new = &self.path(new)?;
        self.p2
            .link_at(id, follow, old, new_dir, new)
            .map_err(to_js)
    }
    #[wasm_bindgen(js_name = openAt)]
    pub fn open_at(
        &mut self,
        id: u32,
        follow: bool,
        path: &JsString,
        oflags: u8,
        flags: u8,
    ) -> R<u32> {
        let _in = call::enter("openAt");
        let path = &self.path(path)?;
        self.p2
            .open_at(id, follow, path, oflags, flags)
            .map_err(to_js)
    }
    #[wasm_bindgen(js_name = readlinkAt)]
    pub fn readlink_at(&self, id: u32, path: &JsString) -> R<String> {
        let _in = call::enter("readlinkAt");
        let path = &self.path(path)?;
        self.p2.readlink_at(id, path).map_err(to_js)
    }
    #[wasm_bindgen(js_name = createDirectoryAt)]
    pub fn create_directory_at(&self, id: u32, path: &JsString) -> R<()> {
        let _in = call::enter("createDirectoryAt");
        let path = &self.path(path)?;
        self.p2.create_directory_at(id, path).map_err(to_js)
    }
    #[wasm_bindgen(js_name = removeDirectoryAt)]
    pub fn remove_directory_at(&self, id: u32, path: &JsString) -> R<()> {
        let _in = call::enter("removeDirectoryAt");
        let path = &self.path(path)?;
        self.p2.remove_directory_at(id, path).map_err(to_js)
    }
    #[wasm_bindgen(js_name = renameAt)]
    pub fn rename_at(&self, id: u32, old: &JsString, new_dir: u32, new: &JsString) -> R<()> {
        let _in = call::enter("renameAt");
        let old = &self.path(old)?;
        let new = &self.path(new)?;
        self.p2.rename_at(id, old, new_dir, new).map_err(to_js)
    }
    #[wasm_bindgen(js_name = symlinkAt)]
    pub fn symlink_at(&self, id: u32, target: &JsString, path: &JsString) -> R<()> {
        let _in = call::enter("symlinkAt");
        let target = &self.path(target)?;
        let path = &self.path(path)?;
        self.p2.symlink_at(id, target, path).map_err(to_js)
    }
    #[wasm_bindgen(js_name = unlinkFileAt)]
    pub fn unlink_file_at(&self, id: u32, path: &JsString) -> R<()> {
        let _in = call::enter("unlinkFileAt");
        let path = &self.path(path)?;
        self.p2.unlink_file_at(id, path).map_err(to_js)
    }
    #[wasm_bindgen(js_name = isSameObject)]
    pub fn is_same_object(&self, a: u32, b: u32) -> R<bool> {
        let _in = call::enter("isSameObject");
        self.p2.is_same_object(a, b).map_err(to_js)
    }
    /// `[lower, upper]`.
    #[wasm_bindgen(js_name = metadataHash)]
    pub fn metadata_hash(&self, id: u32) -> R<Vec<u64>> {
        let _in = call::enter("metadataHash");
        self.p2
            .metadata_hash(id)
            .map(|(l, u)| vec![l, u])
            .map_err(to_js)
    }
    #[wasm_bindgen(js_name = metadataHashAt)]
    pub fn metadata_hash_at(&self, id: u32, follow: bool, path: &JsString) -> R<Vec<u64>> {
        let _in = call::enter("metadataHashAt");
        let path = &self.path(path)?;
        self.p2
            .metadata_hash_at(id, follow, path)
            .map(|(l, u)| vec![l, u])
            .map_err(to_js)
    }
    /// `[kind, name]` or undefined at the end.
    #[wasm_bindgen(js_name = readDirectoryEntry)]
    pub fn read_directory_entry(&mut self, id: u32) -> R<JsValue> {
        let _in = call::enter("readDirectoryEntry");
        Ok(match self.p2.read_directory_entry(id).map_err(to_js)? {
            Some((k, name)) => Array::of2(&kind_index(k).into(), &name.into()).into(),
            None => JsValue::UNDEFINED,
        })
    }
}
