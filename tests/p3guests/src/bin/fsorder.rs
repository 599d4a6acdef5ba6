//! wasi:filesystem@0.3 rules the official suite checks and fs.rs does not:
//! a stream write the host took is seen by the descriptor's next call (stat,
//! set-size, a read stream) while the stream is still open; `..` at a
//! preopen (or any directory descriptor) is not-permitted before any
//! existence check; open-at's default and implied flags. One line per check.
use futures::join;
use p3guests::{read_all, say};
use wasip3::filesystem::preopens;
use wasip3::filesystem::types::{Descriptor, DescriptorFlags, ErrorCode, OpenFlags, PathFlags};
use wasip3::wit_bindgen::StreamResult;
use wasip3::wit_stream;

struct FsOrder;
wasip3::cli::command::export!(FsOrder);

async fn open(dir: &Descriptor, path: &str, o: OpenFlags, f: DescriptorFlags) -> Result<Descriptor, ErrorCode> {
    dir.open_at(PathFlags::empty(), path.to_string(), o, f).await
}

async fn contents(file: &Descriptor) -> String {
    let (rx, done) = file.read_via_stream(0);
    let (bytes, _) = read_all(rx).await;
    done.await.unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Appends `pieces` one write at a time on one open stream; after each
/// completed write, the file's size and bytes as the descriptor sees them.
async fn append_pieces(f: &Descriptor, pieces: &[&str]) -> (Vec<String>, u64, Result<(), ErrorCode>) {
    let (mut tx, rx) = wit_stream::new();
    let done = f.append_via_stream(rx);
    let mut seen = Vec::new();
    let mut idle = 0;
    let mut result = Ok(());
    join!(
        async {
            for piece in pieces {
                let (r, buf) = tx.write(piece.as_bytes().to_vec()).await;
                assert_eq!(r, StreamResult::Complete(piece.len()));
                assert_eq!(buf.remaining(), 0);
                let size = f.stat().await.unwrap().size;
                seen.push(format!("{size}:{}", contents(f).await));
            }
            // The stream is open and the host waits for more: stat answers.
            idle = f.stat().await.unwrap().size;
            drop(tx);
        },
        async { result = done.await }
    );
    (seen, idle, result)
}

impl wasip3::exports::cli::run::Guest for FsOrder {
    async fn run() -> Result<(), ()> {
        let dirs = preopens::get_directories();
        let dir = &dirs[0].0;
        let rw = DescriptorFlags::READ | DescriptorFlags::WRITE;

        // Stream writes and the descriptor's next calls.
        let f = open(dir, "log.txt", OpenFlags::CREATE, rw).await.unwrap();
        let (seen, idle, r) = append_pieces(&f, &["one ", "two ", "three"]).await;
        say(&format!("append {seen:?} idle {idle} {r:?}")).await;

        let (mut tx, rx) = wit_stream::new();
        let done = f.write_via_stream(rx, 0);
        let mut sized = Err(ErrorCode::Io);
        let mut r = Ok(());
        join!(
            async {
                let (w, _) = tx.write(b"ABCDEFGH".to_vec()).await;
                assert_eq!(w, StreamResult::Complete(8));
                // Cut after the write, not before it lands.
                sized = f.set_size(3).await;
                drop(tx);
            },
            async { r = done.await }
        );
        say(&format!("write then set-size {sized:?} {r:?} {:?}", contents(&f).await)).await;

        // `..` leaves the preopen: not-permitted, though it exists.
        say(&format!("mkdir .. {:?}", dir.create_directory_at("..".into()).await)).await;
        say(&format!("mkdir ../ {:?}", dir.create_directory_at("../".into()).await)).await;
        say(&format!("mkdir . {:?}", dir.create_directory_at(".".into()).await)).await;
        let link = dir.link_at(PathFlags::empty(), "log.txt".into(), dir, "..".into()).await;
        say(&format!("link to .. {link:?}")).await;
        say(&format!("symlink at .. {:?}", dir.symlink_at("log.txt".into(), "..".into()).await)).await;
        say(&format!("rename to .. {:?}", dir.rename_at("log.txt".into(), dir, "..".into()).await)).await;
        dir.create_directory_at("sub".into()).await.unwrap();
        let sub = open(dir, "sub", OpenFlags::DIRECTORY, DescriptorFlags::MUTATE_DIRECTORY).await.unwrap();
        say(&format!("sub mkdir .. {:?}", sub.create_directory_at("..".into()).await)).await;
        sub.create_directory_at("x".into()).await.unwrap();
        // Inside the descriptor, `x/..` is itself: it exists.
        say(&format!("sub mkdir x/.. {:?}", sub.create_directory_at("x/..".into()).await)).await;

        // Flags: none is read; create implies write.
        let d = open(dir, "sub", OpenFlags::empty(), DescriptorFlags::empty()).await.unwrap();
        say(&format!("dir no flags {:?}", d.get_flags().await)).await;
        say(&format!("dir mutate {:?}", sub.get_flags().await)).await;
        say(&format!("preopen {:?}", dir.get_flags().await)).await;
        let n = open(dir, "log.txt", OpenFlags::empty(), DescriptorFlags::empty()).await.unwrap();
        say(&format!("file no flags {:?}", n.get_flags().await)).await;
        let c = open(dir, "new.txt", OpenFlags::CREATE, DescriptorFlags::READ).await.unwrap();
        let (seen, _, r) = append_pieces(&c, &["created"]).await;
        say(&format!("create read {:?} {seen:?} {r:?}", c.get_flags().await)).await;
        let w = open(dir, "w.txt", OpenFlags::CREATE, DescriptorFlags::WRITE).await.unwrap();
        say(&format!("create write {:?}", w.get_flags().await)).await;
        Ok(())
    }
}

fn main() {
    unreachable!("main is a stub");
}
