//! Exports the core's shadow-stack pointer (`__stack_pointer`) to JS. The
//! core is `panic = "abort"`: a trap inside it (a panic) unwinds straight to
//! JS and leaves the stack pointer where the trapped frames had moved it.
//! `js/recovery.js` puts it back once no call into the core is in progress;
//! without that, each trap would leak its frames until the 1 MiB stack is
//! gone (issue 11).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--export=__stack_pointer");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
