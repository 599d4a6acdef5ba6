//! Hello plus a file round trip through std (wasi-libc on WASI 0.2).
use std::io::Read;

fn main() {
    println!("hello from a component");
    eprintln!("to stderr");
    let args: Vec<String> = std::env::args().collect();
    println!("args: {args:?}");
    println!("HOME={:?}", std::env::var("HOME").ok());
    std::fs::write("/data/from-p2.txt", b"written by p2\n").unwrap();
    let mut s = String::new();
    let path = args.get(1).map_or("/data/from-host.txt", String::as_str);
    std::fs::File::open(path)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    print!("read: {s}");
    for e in std::fs::read_dir("/data").unwrap() {
        println!("entry: {}", e.unwrap().file_name().to_string_lossy());
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    println!("stdin: {}", line.trim_end());
    std::process::exit(3);
}
