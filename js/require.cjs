// `require("wasi-web")` in Node: the package is ESM without top-level await,
// which Node >= 20.19 / 22.12 can require(); an older Node gets an error that
// says what to do instead of ERR_REQUIRE_ESM's.
"use strict";
try {
  module.exports = require("./index.js");
} catch (error) {
  if (error && (error.code === "ERR_REQUIRE_ESM" || error.code === "ERR_REQUIRE_ASYNC_MODULE")) {
    throw new Error(
      `wasi-web is an ES module, and this Node (${process.version}) cannot require() it: ` +
        'use `const { run } = await import("wasi-web")`, or Node >= 20.19 / 22.12',
      { cause: error },
    );
  }
  throw error;
}
