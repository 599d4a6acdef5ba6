//! Exercises every WASI 0.2 interface directly (through the `wasip2`
//! bindings), errors included. Prints `ok <name>` per check, or
//! `FAIL <name>: <why>`; the JS test checks the list.
use wasip2::cli::{environment, stderr, stdin, stdout, terminal_stderr, terminal_stdin, terminal_stdout};
use wasip2::clocks::{monotonic_clock, wall_clock};
use wasip2::filesystem::preopens::get_directories;
use wasip2::filesystem::types::{
    filesystem_error_code, Advice, DescriptorFlags, DescriptorType, ErrorCode, NewTimestamp,
    OpenFlags, PathFlags,
};
use wasip2::io::poll::poll;
use wasip2::io::streams::StreamError;
use wasip2::random::{insecure, insecure_seed, random};
use wasip2::sockets::{instance_network, ip_name_lookup, network, tcp_create_socket, udp_create_socket};

fn check(name: &str, ok: bool, why: impl std::fmt::Debug) {
    if ok {
        println!("ok {name}");
    } else {
        println!("FAIL {name}: {why:?}");
    }
}

fn h(d: &wasip2::filesystem::types::Descriptor) -> Option<(u64, u64)> {
    d.metadata_hash().ok().map(|m| (m.lower, m.upper))
}

