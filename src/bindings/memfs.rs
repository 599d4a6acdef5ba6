//! `MemFsCore`: the JS API's view of a filesystem. Paths are absolute in
//! the filesystem; `/` is its root and nothing is above it.

use super::fields::{object, Fields};
use super::host::{js_str, JsWallClock};
use super::{js_error, panic};
use crate::descriptor::FsHandle;
use crate::error::Errno;
use crate::fs::{Kind, Limits, MemFs};
use js_sys::JsString;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct MemFsCore {
    /// The JS API's handle: its changes are stamped with the page's wall
    /// clock (a program's context makes its own handle, on its own clock).
    pub(crate) fs: FsHandle,
}

/// Device numbers: each filesystem of the page gets its own.
static NEXT_DEV: AtomicU64 = AtomicU64::new(1);

/// A filesystem on the page's wall clock, with the next device number.
fn new_fs(limits: Limits) -> FsHandle {
    let fs = MemFs::with_clock(limits, Rc::new(JsWallClock::default()))
        .with_dev(NEXT_DEV.fetch_add(1, Ordering::Relaxed));
    #[cfg(feature = "test-seams")]
    let fs = {
        let mut fs = fs;
        fs.set_test_panic_seam(seams::take_armed_panic);
        fs
    };
    FsHandle::new(fs)
}

/// The names `withLimits` takes, in `Limits` order.
const LIMIT_NAMES: [&str; 5] = [
    "maxBytes",
    "maxFileSize",
    "maxInodes",
    "maxSymlinks",
    "maxPathLength",
];

fn limit(v: Option<f64>, name: &str, default: u64, max: u64) -> Result<u64, JsValue> {
    match v {
        None => Ok(default),
        Some(x) if x == f64::INFINITY => Ok(max),
        Some(x) if x >= 0.0 && x.fract() == 0.0 => Ok((x as u64).min(max)),
        Some(x) => {
            // JS formats the number: Rust's float formatting is big.
            let got = String::from(
                js_sys::Number::from(x)
                    .to_string_with_radix(10)
                    .unwrap_or_default(),
            );
            let msg = format!("limits.{name} must be a whole number >= 0 or Infinity, got {got}");
            Err(js_sys::TypeError::new(&msg).into())
        }
    }
}

fn out(v: u64) -> f64 {
    if v >= 1 << 53 {
        f64::INFINITY
    } else {
        v as f64
    }
}

/// The filesystem is borrowed by a core call that has not returned: one in
/// progress further up the stack, or one a trap cut short while a callback
/// of an outer call runs (released when that outer call is over).
fn busy() -> JsValue {
    let e = js_sys::Error::new(
        "EBUSY: MemFS is busy: a core call that uses it has not returned (a trap's is released when no call into the core is in progress)",
    );
    let _ = js_sys::Reflect::set(&e, &"code".into(), &"EBUSY".into());
    e.into()
}

fn closed() -> JsValue {
    js_sys::Error::new("MemFS is closed: close() freed it, so it can no longer be used").into()
}

/// The largest file `readFile` returns (Node's limit for one read).
const MAX_READ_FILE: u64 = (1 << 31) - 1;

/// The JS API's paths are absolute: a relative one is refused (`EINVAL`)
/// rather than silently resolved from `/`. The empty path stays `ENOENT`.
fn absolute(op: &str, path: &str) -> Result<(), JsValue> {
    if path.is_empty() || path.starts_with('/') {
        Ok(())
    } else {
        Err(js_error(Errno::Inval, op, path))
    }
}

impl Default for MemFsCore {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl MemFsCore {
    #[wasm_bindgen(constructor)]
    pub fn new() -> MemFsCore {
        panic::install();
        MemFsCore {
            fs: new_fs(Limits::default()),
        }
    }

