//! Mounts from JS: `MemFsCore.mount(path, adapter, readOnly)`. The adapter
//! (`js/mount.js` `ProviderAdapter`) wraps the user's provider so that no
//! call throws and every answer is a number, a string, a `Uint8Array` or an
//! array of checked shape; this side still treats anything unexpected as
//! `EIO`, so a broken provider never panics the core.

use super::memfs::MemFsCore;
use crate::error::{Errno, Result};
use crate::fs::{ExtEntry, ExtStat, Kind, Provider};
use js_sys::{Array, BigUint64Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `js/mount.js` `ProviderAdapter`.
    pub type ProviderAdapter;
    #[wasm_bindgen(method, catch)]
    fn root(this: &ProviderAdapter) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn lookup(this: &ProviderAdapter, dir: f64, name: &str) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn stat(this: &ProviderAdapter, h: f64) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn size(this: &ProviderAdapter, h: f64) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, getter, js_name = statBuf)]
    fn stat_buf(this: &ProviderAdapter) -> JsValue;
    #[wasm_bindgen(method, catch)]
    fn readlink(this: &ProviderAdapter, h: f64) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn open(this: &ProviderAdapter, h: f64) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn close(this: &ProviderAdapter, h: f64) -> std::result::Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn forget(this: &ProviderAdapter, h: f64) -> std::result::Result<(), JsValue>;
    // The two calls of every read and write are not `catch` imports (whose
    // wrapper costs a closure and an `arguments` object per call): the
    // adapter's methods catch everything themselves and answer a number.
    // The bytes travel as an address and a length in the core's memory
    // (`setCoreMemory`), which the adapter views without a copy.
    #[wasm_bindgen(method, js_name = setCoreMemory)]
    fn set_core_memory(this: &ProviderAdapter, memory: &JsValue);
    #[wasm_bindgen(method, js_name = readInto)]
    fn read_into(this: &ProviderAdapter, h: f64, offset: f64, ptr: u32, len: u32) -> f64;
    #[wasm_bindgen(method, js_name = writeFrom)]
    fn write_from(this: &ProviderAdapter, h: f64, offset: f64, ptr: u32, len: u32) -> f64;
    #[wasm_bindgen(method, catch, js_name = checkOpen)]
    fn check_open(
        this: &ProviderAdapter,
        h: f64,
        read: bool,
        write: bool,
    ) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn truncate(this: &ProviderAdapter, h: f64, size: f64) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn readdir(this: &ProviderAdapter, h: f64) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn create(
        this: &ProviderAdapter,
        dir: f64,
        name: &str,
        exclusive: bool,
    ) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn mkdir(this: &ProviderAdapter, dir: f64, name: &str) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn unlink(this: &ProviderAdapter, dir: f64, name: &str) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn rmdir(this: &ProviderAdapter, dir: f64, name: &str) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn rename(
        this: &ProviderAdapter,
        dir: f64,
        name: &str,
        to_dir: f64,
        to_name: &str,
    ) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn symlink(
        this: &ProviderAdapter,
        dir: f64,
        name: &str,
        target: &str,
    ) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn link(
        this: &ProviderAdapter,
        h: f64,
        dir: f64,
        name: &str,
    ) -> std::result::Result<f64, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setTimes)]
    fn set_times(
        this: &ProviderAdapter,
        h: f64,
        which: u32,
        atim: u64,
        mtim: u64,
    ) -> std::result::Result<f64, JsValue>;
}

/// Handles and offsets travel as JS numbers: exact up to 2^53.
const MAX_SAFE: f64 = 9007199254740991.0;

/// A provider's JS number as a handle (`EIO` if it is none).
fn handle(v: f64) -> Result<u64> {
    if (0.0..=MAX_SAFE).contains(&v) && v.fract() == 0.0 {
        Ok(v as u64)
    } else {
        Err(Errno::Io)
    }
}

fn num(v: u64) -> Result<f64> {
    if v as f64 > MAX_SAFE {
        return Err(Errno::Fbig);
    }
    Ok(v as f64)
}

/// A status answer: 0 is success, a positive number an errno.
fn status(r: std::result::Result<f64, JsValue>) -> Result<()> {
    match r {
        Ok(0.0) => Ok(()),
        Ok(v) => Err(errno(v)),
        Err(_) => Err(Errno::Io),
    }
}

