//! Tests of the wasm-bindgen layer, shared by the browser and Node runs.
//! They drive `WasiCore` the way a guest does: through a real
//! `WebAssembly.Memory`, the JS host hooks and JS stdio callbacks.

use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use wasi_web::bindings::{MemFsCore, WasiCore};
use wasm_bindgen::{JsCast, JsValue};

const ENOENT: u32 = 44;
const EBADF: u32 = 8;
const EFAULT: u32 = 21;
const EILSEQ: u32 = 25;
const EPERM: u32 = 63;

/// A path argument: MemFsCore takes JS strings.
fn s(path: &str) -> js_sys::JsString {
    path.into()
}

fn memory(pages: u32) -> WebAssembly::Memory {
    let desc = Object::new();
    Reflect::set(&desc, &"initial".into(), &pages.into()).unwrap();
    WebAssembly::Memory::new(&desc).unwrap()
}

fn put(mem: &WebAssembly::Memory, ptr: u32, bytes: &[u8]) {
    let view = Uint8Array::new(&mem.buffer());
    view.subarray(ptr, ptr + bytes.len() as u32)
        .copy_from(bytes);
}

fn get(mem: &WebAssembly::Memory, ptr: u32, len: u32) -> Vec<u8> {
    Uint8Array::new(&mem.buffer())
        .subarray(ptr, ptr + len)
        .to_vec()
}

fn u32_at(mem: &WebAssembly::Memory, ptr: u32) -> u32 {
    u32::from_le_bytes(get(mem, ptr, 4).try_into().unwrap())
}

/// A sink that appends copies of its chunks to `store`.
fn collector(store: &Array) -> Function {
    let f = Function::new_with_args("store, chunk", "store.push(chunk.slice())");
    f.bind1(&JsValue::NULL, store).unchecked_into()
}

fn joined(store: &Array) -> Vec<u8> {
    store
        .iter()
        .flat_map(|c| c.unchecked_into::<Uint8Array>().to_vec())
        .collect()
}

fn core(fs: &MemFsCore, out: &Array, stdin: &[u8]) -> WasiCore {
    let opts = Object::new();
    let args = Array::of2(&"prog".into(), &"arg1".into());
    Reflect::set(&opts, &"args".into(), &args).unwrap();
    let pre = Array::of1(&Array::of2(&"/sandbox".into(), &"/data".into()));
    Reflect::set(&opts, &"preopens".into(), &pre).unwrap();
    Reflect::set(&opts, &"stdout".into(), &collector(out)).unwrap();
    Reflect::set(&opts, &"stdin".into(), &Uint8Array::from(stdin)).unwrap();
    WasiCore::new(fs, opts.into()).unwrap()
}

fn setup() -> (MemFsCore, Array, WasiCore, WebAssembly::Memory) {
    let fs = MemFsCore::new();
    fs.mkdir(&s("/data"), false).unwrap();
    let out = Array::new();
    let mut c = core(&fs, &out, b"typed input");
    let mem = memory(1);
    c.set_memory(mem.clone().into());
    (fs, out, c, mem)
}

/// A JS copy of `b`, as MemFS.writeFile takes it.
fn bytes(b: &[u8]) -> Uint8Array {
    Uint8Array::from(b)
}

fn iovec(mem: &WebAssembly::Memory, at: u32, ptr: u32, len: u32) {
    let mut b = ptr.to_le_bytes().to_vec();
    b.extend_from_slice(&len.to_le_bytes());
    put(mem, at, &b);
}