    /// A filesystem with limits `{ maxBytes, maxFileSize, maxInodes,
    /// maxSymlinks, maxPathLength }` (each optional).
    #[wasm_bindgen(js_name = withLimits)]
    pub fn with_limits(limits: JsValue) -> Result<MemFsCore, JsValue> {
        panic::install();
        let d = Limits::default();
        let mut v: [Option<f64>; 5] = [None; 5];
        if !limits.is_undefined() && !limits.is_null() {
            let f = Fields::new(&limits, "MemFS limits")?;
            f.only(&LIMIT_NAMES)?;
            for (slot, name) in v.iter_mut().zip(LIMIT_NAMES) {
                *slot = f.number(name)?;
            }
        }
        let [max_bytes, max_file_size, max_inodes, max_symlinks, max_path] = v;
        let limits = Limits {
            max_bytes: limit(max_bytes, "maxBytes", d.max_bytes, u64::MAX)?,
            // Sizes and offsets are off_t's: 2^63 - 1 at most.
            max_file_size: limit(max_file_size, "maxFileSize", d.max_file_size, u64::MAX)?
                .min(crate::fs::MAX_FILE_SIZE),
            max_inodes: limit(max_inodes, "maxInodes", d.max_inodes, u64::MAX)?,
            max_symlinks: limit(
                max_symlinks,
                "maxSymlinks",
                d.max_symlinks as u64,
                u32::MAX as u64,
            )? as u32,
            max_path: limit(
                max_path,
                "maxPathLength",
                d.max_path as u64,
                u32::MAX as u64,
            )? as usize,
        };
        if limits.max_inodes < 1 {
            return Err(
                js_sys::RangeError::new("limits.maxInodes must be at least 1 (the root)").into(),
            );
        }
        Ok(MemFsCore { fs: new_fs(limits) })
    }

    /// The limits in force, as `withLimits` takes them (`Infinity` for
    /// values beyond 2^53).
    pub fn limits(&self) -> Result<JsValue, JsValue> {
        self.open()?;
        let fs = self.fs.try_borrow().map_err(|_| busy())?;
        let l = &fs.limits;
        let v = [
            out(l.max_bytes),
            out(l.max_file_size),
            out(l.max_inodes),
            l.max_symlinks as f64,
            l.max_path as f64,
        ];
        let entries: Vec<(&str, JsValue)> = LIMIT_NAMES
            .iter()
            .zip(v)
            .map(|(k, v)| (*k, v.into()))
            .collect();
        Ok(object(&entries))
    }

    /// Size of the core's own `WebAssembly.Memory`, shared by every MemFS
    /// and WASI instance: for leak checks.
    #[wasm_bindgen(js_name = coreMemoryBytes)]
    pub fn core_memory_bytes() -> f64 {
        (core::arch::wasm32::memory_size(0) as f64) * 65536.0
    }

    /// The message of the last panic in the core, once; undefined if none.
    #[wasm_bindgen(js_name = takePanic)]
    pub fn take_panic() -> Option<String> {
        panic::take()
    }

    /// After a trap inside the core (a panic, or running out of memory),
    /// releases this filesystem's borrow that the trap left behind. Call only
    /// when no call into the core is in progress. Returns whether the
    /// filesystem is usable.
    #[wasm_bindgen(js_name = recoverAfterTrap)]
    pub fn recover_after_trap(&self) -> bool {
        panic::recover(&self.fs)
    }

    /// Checks the filesystem's internal consistency; throws what is wrong.
    #[wasm_bindgen(js_name = checkInvariants)]
    pub fn check_invariants(&self) -> Result<(), JsValue> {
        self.open()?;
        let fs = self.fs.try_borrow().map_err(|_| busy())?;
        fs.check_invariants()
            .map_err(|e| js_sys::Error::new(&format!("MemFS inconsistent: {e}")).into())
    }

    /// A second wrapper on the same filesystem. After a trap in one of
    /// its methods, `js/memfs.js` puts this in place of the wrapper the
    /// trap left referenced (wasm-bindgen's hold of the abandoned call),
    /// which `js/recovery.js` then frees.
    pub fn share(other: &MemFsCore) -> MemFsCore {
        MemFsCore {
            fs: other.fs.clone(),
        }
    }

