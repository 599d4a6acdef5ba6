//! Writes through one fd are immediately visible through another fd and
//! through path-based stat (no buffering in the host).
use guest::*;

fn main() {
    let d = test_dir();
    let w = create_file(d, "u");
    let r = q!(open_rw(d, "u", 0));
    write_all(w, b"first");
    check_eq!("visible to reader", read_n(r, 100), b"first".to_vec());
    check_eq!("stat sees size", q!(wasi::path_filestat_get(d, 0, "u")).size, 5);
    write_all(w, b"+second");
    check_eq!("reader continues", read_n(r, 100), b"+second".to_vec());
    write_all(r, b"|from-reader");
    check_eq!("writer's file shows both", read_file(d, "u"), b"first+second|from-reader".to_vec());
    // w's offset is still 12, so these overwrite the reader's bytes first.
    for i in 0..100u8 {
        write_all(w, &[b'a' + (i % 26)]);
    }
    check_eq!("100 single-byte writes at w's offset", q!(wasi::fd_filestat_get(r)).size, 12 + 100);
    check_eq!("reader sees them at its offset", read_n(r, 4), b"mnop".to_vec());
    done("file_unbuffered_write");
}