pub fn memfs_api_and_errors() {
    let fs = MemFsCore::new();
    fs.mkdir(&s("/a/b/c"), true).unwrap();
    fs.write_file(&s("/a/b/c/f.txt"), &bytes(b"hello")).unwrap();
    assert_eq!(fs.read_file(&s("/a/b/c/f.txt")).unwrap().to_vec(), b"hello");
    assert_eq!(fs.readdir(&s("/a/b/c")).unwrap(), vec!["f.txt".to_string()]);
    fs.symlink(&s("b/c/f.txt"), &s("/a/link")).unwrap();
    assert_eq!(fs.read_file(&s("/a/link")).unwrap().to_vec(), b"hello");
    let st = fs.lstat(&s("/a/link")).unwrap();
    assert_eq!(Reflect::get(&st, &"type".into()).unwrap(), "symlink");
    let st = fs.stat(&s("/a/link")).unwrap();
    assert_eq!(
        Reflect::get(&st, &"size".into()).unwrap().as_f64(),
        Some(5.0)
    );
    fs.rename(&s("/a/b/c/f.txt"), &s("/a/g.txt")).unwrap();
    assert!(!fs.exists(&s("/a/link")).unwrap());
    let err = fs.read_file(&s("/nope")).unwrap_err();
    assert_eq!(Reflect::get(&err, &"code".into()).unwrap(), "ENOENT");
    let err = fs.rm(&s("/a"), false).unwrap_err();
    assert_eq!(Reflect::get(&err, &"code".into()).unwrap(), "ENOTEMPTY");
    fs.rm(&s("/a"), true).unwrap();
    assert_eq!(fs.usage().unwrap(), vec![1.0, 0.0]);
}

pub fn stdout_reaches_the_js_sink() {
    let (_fs, out, mut c, mem) = setup();
    put(&mem, 100, b"hi there\n");
    iovec(&mem, 0, 100, 9);
    assert_eq!(c.fd_write(1, 0, 1, 52), 0);
    assert_eq!(u32_at(&mem, 52), 9);
    // Output is coalesced in the core until a flush (exit, a wait, a read).
    assert_eq!(out.length(), 0);
    c.flush();
    assert_eq!(joined(&out), b"hi there\n");
    assert_eq!(c.fd_write(42, 0, 1, 52), EBADF);
}

pub fn stdin_and_args() {
    let (_fs, _out, mut c, mem) = setup();
    iovec(&mem, 0, 100, 5);
    assert_eq!(c.fd_read(0, 0, 1, 52), 0);
    assert_eq!(get(&mem, 100, u32_at(&mem, 52)), b"typed");
    assert_eq!(c.args_sizes_get(200, 204), 0);
    assert_eq!((u32_at(&mem, 200), u32_at(&mem, 204)), (2, 10));
    assert_eq!(c.args_get(300, 400), 0);
    assert_eq!(get(&mem, 400, 10), b"prog\0arg1\0");
}

pub fn files_are_shared_with_memfs() {
    let (fs, _out, mut c, mem) = setup();
    put(&mem, 1000, b"out.txt");
    assert_eq!(c.path_open(3, 0, 1000, 7, 1, -1, -1, 0, 60), 0);
    let fd = u32_at(&mem, 60);
    put(&mem, 100, b"written by the guest");
    iovec(&mem, 0, 100, 20);
    assert_eq!(c.fd_write(fd, 0, 1, 52), 0);
    assert_eq!(
        fs.read_file(&s("/data/out.txt")).unwrap().to_vec(),
        b"written by the guest"
    );
    fs.write_file(&s("/data/in.txt"), &bytes(b"from js"))
        .unwrap();
    put(&mem, 1000, b"in.txt");
    assert_eq!(c.path_open(3, 0, 1000, 6, 0, -1, -1, 0, 60), 0);
    iovec(&mem, 0, 100, 64);
    assert_eq!(c.fd_read(u32_at(&mem, 60), 0, 1, 52), 0);
    assert_eq!(get(&mem, 100, u32_at(&mem, 52)), b"from js");
    put(&mem, 1000, b"../../etc");
    assert_eq!(c.path_open(3, 0, 1000, 9, 0, -1, -1, 0, 60), EPERM);
    put(&mem, 1000, b"missing");
    assert_eq!(c.path_open(3, 0, 1000, 7, 0, -1, -1, 0, 60), ENOENT);
    put(&mem, 1000, &[0xc3, 0x28]);
    assert_eq!(c.path_open(3, 0, 1000, 2, 0, -1, -1, 0, 60), EILSEQ);
}