    /// An error once the filesystem is closed. (A borrow a trap left is
    /// released by `recoverAfterTrap`, which `js/recovery.js` calls only
    /// when no call into the core is in progress; until then, `busy`.)
    fn open(&self) -> Result<(), JsValue> {
        if self.fs.is_closed() {
            return Err(closed());
        }
        Ok(())
    }

    /// Frees everything the filesystem holds, at once; every later call
    /// throws "MemFS is closed", and programs still running on it get
    /// EBADF from their descriptors. Closing twice does nothing.
    pub fn close(&self) -> Result<(), JsValue> {
        if self.fs.is_closed() {
            return Ok(());
        }
        self.fs.close().map_err(|_| busy())
    }

    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.fs.is_closed()
    }

    pub(crate) fn with<T>(
        &self,
        op: &str,
        path: &str,
        f: impl FnOnce(&mut MemFs) -> crate::error::Result<T>,
    ) -> Result<T, JsValue> {
        self.open()?;
        absolute(op, path)?;
        let mut fs = self.fs.try_borrow_mut().map_err(|_| busy())?;
        fs.sweep_ext();
        f(&mut fs).map_err(|e| js_error(e, op, path))
    }

    // Paths come in as JS strings and are copied onto the core's stack
    // (`js_str`): a `&str` argument would be a heap block that a trap in
    // the call leaks (see `memory::ArgStr`).

