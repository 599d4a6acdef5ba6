//! `MemFsCore`: the JS API's view of a filesystem. Paths are absolute in
//! the filesystem; `/` is its root and nothing is above it.

use super::js_error;
use crate::filesystem::SharedFs;
use crate::fs::{Kind, MemFs, OpenOptions};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct MemFsCore {
    pub(crate) fs: SharedFs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsStat {
    #[serde(rename = "type")]
    kind: &'static str,
    size: f64,
    ino: f64,
    dev: f64,
    nlink: f64,
    atime_ms: f64,
    mtime_ms: f64,
    ctime_ms: f64,
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
        MemFsCore {
            fs: Rc::new(RefCell::new(MemFs::new())),
        }
    }

    fn with<T>(
        &self,
        op: &str,
        path: &str,
        f: impl FnOnce(&mut MemFs) -> crate::error::Result<T>,
    ) -> Result<T, JsValue> {
        let mut fs = self
            .fs
            .try_borrow_mut()
            .map_err(|_| JsValue::from_str("MemFS is busy: a WASI call is in progress"))?;
        f(&mut fs).map_err(|e| js_error(e, op, path))
    }

    pub fn mkdir(&self, path: &str, recursive: bool) -> Result<(), JsValue> {
        self.with("mkdir", path, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            if recursive {
                fs.mkdir_all(w, r, path).map(drop)
            } else {
                fs.mkdir(w, r, path).map(drop)
            }
        })
    }

    #[wasm_bindgen(js_name = writeFile)]
    pub fn write_file(&self, path: &str, data: &[u8]) -> Result<(), JsValue> {
        self.with("open", path, |fs| {
            let o = OpenOptions {
                follow: true,
                create: true,
                truncate: true,
                write: true,
                ..Default::default()
            };
            let ino = fs.open(fs.host_walk(), fs.root(), path, o)?;
            fs.write(ino, 0, data)
        })
    }

    #[wasm_bindgen(js_name = readFile)]
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, JsValue> {
        self.with("open", path, |fs| {
            let ino = fs.lookup(fs.host_walk(), fs.root(), path, true)?;
            fs.contents(ino)
        })
    }

    pub fn readdir(&self, path: &str) -> Result<Vec<String>, JsValue> {
        self.with("scandir", path, |fs| {
            let ino = fs.lookup(fs.host_walk(), fs.root(), path, true)?;
            fs.list(ino)
        })
    }

    fn stat_impl(&self, op: &str, path: &str, follow: bool) -> Result<JsValue, JsValue> {
        let s = self.with(op, path, |fs| {
            let ino = fs.lookup(fs.host_walk(), fs.root(), path, follow)?;
            Ok(fs.stat(ino))
        })?;
        let js = JsStat {
            kind: match s.kind {
                Kind::File => "file",
                Kind::Dir => "directory",
                Kind::Symlink => "symlink",
            },
            size: s.size as f64,
            ino: s.ino as f64,
            dev: s.dev as f64,
            nlink: s.nlink as f64,
            atime_ms: s.atim as f64 / 1e6,
            mtime_ms: s.mtim as f64 / 1e6,
            ctime_ms: s.ctim as f64 / 1e6,
        };
        serde_wasm_bindgen::to_value(&js).map_err(Into::into)
    }

    pub fn stat(&self, path: &str) -> Result<JsValue, JsValue> {
        self.stat_impl("stat", path, true)
    }

    pub fn lstat(&self, path: &str) -> Result<JsValue, JsValue> {
        self.stat_impl("lstat", path, false)
    }

    pub fn symlink(&self, target: &str, path: &str) -> Result<(), JsValue> {
        self.with("symlink", path, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            fs.symlink(target, w, r, path).map(drop)
        })
    }

    pub fn readlink(&self, path: &str) -> Result<String, JsValue> {
        self.with("readlink", path, |fs| {
            fs.readlink(fs.host_walk(), fs.root(), path)
        })
    }

    pub fn rename(&self, from: &str, to: &str) -> Result<(), JsValue> {
        self.with("rename", from, |fs| {
            let (w, r) = (fs.host_walk(), fs.root());
            fs.rename((w, r, from), (w, r, to))
        })
    }

    pub fn rm(&self, path: &str, recursive: bool) -> Result<(), JsValue> {
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

    pub fn exists(&self, path: &str) -> bool {
        self.fs
            .try_borrow()
            .map(|fs| fs.lookup(fs.host_walk(), fs.root(), path, true).is_ok())
            .unwrap_or(false)
    }

    /// `[inodes, bytes]` in use, for limits and leak checks.
    pub fn usage(&self) -> Vec<f64> {
        let (i, b) = self.fs.borrow().usage();
        vec![i as f64, b as f64]
    }
}
