//! path_rename of files and directories, overwrite rules, and errors.
use guest::*;

fn main() {
    let d = test_dir();
    let mk = |p: &str| q!(wasi::path_create_directory(d, p));
    write_file(d, "a", b"AAA");
    write_file(d, "b", b"BBB");
    ok!("rename file -> new name", wasi::path_rename(d, "a", d, "c"));
    check!("old name gone", !exists(d, "a"));
    check_eq!("content moved", read_file(d, "c"), b"AAA".to_vec());
    ok!("rename file over file", wasi::path_rename(d, "c", d, "b"));
    check_eq!("target replaced", (exists(d, "c"), read_file(d, "b")), (false, b"AAA".to_vec()));
    ok!("rename file onto itself", wasi::path_rename(d, "b", d, "b"));
    check_eq!("still there", read_file(d, "b"), b"AAA".to_vec());

    mk("d1");
    mk("d2");
    mk("full");
    write_file(d, "full/x", b"");
    write_file(d, "d1/inside", b"in");
    err!("rename file over dir", wasi::path_rename(d, "b", d, "d2"), wasi::ERRNO_ISDIR);
    err!("rename dir over file", wasi::path_rename(d, "d1", d, "b"), wasi::ERRNO_NOTDIR);
    err!("rename dir over non-empty dir", wasi::path_rename(d, "d1", d, "full"), wasi::ERRNO_NOTEMPTY);
    err!("rename dir into itself", wasi::path_rename(d, "d1", d, "d1/sub"), wasi::ERRNO_INVAL);
    mk("d1/x");
    err!("rename dir into its descendant", wasi::path_rename(d, "d1", d, "d1/x/y"), wasi::ERRNO_INVAL);
    err!("rename dir into missing descendant", wasi::path_rename(d, "d1", d, "d1/nope/y"), wasi::ERRNO_NOENT);
    q!(wasi::path_remove_directory(d, "d1/x"));
    ok!("rename dir onto itself", wasi::path_rename(d, "d1", d, "d1"));
    ok!("rename dir over empty dir", wasi::path_rename(d, "d1", d, "d2"));
    check_eq!("dir moved with contents", (exists(d, "d1"), read_file(d, "d2/inside")), (false, b"in".to_vec()));
    mk("p");
    mk("p/q");
    err!("rename child over non-empty parent", wasi::path_rename(d, "p/q", d, "p"), wasi::ERRNO_NOTEMPTY);
    err!("rename . away", wasi::path_rename(d, ".", d, "x"), wasi::ERRNO_BUSY);
    err!("rename over .", wasi::path_rename(d, "p", d, "."), wasi::ERRNO_BUSY);

    err!("rename missing", wasi::path_rename(d, "missing", d, "x"), wasi::ERRNO_NOENT);
    err!("rename into missing dir", wasi::path_rename(d, "b", d, "nodir/x"), wasi::ERRNO_NOENT);
    err!("rename into a file", wasi::path_rename(d, "b", d, "b/x"), wasi::ERRNO_NOTDIR);
    err!("rename empty source", wasi::path_rename(d, "", d, "x"), wasi::ERRNO_NOENT);
    err!("rename empty target", wasi::path_rename(d, "b", d, ""), wasi::ERRNO_NOENT);
    err!("rename invalid fd", wasi::path_rename(999, "b", d, "x"), wasi::ERRNO_BADF);
    err!("rename invalid target fd", wasi::path_rename(d, "b", 999, "x"), wasi::ERRNO_BADF);

    // Across directory fds.
    let sub = q!(open_dir(d, "d2"));
    ok!("rename across fds", wasi::path_rename(d, "b", sub, "moved"));
    check_eq!("moved into d2", read_file(d, "d2/moved"), b"AAA".to_vec());
    ok!("rename back across fds", wasi::path_rename(sub, "moved", d, "b"));

    // Symlinks are renamed, not followed.
    q!(wasi::path_symlink("b", d, "sym"));
    ok!("rename symlink", wasi::path_rename(d, "sym", d, "sym2"));
    let st = q!(wasi::path_filestat_get(d, 0, "sym2"));
    check_eq!("renamed symlink still a symlink", st.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    check!("target untouched", exists(d, "b"));
    q!(wasi::path_symlink("nowhere", d, "dangling"));
    ok!("rename dangling symlink", wasi::path_rename(d, "dangling", d, "dangling2"));
    ok!("rename file over symlink", wasi::path_rename(d, "b", d, "sym2"));
    let st = q!(wasi::path_filestat_get(d, 0, "sym2"));
    check_eq!("symlink replaced by file", st.filetype, wasi::FILETYPE_REGULAR_FILE);
    err!("rename dir over symlink", wasi::path_rename(d, "p", d, "dangling2"), wasi::ERRNO_NOTDIR);

    // An open fd follows the file across a rename.
    let f = q!(open_rw(d, "sym2", 0));
    ok!("rename open file", wasi::path_rename(d, "sym2", d, "final"));
    check_eq!("fd reads renamed file", read_to_end(f), b"AAA".to_vec());
    write_all(f, b"!");
    check_eq!("write through fd lands in new name", read_file(d, "final"), b"AAA!".to_vec());
    done("path_rename");
}
