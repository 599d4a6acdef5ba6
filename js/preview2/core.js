// The Rust core's Preview2Core, once js/core.js has loaded the core.
import "../core.js";
export { Preview2Core } from "../../pkg/wasi_web.js";