/// A WASI errno the adapter computed; anything else is `EIO`.
fn errno(v: f64) -> Errno {
    use Errno::*;
    const KNOWN: [Errno; 34] = [
        TooBig,
        Acces,
        Again,
        Already,
        Badf,
        Busy,
        Exist,
        Fault,
        Fbig,
        Ilseq,
        Inval,
        Io,
        Isdir,
        Loop,
        Mfile,
        Mlink,
        Nametoolong,
        Nfile,
        Noent,
        Nomem,
        Nospc,
        Nosys,
        Notdir,
        Notempty,
        Notsock,
        Notsup,
        Notty,
        Overflow,
        Perm,
        Pipe,
        Spipe,
        Xdev,
        Notcapable,
        WouldBlock,
    ];
    KNOWN
        .into_iter()
        .find(|e| e.raw() as f64 == v)
        .unwrap_or(Io)
}

fn kind_of(code: f64) -> Result<Kind> {
    match code {
        0.0 => Ok(Kind::File),
        1.0 => Ok(Kind::Dir),
        2.0 => Ok(Kind::Symlink),
        _ => Err(Errno::Io),
    }
}

struct JsProvider {
    js: ProviderAdapter,
    stat_buf: BigUint64Array,
    root: u64,
}

impl Provider for JsProvider {
    fn root(&self) -> u64 {
        self.root
    }

    fn lookup(&self, dir: u64, name: &str) -> Result<Option<(u64, Kind)>> {
        // handle * 4 + kind, or -errno.
        match self.js.lookup(num(dir)?, name) {
            Ok(v) if v == -(Errno::Noent.raw() as f64) => Ok(None),
            Ok(v) if v < 0.0 => Err(errno(-v)),
            Ok(v) => {
                let v = handle(v)?;
                Ok(Some((v / 4, kind_of((v % 4) as f64)?)))
            }
            Err(_) => Err(Errno::Io),
        }
    }

    fn stat(&self, h: u64) -> Result<ExtStat> {
        status(self.js.stat(num(h)?))?;
        let mut s = [0u64; 8];
        if self.stat_buf.length() != 8 {
            return Err(Errno::Io);
        }
        self.stat_buf.copy_to(&mut s);
        Ok(ExtStat {
            dev: s[0],
            ino: s[1],
            kind: kind_of(s[2] as f64)?,
            nlink: s[3],
            size: s[4],
            atim: s[5],
            mtim: s[6],
            ctim: s[7],
        })
    }

    fn size(&self, h: u64) -> Result<u64> {
        // The size, or -errno.
        match self.js.size(num(h)?) {
            Ok(v) if v < 0.0 => Err(errno(-v)),
            Ok(v) => handle(v),
            Err(_) => Err(Errno::Io),
        }
    }

    fn readlink(&self, h: u64) -> Result<String> {
        match self.js.readlink(num(h)?) {
            Ok(v) => match v.as_string() {
                Some(s) => Ok(s),
                None => Err(v.as_f64().map_or(Errno::Io, errno)),
            },
            Err(_) => Err(Errno::Io),
        }
    }

    fn open(&self, h: u64) -> Result<()> {
        status(self.js.open(num(h)?))
    }

    fn close(&self, h: u64) {
        if let Ok(h) = num(h) {
            let _ = self.js.close(h);
        }
    }

    fn forget(&self, h: u64) {
        if let Ok(h) = num(h) {
            let _ = self.js.forget(h);
        }
    }

    fn read(&self, h: u64, offset: u64, len: u64) -> Result<Vec<u8>> {
        // The provider reads straight into this buffer (a view of the
        // core's memory during the call): no JS array, no second copy.
        // (Callers ask for at most `max_io`, 16 MiB by default.)
        let want = usize::try_from(len).map_err(|_| Errno::Nomem)?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(want).map_err(|_| Errno::Nomem)?;
        buf.resize(want, 0);
        let len32 = u32::try_from(want).map_err(|_| Errno::Inval)?;
        // The count, or -errno.
        let v = self
            .js
            .read_into(num(h)?, num(offset)?, buf.as_mut_ptr() as u32, len32);
        if v < 0.0 {
            return Err(errno(-v));
        }
        let n = handle(v)?;
        if n > len {
            return Err(Errno::Io);
        }
        buf.truncate(n as usize);
        Ok(buf)
    }