    pub fn mkdir(&self, path: &JsString, recursive: bool) -> Result<(), JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        self.with("mkdir", path, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            if recursive {
                fs.mkdir_all(w, r, path).map(drop)
            } else {
                fs.mkdir(w, r, path).map(drop)
            }
        })
    }

    /// Copies `data` from JS straight into the file's chunks: the core
    /// never holds a second copy of it, and a refused write allocates nothing.
    #[wasm_bindgen(js_name = writeFile)]
    pub fn write_file(&self, path: &JsString, data: &js_sys::Uint8Array) -> Result<(), JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        let len = data.length() as u64;
        self.with("open", path, |fs| {
            fs.write_file_with(fs.host_walk(), fs.root(), path, len, |done, dst| {
                let from = done as u32;
                data.subarray(from, from + dst.len() as u32).copy_to(dst);
                Ok(())
            })
            .map(drop)
        })
    }

    /// The file as a new Uint8Array, filled chunk by chunk (holes are
    /// zeros): no copy of the whole in the core.
    #[wasm_bindgen(js_name = readFile)]
    pub fn read_file(&self, path: &JsString) -> Result<js_sys::Uint8Array, JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        self.with("open", path, |fs| {
            let ino = fs.lookup(fs.host_walk(), fs.root(), path, true)?;
            let size = fs.size(ino);
            if size > MAX_READ_FILE && fs.kind(ino) == Kind::File {
                return Err(Errno::Fbig);
            }
            let out = js_sys::Uint8Array::new_with_length(size as u32);
            fs.chunks(ino, |offset, bytes| {
                let at = offset as u32;
                out.subarray(at, at + bytes.len() as u32).copy_from(bytes);
            })?;
            Ok(out)
        })
    }

    pub fn readdir(&self, path: &JsString) -> Result<Vec<String>, JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        self.with("scandir", path, |fs| {
            let ino = fs.lookup(fs.host_walk(), fs.root(), path, true)?;
            fs.list(ino)
        })
    }

    fn stat_impl(&self, op: &str, path: &JsString, follow: bool) -> Result<JsValue, JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        let s = self.with(op, path, |fs| {
            let ino = fs.lookup(fs.host_walk(), fs.root(), path, follow)?;
            fs.try_stat(ino)
        })?;
        let kind = match s.kind {
            Kind::File => "file",
            Kind::Dir => "directory",
            Kind::Symlink => "symlink",
        };
        Ok(object(&[
            ("type", kind.into()),
            ("size", (s.size as f64).into()),
            ("ino", (s.ino as f64).into()),
            ("dev", (s.dev as f64).into()),
            ("nlink", (s.nlink as f64).into()),
            ("atimeMs", (s.atim as f64 / 1e6).into()),
            ("mtimeMs", (s.mtim as f64 / 1e6).into()),
            ("ctimeMs", (s.ctim as f64 / 1e6).into()),
        ]))
    }

    pub fn stat(&self, path: &JsString) -> Result<JsValue, JsValue> {
        self.stat_impl("stat", path, true)
    }

    pub fn lstat(&self, path: &JsString) -> Result<JsValue, JsValue> {
        self.stat_impl("lstat", path, false)
    }

    pub fn symlink(&self, target: &JsString, path: &JsString) -> Result<(), JsValue> {
        let (target, path) = (js_str(target)?, js_str(path)?);
        let (target, path) = (target.as_str(), path.as_str());
        self.with("symlink", path, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            fs.symlink(target, w, r, path).map(drop)
        })
    }

    pub fn readlink(&self, path: &JsString) -> Result<String, JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        self.with("readlink", path, |fs| {
            fs.readlink(fs.host_walk(), fs.root(), path)
        })
    }

    pub fn rename(&self, from: &JsString, to: &JsString) -> Result<(), JsValue> {
        let (from, to) = (js_str(from)?, js_str(to)?);
        let (from, to) = (from.as_str(), to.as_str());
        absolute("rename", to)?;
        self.with("rename", from, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            fs.rename((w, r, from), (w, r, to))
        })
    }

    pub fn rm(&self, path: &JsString, recursive: bool) -> Result<(), JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        self.with("rm", path, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            let ino = fs.lookup(w, r, path, false)?;
            match (fs.kind(ino), recursive) {
                (Kind::Dir, true) => fs.remove_all(w, r, path),
                (Kind::Dir, false) => fs.rmdir(w, r, path),
                _ => fs.unlink(w, r, path),
            }
        })
    }

    /// Whether `path` exists; false for a relative path.
    pub fn exists(&self, path: &JsString) -> Result<bool, JsValue> {
        let path = js_str(path)?;
        let path = path.as_str();
        self.open()?;
        if absolute("access", path).is_err() {
            return Ok(false);
        }
        Ok(self
            .fs
            .try_borrow()
            .map(|fs| fs.lookup(fs.host_walk(), fs.root(), path, true).is_ok())
            .unwrap_or(false))
    }

    /// `[inodes, bytes]` in use, for limits and leak checks.
    pub fn usage(&self) -> Result<Vec<f64>, JsValue> {
        self.open()?;
        let Ok(fs) = self.fs.try_borrow() else {
            return Ok(vec![f64::NAN, f64::NAN]);
        };
        let (i, b) = fs.usage();
        Ok(vec![i as f64, b as f64])
    }
}

/// Test seams: only in a core built with the `test-seams` feature (the
/// tests' core in pkg-test/), never in the shipped one.
#[cfg(feature = "test-seams")]
mod seams {
    use std::sync::atomic::{AtomicBool, Ordering};

    static PANIC_NEXT_MKDIR: AtomicBool = AtomicBool::new(false);

    pub fn arm_panic() {
        PANIC_NEXT_MKDIR.store(true, Ordering::Relaxed);
    }

    /// Given to every MemFs (`set_test_panic_seam`): true once per arming.
    pub fn take_armed_panic() -> bool {
        PANIC_NEXT_MKDIR.load(Ordering::Relaxed) && PANIC_NEXT_MKDIR.swap(false, Ordering::Relaxed)
    }
}

#[cfg(feature = "test-seams")]
#[wasm_bindgen]
impl MemFsCore {
    /// The next mkdir (by JS or a guest, in any MemFS) panics inside the
    /// core.
    #[wasm_bindgen(js_name = armPanicForTests)]
    pub fn arm_panic_for_tests() {
        seams::arm_panic();
    }

