//! The wasm-bindgen layer in a browser: `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

mod common;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn memfs_api_and_errors() {
    common::memfs_api_and_errors();
}
#[wasm_bindgen_test]
fn stdout_reaches_the_js_sink() {
    common::stdout_reaches_the_js_sink();
}
#[wasm_bindgen_test]
fn stdin_and_args() {
    common::stdin_and_args();
}
#[wasm_bindgen_test]
fn files_are_shared_with_memfs() {
    common::files_are_shared_with_memfs();
}
#[wasm_bindgen_test]
fn bounds_follow_memory_growth() {
    common::bounds_follow_memory_growth();
}
#[wasm_bindgen_test]
fn clocks_and_exit() {
    common::clocks_and_exit();
}
#[wasm_bindgen_test]
fn options_are_checked() {
    common::options_are_checked();
}
