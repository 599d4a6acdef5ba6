//! wasi:filesystem@0.3 on the first preopen: files written and read through
//! streams (at offsets, appended, large), stat, directories listed through
//! the read-directory stream, renames, links, and the error codes of the
//! usual mistakes. Prints one line per check; the test compares them.
use p3guests::{read_all, say};
use wasip3::filesystem::preopens;
use wasip3::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, NewTimestamp, OpenFlags, PathFlags,
};
use wasip3::wit_stream;

struct Fs;
wasip3::cli::command::export!(Fs);

async fn write_at(file: &Descriptor, data: Vec<u8>, offset: Option<u64>) -> Result<(), ErrorCode> {
    let (mut tx, rx) = wit_stream::new();
    let done = match offset {
        Some(o) => file.write_via_stream(rx, o),
        None => file.append_via_stream(rx),
    };
    let rest = tx.write_all(data).await;
    drop(tx);
    let r = done.await;
    if r.is_ok() {
        assert!(rest.is_empty());
    }
    r
}

async fn read_from(file: &Descriptor, offset: u64) -> (Result<Vec<u8>, ErrorCode>, usize) {
    let (rx, done) = file.read_via_stream(offset);
    let (bytes, reads) = read_all(rx).await;
    (done.await.map(|()| bytes), reads)
}

async fn open(dir: &Descriptor, path: &str, o: OpenFlags, f: DescriptorFlags) -> Result<Descriptor, ErrorCode> {
    dir.open_at(PathFlags::empty(), path.to_string(), o, f).await
}

async fn list(dir: &Descriptor) -> Vec<String> {
    let (rx, done) = dir.read_directory();
    let entries = rx.collect().await;
    done.await.unwrap();
    let mut names: Vec<String> = entries
        .into_iter()
        .map(|e| {
            let t = match e.type_ {
                DescriptorType::Directory => "/",
                DescriptorType::RegularFile => "",
                DescriptorType::SymbolicLink => "@",
                _ => "?",
            };
            format!("{}{t}", e.name)
        })
        .collect();
    names.sort();
    names
}