    /// The next guest-memory hook that a WASI call named `call` (its
    /// import name, e.g. "fd_write") makes throws a TypeError in
    /// `js/core/host.js`.
    #[wasm_bindgen(js_name = armMemoryFaultForTests)]
    pub fn arm_memory_fault_for_tests(call: String) {
        super::host::seams::arm_memory_fault(call);
    }

    /// An address near the top of the core's shadow stack (for measuring
    /// what a trap inside the core leaves on it).
    #[wasm_bindgen(js_name = coreStackProbe)]
    #[inline(never)]
    pub fn core_stack_probe() -> f64 {
        let x = 0u8;
        core::hint::black_box(&x) as *const u8 as usize as f64
    }
}

/// Snapshots (`src/fs/snapshot.rs`): the archive goes straight into a JS
/// `Uint8Array` and comes back from one piece by piece, so the core never
/// holds a copy of the whole.
mod snapshots {
    use super::{busy, MemFsCore};
    use crate::error::Errno;
    use crate::fs::snapshot::{Count, Error, Sink, Source};
    use js_sys::Uint8Array;
    use wasm_bindgen::prelude::*;

    /// Fills a new (zeroed) `Uint8Array` from the start.
    struct JsSink {
        out: Uint8Array,
        at: u32,
    }

    impl Sink for JsSink {
        fn write(&mut self, bytes: &[u8]) {
            let end = self.at + bytes.len() as u32;
            self.out.subarray(self.at, end).copy_from(bytes);
            self.at = end;
        }
        fn zeros(&mut self, n: u64) {
            self.at += n as u32;
        }
    }

    struct JsSource<'a>(&'a Uint8Array);

    impl Source for JsSource<'_> {
        fn len(&self) -> u64 {
            self.0.length() as u64
        }
        fn read(&self, at: u64, buf: &mut [u8]) {
            let at = at as u32;
            self.0.subarray(at, at + buf.len() as u32).copy_to(buf);
        }
    }

    fn error(code: &str, message: &str) -> JsValue {
        let err = js_sys::Error::new(message);
        let _ = js_sys::Reflect::set(&err, &"code".into(), &code.into());
        err.into()
    }

    fn restore_error(e: Error) -> JsValue {
        let code = e.errno.code();
        error(code, &format!("{code}: cannot restore the snapshot: {e}"))
    }

    #[wasm_bindgen]
    impl MemFsCore {
        /// The whole filesystem as a tar archive (pax + ustar).
        pub fn snapshot(&self) -> Result<Uint8Array, JsValue> {
            self.open()?;
            let fs = self.fs.try_borrow().map_err(|_| busy())?;
            let mut count = Count::default();
            fs.snapshot(&mut count);
            if count.0 > u32::MAX as u64 {
                let code = Errno::Fbig.code();
                let msg = format!(
                    "{code}: the snapshot would take {} bytes, more than a Uint8Array holds",
                    count.0
                );
                return Err(error(code, &msg));
            }
            let mut sink = JsSink {
                out: Uint8Array::new_with_length(count.0 as u32),
                at: 0,
            };
            fs.snapshot(&mut sink);
            Ok(sink.out)
        }

        /// A new filesystem with `limits` (as `withLimits`) holding what the
        /// tar archive `bytes` holds. A bad archive, or one beyond the
        /// limits, throws an Error with a `code` (`EINVAL`, `ENOSPC`, …).
        #[wasm_bindgen(js_name = fromSnapshot)]
        pub fn from_snapshot(bytes: &Uint8Array, limits: JsValue) -> Result<MemFsCore, JsValue> {
            let core = MemFsCore::with_limits(limits)?;
            {
                let mut fs = core.fs.try_borrow_mut().map_err(|_| busy())?;
                fs.restore(&JsSource(bytes)).map_err(restore_error)?;
            }
            Ok(core)
        }
    }
}
