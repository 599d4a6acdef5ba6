//! fd_readdir while the directory changes between calls:
//! - entries removed before being reached are not returned, and removing
//!   not-yet-seen entries neither skips nor repeats the others;
//! - entries present throughout are all seen when new ones are added;
//! - a fresh pass from cookie 0 shows exactly the current contents.
use guest::*;

fn page(fd: wasi::Fd, cookie: u64) -> Vec<Entry> {
    let mut b = [0u8; 128];
    let n = q!(wasi::fd_readdir(fd, b.as_mut_ptr(), 128, cookie));
    parse_dirents(&b[..n])
}

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "chg"));
    let names: Vec<String> = (0..20).map(|i| format!("entry-{i:02}")).collect();
    for n in &names {
        write_file(d, &format!("chg/{n}"), b"");
    }
    let fd = q!(open_dir(d, "chg"));

    // Pass 1: read one page, then delete half of the entries not seen yet.
    let first = page(fd, 0);
    check!("first page has entries", !first.is_empty());
    let mut seen: Vec<String> = first.iter().map(|e| e.name.clone()).collect();
    let mut cookie = first.last().unwrap().next;
    let unseen: Vec<String> = names.iter().filter(|n| !seen.contains(n)).cloned().collect();
    let removed: Vec<String> = unseen.iter().step_by(2).cloned().collect();
    for n in &removed {
        q!(wasi::path_unlink_file(d, &format!("chg/{n}")));
    }
    loop {
        let ents = page(fd, cookie);
        if ents.is_empty() {
            break;
        }
        cookie = ents.last().unwrap().next;
        seen.extend(ents.into_iter().map(|e| e.name));
    }
    check!("removed entries not returned", removed.iter().all(|r| !seen.contains(r)));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    check_eq!("no entry returned twice", sorted.len(), seen.len());
    let mut expect: Vec<String> = names.iter().filter(|n| !removed.contains(n)).cloned().collect();
    expect.push(".".into());
    expect.push("..".into());
    expect.sort();
    check_eq!("every remaining entry seen", sorted, expect);

    // Pass 2: read one page, then add entries; nothing that existed
    // throughout may be missed (repeats are allowed).
    let first = page(fd, 0);
    let mut seen: Vec<String> = first.iter().map(|e| e.name.clone()).collect();
    let mut cookie = first.last().unwrap().next;
    for i in 0..10 {
        write_file(d, &format!("chg/added-{i}"), b"");
    }
    let mut guard = 0;
    loop {
        let ents = page(fd, cookie);
        guard += 1;
        if ents.is_empty() || guard > 1000 {
            break;
        }
        cookie = ents.last().unwrap().next;
        seen.extend(ents.into_iter().map(|e| e.name));
    }
    check!("entries present throughout all seen", expect.iter().all(|n| seen.contains(n)));

    // Pass 3: a fresh pass reflects all changes.
    let mut now: Vec<String> = readdir_all(fd).into_iter().map(|e| e.name).collect();
    now.sort();
    let mut want = expect.clone();
    want.extend((0..10).map(|i| format!("added-{i}")));
    want.sort();
    check_eq!("fresh pass shows current contents", now, want);

    // Rename inside the directory while iterating: the new name shows up
    // on a fresh pass, the old one does not.
    q!(wasi::path_rename(d, "chg/added-0", d, "chg/renamed"));
    let now: Vec<String> = readdir_all(fd).into_iter().map(|e| e.name).collect();
    check!("rename visible", now.contains(&"renamed".to_string()) && !now.contains(&"added-0".to_string()));
    done("fd_readdir_changes");
}