impl wasip3::exports::cli::run::Guest for Fs {
    async fn run() -> Result<(), ()> {
        let pre = preopens::get_directories();
        say(&format!("preopens {:?}", pre.iter().map(|p| &p.1).collect::<Vec<_>>())).await;
        let dir = &pre[0].0;
        let rw = DescriptorFlags::READ | DescriptorFlags::WRITE;

        // A file the host put there.
        let input = open(dir, "input.txt", OpenFlags::empty(), DescriptorFlags::READ).await.unwrap();
        let (data, _) = read_from(&input, 0).await;
        say(&format!("input {:?}", String::from_utf8(data.unwrap()).unwrap())).await;
        let (data, _) = read_from(&input, 6).await;
        say(&format!("input@6 {:?}", String::from_utf8(data.unwrap()).unwrap())).await;
        let (data, _) = read_from(&input, 1000).await;
        say(&format!("input@1000 {:?}", data.unwrap().len())).await;
        say(&format!("input write {:?}", write_at(&input, b"x".to_vec(), Some(0)).await)).await;

        // Write, overwrite at an offset, append, read back.
        let f = open(dir, "out.txt", OpenFlags::CREATE | OpenFlags::TRUNCATE, rw).await.unwrap();
        write_at(&f, b"hello world".to_vec(), Some(0)).await.unwrap();
        write_at(&f, b"W".to_vec(), Some(6)).await.unwrap();
        let a = open(dir, "out.txt", OpenFlags::empty(), DescriptorFlags::WRITE).await.unwrap();
        write_at(&a, b"!\n".to_vec(), None).await.unwrap();
        let (data, _) = read_from(&f, 0).await;
        say(&format!("out {:?}", String::from_utf8(data.unwrap()).unwrap())).await;
        let st = f.stat().await.unwrap();
        say(&format!("stat {:?} size {} links {}", st.type_, st.size, st.link_count)).await;
        say(&format!("mtime {}", st.data_modification_timestamp.is_some())).await;
        say(&format!("type {:?} flags {:?}", f.get_type().await, f.get_flags().await)).await;
        f.set_size(5).await.unwrap();
        let (data, _) = read_from(&f, 0).await;
        say(&format!("truncated {:?}", String::from_utf8(data.unwrap()).unwrap())).await;
        f.set_times(NewTimestamp::NoChange, NewTimestamp::Now).await.unwrap();
        say(&format!("same {} {}", f.is_same_object(&f).await, f.is_same_object(dir).await)).await;
        let h1 = f.metadata_hash().await.unwrap();
        let h2 = dir.metadata_hash_at(PathFlags::empty(), "out.txt".into()).await.unwrap();
        say(&format!("hash same {}", (h1.lower, h1.upper) == (h2.lower, h2.upper))).await;

        // A large file moves in several chunks each way.
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let g = open(dir, "big.bin", OpenFlags::CREATE, rw).await.unwrap();
        write_at(&g, big.clone(), Some(0)).await.unwrap();
        let (data, reads) = read_from(&g, 0).await;
        let data = data.unwrap();
        say(&format!("big {} equal {} chunked {}", data.len(), data == big, reads > 1)).await;

        // Directories.
        dir.create_directory_at("sub".into()).await.unwrap();
        let sub = open(dir, "sub", OpenFlags::DIRECTORY, DescriptorFlags::READ | DescriptorFlags::MUTATE_DIRECTORY).await.unwrap();
        let n = open(&sub, "nested.txt", OpenFlags::CREATE, rw).await.unwrap();
        write_at(&n, b"n".to_vec(), Some(0)).await.unwrap();
        say(&format!("list {:?}", list(dir).await)).await;
        say(&format!("list sub {:?}", list(&sub).await)).await;
        dir.rename_at("out.txt".into(), &sub, "moved.txt".into()).await.unwrap();
        say(&format!("after rename {:?}", list(&sub).await)).await;
        let st = dir.stat_at(PathFlags::empty(), "sub/moved.txt".into()).await.unwrap();
        say(&format!("stat-at size {}", st.size)).await;

        // Errors.
        say(&format!("missing {:?}", open(dir, "nope.txt", OpenFlags::empty(), DescriptorFlags::READ).await.err())).await;
        say(&format!("mkdir exists {:?}", dir.create_directory_at("sub".into()).await)).await;
        say(&format!("exclusive {:?}", open(dir, "big.bin", OpenFlags::CREATE | OpenFlags::EXCLUSIVE, rw).await.err())).await;
        say(&format!("not dir {:?}", open(dir, "big.bin/x", OpenFlags::empty(), DescriptorFlags::READ).await.err())).await;
        say(&format!("dir flag on file {:?}", open(dir, "big.bin", OpenFlags::DIRECTORY, DescriptorFlags::READ).await.err())).await;
        say(&format!("rmdir non-empty {:?}", dir.remove_directory_at("sub".into()).await)).await;
        say(&format!("unlink dir {:?}", dir.unlink_file_at("sub".into()).await)).await;
        say(&format!("escape {:?}", open(dir, "../x", OpenFlags::empty(), DescriptorFlags::READ).await.err())).await;
        say(&format!("read dir {:?}", read_from(dir, 0).await.0.err())).await;
        say(&format!("stat-at missing {:?}", dir.stat_at(PathFlags::empty(), "nope".into()).await.err())).await;
        say(&format!("list file {:?}", {
            let (rx, done) = g.read_directory();
            drop(rx);
            done.await
        }))
        .await;
        let wo = open(dir, "big.bin", OpenFlags::empty(), DescriptorFlags::WRITE).await.unwrap();
        say(&format!("read write-only {:?}", read_from(&wo, 0).await.0.err())).await;
        say(&format!("readlink file {:?}", dir.readlink_at("big.bin".into()).await)).await;

        // Links, times, advice, syncs.
        dir.symlink_at("big.bin".into(), "sym".into()).await.unwrap();
        say(&format!("readlink {:?}", dir.readlink_at("sym".into()).await)).await;
        let lst = dir.stat_at(PathFlags::empty(), "sym".into()).await.unwrap();
        let fst = dir.stat_at(PathFlags::SYMLINK_FOLLOW, "sym".into()).await.unwrap();
        say(&format!("symlink {:?} follows to {:?} {}", lst.type_, fst.type_, fst.size)).await;
        say(&format!("list with link {:?}", list(dir).await)).await;
        dir.unlink_file_at("sym".into()).await.unwrap();
        dir.link_at(PathFlags::empty(), "input.txt".into(), dir, "hard.txt".into()).await.unwrap();
        let st = dir.stat_at(PathFlags::empty(), "input.txt".into()).await.unwrap();
        say(&format!("hard link count {}", st.link_count)).await;
        dir.unlink_file_at("hard.txt".into()).await.unwrap();
        let when = wasip3::clocks::system_clock::Instant { seconds: 1_000_000_000, nanoseconds: 5 };
        dir.set_times_at(PathFlags::empty(), "input.txt".into(), NewTimestamp::Timestamp(when), NewTimestamp::Timestamp(when)).await.unwrap();
        let st = dir.stat_at(PathFlags::empty(), "input.txt".into()).await.unwrap();
        let m = st.data_modification_timestamp.unwrap();
        say(&format!("set-times-at {} {}", m.seconds, m.nanoseconds)).await;
        say(&format!(
            "advise {:?} sync {:?} sync-data {:?}",
            g.advise(0, 10, wasip3::filesystem::types::Advice::Sequential).await,
            g.sync().await,
            g.sync_data().await
        ))
        .await;

        // A stream outlives its descriptor, as in wasmtime.
        let f = open(dir, "input.txt", OpenFlags::empty(), DescriptorFlags::READ).await.unwrap();
        let (rx, done) = f.read_via_stream(0);
        drop(f);
        let (bytes, _) = read_all(rx).await;
        say(&format!("read after drop {:?} {:?}", String::from_utf8(bytes).unwrap(), done.await)).await;
        let w = open(dir, "late.txt", OpenFlags::CREATE, DescriptorFlags::WRITE).await.unwrap();
        let (mut tx, rx) = wit_stream::new();
        let done = w.write_via_stream(rx, 0);
        drop(w);
        let rest = tx.write_all(b"written late".to_vec()).await;
        drop(tx);
        say(&format!("write after drop {:?} {}", done.await, rest.len())).await;
        let l = open(dir, "late.txt", OpenFlags::empty(), DescriptorFlags::READ).await.unwrap();
        say(&format!("late {:?}", String::from_utf8(read_from(&l, 0).await.0.unwrap()).unwrap())).await;
        dir.unlink_file_at("late.txt".into()).await.unwrap();

        // Clean up part of it.
        sub.unlink_file_at("moved.txt".into()).await.unwrap();
        sub.unlink_file_at("nested.txt".into()).await.unwrap();
        drop(sub);
        dir.remove_directory_at("sub".into()).await.unwrap();
        say(&format!("final {:?}", list(dir).await)).await;
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
