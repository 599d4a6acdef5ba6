// wasi-web/preview3: the WASI 0.3 host (WASIp3), running 0.3 components,
// and the stream helpers other host code (wasi:http) builds on.
export { NEEDS_JSPI, WASIp3 } from "./wasip3.js";
export { runP3Component, transpileP3 } from "./run.js";
export { byteStream, CHUNK_BYTES, chunksOf, err, ok, pulledStream, readableOf, toChunk } from "./streams.js";
export { componentWasiVersion } from "../module.js";
