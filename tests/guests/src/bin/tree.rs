//! Example: prints a directory tree, entries sorted by name, symlinks as
//! "name -> target", then a summary. The argument is the root path
//! (default: the first preopened directory).
use std::fs;
use std::path::Path;

fn walk(dir: &Path, prefix: &str, dirs: &mut usize, files: &mut usize) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).collect(),
        Err(e) => {
            println!("{prefix}[error: {e}]");
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    let last = entries.len().saturating_sub(1);
    for (i, e) in entries.iter().enumerate() {
        let (branch, more) = if i == last { ("└── ", "    ") } else { ("├── ", "│   ") };
        let name = e.file_name().to_string_lossy().into_owned();
        let ft = match e.file_type() {
            Ok(t) => t,
            Err(_) => continue,
        };
        if ft.is_symlink() {
            let target = fs::read_link(e.path()).map(|t| t.display().to_string()).unwrap_or_default();
            println!("{prefix}{branch}{name} -> {target}");
            *files += 1;
        } else if ft.is_dir() {
            println!("{prefix}{branch}{name}");
            *dirs += 1;
            walk(&e.path(), &format!("{prefix}{more}"), dirs, files);
        } else {
            println!("{prefix}{branch}{name}");
            *files += 1;
        }
    }
}

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| {
        guest::preopens().first().map(|p| p.1.clone()).unwrap_or_else(|| ".".into())
    });
    println!("{root}");
    let (mut dirs, mut files) = (0, 0);
    walk(Path::new(&root), "", &mut dirs, &mut files);
    println!();
    println!(
        "{dirs} director{}, {files} file{}",
        if dirs == 1 { "y" } else { "ies" },
        if files == 1 { "" } else { "s" }
    );
}