    fn check_open(&self, h: u64, read: bool, write: bool) -> Result<()> {
        status(self.js.check_open(num(h)?, read, write))
    }

    fn write(&self, h: u64, offset: u64, data: &[u8]) -> Result<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Inval)?;
        status(Ok(self.js.write_from(
            num(h)?,
            num(offset)?,
            data.as_ptr() as u32,
            len,
        )))
    }

    fn truncate(&self, h: u64, size: u64) -> Result<()> {
        status(self.js.truncate(num(h)?, num(size)?))
    }

    fn readdir(&self, h: u64) -> Result<Vec<ExtEntry>> {
        let v = self.js.readdir(num(h)?).map_err(|_| Errno::Io)?;
        if let Some(e) = v.as_f64() {
            return Err(errno(e));
        }
        // [name, kind, ino, name, kind, ino, ...]
        let a: Array = v.dyn_into().map_err(|_| Errno::Io)?;
        let n = a.length();
        if n % 3 != 0 {
            return Err(Errno::Io);
        }
        let mut out = Vec::new();
        out.try_reserve(n as usize / 3).map_err(|_| Errno::Nomem)?;
        for i in (0..n).step_by(3) {
            let name = a.get(i).as_string().ok_or(Errno::Io)?;
            let kind = kind_of(a.get(i + 1).as_f64().ok_or(Errno::Io)?)?;
            let ino = handle(a.get(i + 2).as_f64().ok_or(Errno::Io)?)?;
            out.push(ExtEntry { name, kind, ino });
        }
        Ok(out)
    }

    fn create(&self, dir: u64, name: &str, exclusive: bool) -> Result<u64> {
        match self.js.create(num(dir)?, name, exclusive) {
            Ok(v) if v < 0.0 => Err(errno(-v)),
            Ok(v) => handle(v),
            Err(_) => Err(Errno::Io),
        }
    }

    fn mkdir(&self, dir: u64, name: &str) -> Result<()> {
        status(self.js.mkdir(num(dir)?, name))
    }

    fn unlink(&self, dir: u64, name: &str) -> Result<()> {
        status(self.js.unlink(num(dir)?, name))
    }

    fn rmdir(&self, dir: u64, name: &str) -> Result<()> {
        status(self.js.rmdir(num(dir)?, name))
    }

    fn rename(&self, dir: u64, name: &str, to_dir: u64, to_name: &str) -> Result<()> {
        status(self.js.rename(num(dir)?, name, num(to_dir)?, to_name))
    }

    fn symlink(&self, dir: u64, name: &str, target: &str) -> Result<()> {
        status(self.js.symlink(num(dir)?, name, target))
    }

    fn link(&self, h: u64, dir: u64, name: &str) -> Result<()> {
        status(self.js.link(num(h)?, num(dir)?, name))
    }

    fn set_times(&self, h: u64, atim: Option<u64>, mtim: Option<u64>) -> Result<()> {
        let which = atim.is_some() as u32 | (mtim.is_some() as u32) << 1;
        status(
            self.js
                .set_times(num(h)?, which, atim.unwrap_or(0), mtim.unwrap_or(0)),
        )
    }
}

#[wasm_bindgen]
impl MemFsCore {
    /// Mounts the provider behind `adapter` (`js/mount.js`) at absolute
    /// `path`: a new name or an empty directory nothing has open.
    pub fn mount(
        &self,
        path: &str,
        adapter: ProviderAdapter,
        read_only: bool,
    ) -> std::result::Result<(), JsValue> {
        let root = adapter
            .root()
            .ok()
            .and_then(|v| handle(v).ok())
            .ok_or_else(|| {
                JsValue::from(js_sys::TypeError::new(
                    "provider.root() must return a handle",
                ))
            })?;
        let stat_buf: BigUint64Array = adapter.stat_buf().dyn_into().map_err(|_| {
            JsValue::from(js_sys::TypeError::new(
                "adapter.statBuf must be a BigUint64Array",
            ))
        })?;
        adapter.set_core_memory(&wasm_bindgen::memory());
        let provider = Rc::new(JsProvider {
            js: adapter,
            stat_buf,
            root,
        });
        self.with("mount", path, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            fs.mount(w, r, path, provider, read_only).map(drop)
        })
    }
}