pub fn bounds_follow_memory_growth() {
    let (_fs, out, mut c, mem) = setup();
    // Past the end of a 1-page memory: EFAULT, nothing written.
    iovec(&mem, 0, 70_000, 4);
    assert_eq!(c.fd_write(1, 0, 1, 52), EFAULT);
    assert_eq!(c.fd_write(1, 65_530, 1, 52), EFAULT);
    assert_eq!(c.random_get(65_000, 1_000), EFAULT);
    assert_eq!(out.length(), 0);
    // After memory.grow the same pointer is valid and the new buffer is used.
    mem.grow(1);
    put(&mem, 70_000, b"ok!\n");
    assert_eq!(c.fd_write(1, 0, 1, 52), 0);
    c.flush();
    assert_eq!(joined(&out), b"ok!\n");
    assert_eq!(c.random_get(65_000, 60_000), 0);
    let r = get(&mem, 65_000, 60_000);
    assert!(
        r.iter().filter(|&&b| b == 0).count() < 2_000,
        "random bytes"
    );
}

pub fn clocks_and_exit() {
    let (_fs, _out, mut c, mem) = setup();
    assert_eq!(c.clock_time_get(1, 0, 0), 0);
    let a = u64::from_le_bytes(get(&mem, 0, 8).try_into().unwrap());
    assert_eq!(c.clock_time_get(1, 0, 8), 0);
    let b = u64::from_le_bytes(get(&mem, 8, 8).try_into().unwrap());
    assert!(b >= a);
    assert_eq!(c.clock_time_get(0, 0, 16), 0);
    let now = u64::from_le_bytes(get(&mem, 16, 8).try_into().unwrap());
    assert!(now > 1_600_000_000_000_000_000, "realtime is after 2020");
    assert_eq!(c.clock_time_get(9, 0, 16), 28);
    assert_eq!(c.exit_code(), None);
    c.proc_exit(3);
    assert_eq!(c.exit_code(), Some(3));
    assert_eq!(WasiCore::function_names().len(), 46);
}

fn message(e: JsValue) -> String {
    let e: js_sys::Error = e.dyn_into().expect("an Error object");
    String::from(e.message())
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

/// Options that are not what the core expects give a TypeError naming the
/// field, never a panic; the limits reject unknown and fractional values.
pub fn options_are_checked() {
    let fs = MemFsCore::new();
    let bad = |opts: JsValue| message(WasiCore::new(&fs, opts).err().expect("refused"));
    assert_eq!(bad(JsValue::from(3)), "WasiCore: options must be an object");
    assert_eq!(
        bad(object(&[("args", JsValue::from(5))])),
        "WasiCore: `args` must be an array of strings"
    );
    let tty = Array::of2(&true.into(), &false.into());
    assert_eq!(
        bad(object(&[("tty", tty.into())])),
        "WasiCore: `tty` must be an array of 3 booleans"
    );
    let pre = Array::of1(&Array::of1(&"/only-one".into()));
    assert!(bad(object(&[("preopens", pre.into())])).contains("[string, string] pairs"));
    assert!(
        bad(object(&[("maxFds", JsValue::from(1.5))])).contains("`maxFds` must be a whole number")
    );
    // Well-formed options still build a core.
    let ok = object(&[
        ("args", Array::of1(&"p".into()).into()),
        ("async", true.into()),
    ]);
    assert!(WasiCore::new(&fs, ok).is_ok());

    let limits = |o: JsValue| message(MemFsCore::with_limits(o).err().expect("refused"));
    assert_eq!(
        limits(object(&[("maxByte", JsValue::from(1))])),
        "MemFS limits: unknown field `maxByte`, expected one of maxBytes, maxFileSize, maxInodes, maxSymlinks, maxPathLength"
    );
    assert_eq!(
        limits(object(&[("maxBytes", JsValue::from(1.5))])),
        "limits.maxBytes must be a whole number >= 0 or Infinity, got 1.5"
    );
    let fs = MemFsCore::with_limits(object(&[("maxInodes", JsValue::from(7))])).unwrap();
    let l = fs.limits().unwrap();
    assert_eq!(
        Reflect::get(&l, &"maxInodes".into()).unwrap().as_f64(),
        Some(7.0)
    );
}
