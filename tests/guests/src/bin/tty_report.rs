//! Prints which of fds 0, 1, 2 are terminals (CHARACTER_DEVICE), one line
//! per fd, in separate writes.
fn main() {
    for fd in 0..3u32 {
        let st = unsafe { wasi::fd_fdstat_get(fd) }.unwrap();
        let tty = st.fs_filetype == wasi::FILETYPE_CHARACTER_DEVICE;
        println!("fd {fd} tty {}", tty as u8);
    }
}