fn main() {
    let rw = DescriptorFlags::READ | DescriptorFlags::WRITE;
    let follow = PathFlags::SYMLINK_FOLLOW;

    // ---- cli ----
    let env = environment::get_environment();
    check("environment", env.contains(&("P2".into(), "yes=1".into())), &env);
    let args = environment::get_arguments();
    check("arguments", args == ["ifaces", "a b"], &args);
    check("initial-cwd", environment::initial_cwd().as_deref() == Some("/data"), environment::initial_cwd());
    check("terminal-stdin", terminal_stdin::get_terminal_stdin().is_none(), ());
    check("terminal-stdout", terminal_stdout::get_terminal_stdout().is_some(), ());
    check("terminal-stderr", terminal_stderr::get_terminal_stderr().is_none(), ());
    let out = stdout::get_stdout();
    let n = out.check_write().unwrap();
    check("stdout.check-write", n > 0, n);
    out.write(b"ok stdout.write\n").unwrap();
    out.blocking_write_and_flush(b"ok stdout.blocking-write-and-flush\n").unwrap();
    out.flush().unwrap();
    out.blocking_flush().unwrap();
    let p = out.subscribe();
    check("stdout.subscribe", p.ready(), ());
    drop(p);
    let err = stderr::get_stderr();
    err.blocking_write_and_flush(b"to stderr\n").unwrap();
    let inp = stdin::get_stdin();
    let p = inp.subscribe();
    p.block();
    drop(p);
    let got = inp.blocking_read(3).unwrap();
    check("stdin.blocking-read", got == b"abc", &got);
    let skipped = inp.skip(2).unwrap();
    check("stdin.skip", skipped == 2, skipped);
    let got = inp.read(100).unwrap();
    check("stdin.read", got == b"f", &got);
    check("stdin.closed", matches!(inp.read(1), Err(StreamError::Closed)), ());
    check("stdin.blocking-skip closed", matches!(inp.blocking_skip(1), Err(StreamError::Closed)), ());

    // ---- clocks ----
    let w = wall_clock::now();
    check("wall-clock.now", w.seconds > 1_600_000_000 && w.nanoseconds < 1_000_000_000, (w.seconds, w.nanoseconds));
    let r = wall_clock::resolution();
    check("wall-clock.resolution", r.seconds == 0 && r.nanoseconds > 0, (r.seconds, r.nanoseconds));
    check("monotonic.resolution", monotonic_clock::resolution() > 0, ());
    let t0 = monotonic_clock::now();
    let timer = monotonic_clock::subscribe_duration(30_000_000);
    check("subscribe-duration not ready", !timer.ready(), ());
    timer.block();
    let t1 = monotonic_clock::now();
    check("pollable.block waits", t1 >= t0 + 30_000_000, (t0, t1));
    let later = monotonic_clock::subscribe_instant(t1 + 50_000_000);
    let soon = monotonic_clock::subscribe_duration(1_000_000);
    let ready = poll(&[&later, &soon]);
    check("poll", ready == [1], &ready);
    let past = monotonic_clock::subscribe_instant(0);
    check("subscribe-instant past", past.ready(), ());

    // ---- random ----
    let a = random::get_random_bytes(32);
    let b = random::get_random_bytes(32);
    check("random.get-random-bytes", a.len() == 32 && a != b, ());
    check("random.get-random-u64", random::get_random_u64() != random::get_random_u64(), ());
    check("insecure", insecure::get_insecure_random_bytes(5).len() == 5 && insecure::get_insecure_random_u64() != insecure::get_insecure_random_u64(), ());
    check("insecure-seed", insecure_seed::insecure_seed() == insecure_seed::insecure_seed(), ());

    // ---- filesystem ----
    let dirs = get_directories();
    check("preopens", dirs.len() == 1 && dirs[0].1 == "/data", dirs.iter().map(|d| d.1.clone()).collect::<Vec<_>>());
    let root = &dirs[0].0;
    check("get-type dir", root.get_type() == Ok(DescriptorType::Directory), root.get_type());
    check("get-flags dir", root.get_flags().map(|f| f.contains(DescriptorFlags::MUTATE_DIRECTORY)) == Ok(true), root.get_flags());
    let f = root.open_at(follow, "t.txt", OpenFlags::CREATE | OpenFlags::TRUNCATE, rw).unwrap();
    check("write", f.write(b"hello world", 0) == Ok(11), ());
    check("read", f.read(5, 6) == Ok((b"world".to_vec(), true)), f.read(5, 6));
    check("read past end", f.read(5, 100) == Ok((vec![], true)), ());
    let ws = f.write_via_stream(11).unwrap();
    ws.write(b"!").unwrap();
    ws.write_zeroes(2).unwrap();
    ws.blocking_write_zeroes_and_flush(1).unwrap();
    drop(ws);
    let ap = f.append_via_stream().unwrap();
    ap.blocking_write_and_flush(b"END").unwrap();
    drop(ap);
    let st = f.stat().unwrap();
    check("stat", st.type_ == DescriptorType::RegularFile && st.size == 18 && st.link_count == 1 && st.data_modification_timestamp.is_some(), (st.size, st.link_count));
    let rs = f.read_via_stream(0).unwrap();
    let all = rs.blocking_read(100).unwrap();
    check("read-via-stream", all == b"hello world!\0\0\0END", &all);
    check("read-via-stream closed", matches!(rs.read(1), Err(StreamError::Closed)), ());
    drop(rs);
    let rs = f.read_via_stream(6).unwrap();
    check("input skip", matches!(rs.skip(6), Ok(6)), ());
    check("input blocking-skip", matches!(rs.blocking_skip(100), Ok(6)), ());
    drop(rs);
    // splice file -> file
    let g = root.open_at(follow, "copy.txt", OpenFlags::CREATE, rw).unwrap();
    let src = f.read_via_stream(0).unwrap();
    let dst = g.write_via_stream(0).unwrap();
    check("splice", matches!(dst.splice(&src, 5), Ok(5)), ());
    check("blocking-splice", matches!(dst.blocking_splice(&src, 6), Ok(6)), ());
    drop((src, dst));
    check("spliced", g.read(100, 0) == Ok((b"hello world".to_vec(), true)), g.read(100, 0));
    check("set-size", f.set_size(5).is_ok() && f.stat().unwrap().size == 5, ());
    check("advise", f.advise(0, 5, Advice::Sequential).is_ok(), ());
    check("sync", f.sync().is_ok() && f.sync_data().is_ok(), ());
    let ts = wall_clock::Datetime { seconds: 1_000_000, nanoseconds: 5 };
    f.set_times(NewTimestamp::Timestamp(ts), NewTimestamp::NoChange).unwrap();
    let st = f.stat().unwrap();
    check("set-times", st.data_access_timestamp.map(|t| (t.seconds, t.nanoseconds)) == Some((1_000_000, 5)), st.data_access_timestamp.map(|t| t.seconds));
    root.set_times_at(follow, "t.txt", NewTimestamp::NoChange, NewTimestamp::Timestamp(ts)).unwrap();
    let st = root.stat_at(follow, "t.txt").unwrap();
    check("set-times-at / stat-at", st.data_modification_timestamp.map(|t| t.seconds) == Some(1_000_000), ());
    check("get-flags file", f.get_flags() == Ok(rw), f.get_flags());
    check("is-same-object", f.is_same_object(&f) && !f.is_same_object(&g), ());
    let f2 = root.open_at(follow, "t.txt", OpenFlags::empty(), DescriptorFlags::READ).unwrap();
    check("is-same-object reopened", f.is_same_object(&f2), ());
    check("metadata-hash", h(&f) == h(&f2) && h(&f) != h(&g), ());
    check("metadata-hash-at", root.metadata_hash_at(follow, "t.txt").map(|m| (m.lower, m.upper)).ok() == h(&f), ());
    // read-only descriptor
    check("write on read-only", f2.write(b"x", 0) == Err(ErrorCode::BadDescriptor), f2.write(b"x", 0));
    check("write-via-stream on read-only", f2.write_via_stream(0).err() == Some(ErrorCode::BadDescriptor), ());
    check("set-size on read-only", f2.set_size(1) == Err(ErrorCode::Invalid), f2.set_size(1));
    let sync = root.open_at(follow, "t.txt", OpenFlags::empty(), rw | DescriptorFlags::FILE_INTEGRITY_SYNC);
    check("open-at with a sync flag", sync.as_ref().err() == Some(&ErrorCode::Unsupported), sync.as_ref().err());
    // directories
    check("create-directory-at", root.create_directory_at("sub").is_ok(), ());
    check("create-directory-at exist", root.create_directory_at("sub") == Err(ErrorCode::Exist), ());
    let sub = root.open_at(follow, "sub", OpenFlags::DIRECTORY, DescriptorFlags::READ).unwrap();
    check("open-at dir", sub.get_type() == Ok(DescriptorType::Directory), ());
    check("open-at no-entry", root.open_at(follow, "missing", OpenFlags::empty(), DescriptorFlags::READ).err() == Some(ErrorCode::NoEntry), ());
    check("open-at exclusive", root.open_at(follow, "t.txt", OpenFlags::CREATE | OpenFlags::EXCLUSIVE, rw).err() == Some(ErrorCode::Exist), ());
    check("open-at directory flag on file", root.open_at(follow, "t.txt", OpenFlags::DIRECTORY, DescriptorFlags::READ).err() == Some(ErrorCode::NotDirectory), ());
    check("open-at escape", root.open_at(follow, "../x", OpenFlags::empty(), DescriptorFlags::READ).err() == Some(ErrorCode::NotPermitted), root.open_at(follow, "../x", OpenFlags::empty(), DescriptorFlags::READ).err());
    check("read on dir", root.read(1, 0).err() == Some(ErrorCode::IsDirectory), root.read(1, 0).err());
    check("symlink-at", root.symlink_at("t.txt", "ln").is_ok(), ());
    check("readlink-at", root.readlink_at("ln").as_deref() == Ok("t.txt"), ());
    check("readlink-at not link", root.readlink_at("t.txt") == Err(ErrorCode::Invalid), root.readlink_at("t.txt"));
    check("stat-at nofollow", root.stat_at(PathFlags::empty(), "ln").map(|s| s.type_) == Ok(DescriptorType::SymbolicLink), ());
    check("link-at follow", root.link_at(follow, "t.txt", &sub, "hard") == Err(ErrorCode::Invalid), ());
    check("link-at", root.link_at(PathFlags::empty(), "t.txt", &sub, "hard").is_ok() && f.stat().unwrap().link_count == 2, ());
    check("open-at .. of a sub-directory", sub.open_at(follow, "..", OpenFlags::empty(), DescriptorFlags::READ).err() == Some(ErrorCode::NotPermitted), ());
    check("read at offset > i64::MAX", f.read(1, u64::MAX).err() == Some(ErrorCode::Invalid), ());
    check("rename-at", root.rename_at("copy.txt", &sub, "moved").is_ok(), ());
    check("unlink-file-at", sub.unlink_file_at("hard").is_ok(), ());
    check("unlink-file-at dir", root.unlink_file_at("sub").is_err(), root.unlink_file_at("sub"));
    check("remove-directory-at not-empty", root.remove_directory_at("sub") == Err(ErrorCode::NotEmpty), ());
    let names: Vec<_> = {
        let s = root.read_directory().unwrap();
        std::iter::from_fn(|| s.read_directory_entry().unwrap()).map(|e| (e.name, e.type_)).collect()
    };
    check("read-directory", names == [("t.txt".to_string(), DescriptorType::RegularFile), ("sub".into(), DescriptorType::Directory), ("ln".into(), DescriptorType::SymbolicLink)], &names);
    check("read-directory on file", f.read_directory().err() == Some(ErrorCode::NotDirectory), ());
    sub.unlink_file_at("moved").unwrap();
    check("remove-directory-at", root.remove_directory_at("sub").is_ok(), ());
    // A stream on a file whose descriptor was written through another
    // handle still reads; an io error carries a filesystem error code.
    let big = root.open_at(follow, "big", OpenFlags::CREATE, rw).unwrap();
    let bs = big.write_via_stream(u64::MAX - 1).unwrap();
    match bs.write(b"xyz") {
        Err(StreamError::LastOperationFailed(e)) => {
            check("filesystem-error-code", filesystem_error_code(&e) == Some(ErrorCode::FileTooLarge), (filesystem_error_code(&e), e.to_debug_string()));
            check("error.to-debug-string", !e.to_debug_string().is_empty(), ());
        }
        other => check("filesystem-error-code", false, format!("{other:?}")),
    }

    // ---- sockets ----
    let net = instance_network::instance_network();
    check("create-tcp-socket", tcp_create_socket::create_tcp_socket(network::IpAddressFamily::Ipv4).err() == Some(network::ErrorCode::NotSupported), ());
    check("create-udp-socket", udp_create_socket::create_udp_socket(network::IpAddressFamily::Ipv6).err() == Some(network::ErrorCode::NotSupported), ());
    check("resolve-addresses", ip_name_lookup::resolve_addresses(&net, "example.com").err() == Some(network::ErrorCode::PermanentResolverFailure), ());
    check("resolve-addresses invalid", ip_name_lookup::resolve_addresses(&net, "").err() == Some(network::ErrorCode::InvalidArgument), ());
    println!("done");
}
