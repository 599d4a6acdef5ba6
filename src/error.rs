//! Error codes shared by every interface.
//!
//! The core speaks Preview 1 errno numbers; Preview 2's `error-code` variants
//! map onto the same set one to one, so one enum serves both.

/// A WASI errno (`wasi_snapshot_preview1` numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Errno {
    Success = 0,
    TooBig = 1,
    Acces = 2,
    Again = 6,
    Already = 7,
    Badf = 8,
    Busy = 10,
    Exist = 20,
    Fault = 21,
    Fbig = 22,
    Ilseq = 25,
    Inval = 28,
    Io = 29,
    Isdir = 31,
    Loop = 32,
    Mfile = 33,
    Mlink = 34,
    Nametoolong = 37,
    Nfile = 41,
    Noent = 44,
    Nomem = 48,
    Nospc = 51,
    Nosys = 52,
    Notdir = 54,
    Notempty = 55,
    Notsock = 57,
    Notsup = 58,
    Notty = 59,
    Overflow = 61,
    Perm = 63,
    Pipe = 64,
    Spipe = 70,
    Xdev = 75,
    Notcapable = 76,
    /// Not an errno: an async-mode call must wait. The JS wrapper awaits
    /// and retries; the guest never sees it.
    WouldBlock = 0xffff,
}

impl Errno {
    pub fn raw(self) -> u16 {
        self as u16
    }

    /// The Node/POSIX-style name (`ENOENT`), used for JS errors.
    pub fn code(self) -> &'static str {
        use Errno::*;
        match self {
            Success => "ESUCCESS",
            TooBig => "E2BIG",
            Acces => "EACCES",
            Again => "EAGAIN",
            Already => "EALREADY",
            Badf => "EBADF",
            Busy => "EBUSY",
            Exist => "EEXIST",
            Fault => "EFAULT",
            Fbig => "EFBIG",
            Ilseq => "EILSEQ",
            Inval => "EINVAL",
            Io => "EIO",
            Isdir => "EISDIR",
            Loop => "ELOOP",
            Mfile => "EMFILE",
            Mlink => "EMLINK",
            Nametoolong => "ENAMETOOLONG",
            Nfile => "ENFILE",
            Noent => "ENOENT",
            Nomem => "ENOMEM",
            Nospc => "ENOSPC",
            Nosys => "ENOSYS",
            Notdir => "ENOTDIR",
            Notempty => "ENOTEMPTY",
            Notsock => "ENOTSOCK",
            Notsup => "ENOTSUP",
            Notty => "ENOTTY",
            Overflow => "EOVERFLOW",
            Perm => "EPERM",
            Pipe => "EPIPE",
            Spipe => "ESPIPE",
            Xdev => "EXDEV",
            Notcapable => "ENOTCAPABLE",
            WouldBlock => "EWOULDBLOCK",
        }
    }

    /// A short human description, as in `strerror`.
    pub fn describe(self) -> &'static str {
        use Errno::*;
        match self {
            Noent => "no such file or directory",
            Exist => "file already exists",
            Notdir => "not a directory",
            Isdir => "is a directory",
            Notempty => "directory not empty",
            Inval => "invalid argument",
            Loop => "too many symbolic links",
            Perm => "operation not permitted",
            Badf => "bad file descriptor",
            Ilseq => "illegal byte sequence",
            Nospc => "no space left on device",
            Fbig => "file too large",
            Nametoolong => "file name too long",
            Fault => "bad address",
            Notcapable => "capabilities insufficient",
            _ => "error",
        }
    }
}

pub type Result<T, E = Errno> = core::result::Result<T, E>;
