// `wasi-web serve`: a Rust wasi:http/incoming-handler component
// (tests/httpguests/src/bin/handler.rs) served on 127.0.0.1 by the CLI.
// It needs JSPI: scripts/test.sh runs this file under Node 20 (refused with a
// clear error) and Node 24 (served).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { runComponent } from "../../js/preview2/run.js";
import { p2Guest, REPO, requireFile, requirePackage } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const CLI = path.join(REPO, "js/cli.js");
const HANDLER = path.join(REPO, "tests/httpguests/out/handler.wasm");
const FETCH = path.join(REPO, "tests/httpguests/out/fetch.wasm");
const HANDLER3 = path.join(REPO, "tests/httpguests/out/handler3.wasm");
const HOW = "run bash tests/httpguests/build.sh (scripts/build.sh runs it)";

/** Runs the CLI to its end. */
function cli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** One request; resolves to status, headers, body text and trailers. */
function request(url, { method = "GET", headers = {}, body = [] } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("latin1");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text, trailers: res.trailers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    for (const piece of body) req.write(piece);
    req.end();
  });
}

test("serve: usage errors and a component that is not a handler", async () => {
  requireFile(HANDLER, HOW);
  let r = await cli(["serve"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /serve needs a component/);
  r = await cli(["serve", "--addr", "nohost", HANDLER]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad --addr "nohost"/);
  r = await cli(["serve", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: wasi-web serve/);
  r = await cli(["serve", "--addr", "127.0.0.1:0", p2Guest("hello")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, HAS_JSPI ? /does not export wasi:http\/incoming-handler/ : /needs JSPI/);
});

describe(`wasi-web serve in Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("without JSPI it is refused with a clear error", async () => {
      const r = await cli(["serve", "--addr", "127.0.0.1:0", requireFile(HANDLER, HOW)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^wasi-web: serving a wasi:http component needs JSPI \(WebAssembly\.Suspending\): Node 24 or later\n$/);
    });
    return;
  }

  let child;
  let url;
  let stderr = "";
  let exited;

  before(async () => {
    requirePackage("@bytecodealliance/jco");
    child = spawn(process.execPath, [CLI, "serve", "--addr", "127.0.0.1:0", "--env", "GREETING=hi", requireFile(HANDLER, HOW)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    url = await new Promise((resolve, reject) => {
      child.stderr.on("data", (d) => {
        stderr += d;
        const m = /Serving HTTP on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
        if (m) resolve(m[1]);
      });
      exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
    });
  });

  after(() => child?.kill("SIGKILL"));

  test("GET: the handler's status, headers and body", async () => {
    const r = await request(`${url}/hello`);
    assert.equal(r.status, 200);
    assert.equal(r.headers["x-handler"], "rust");
    assert.equal(r.body, "hello from wasm\n");
    const info = await request(`${url}/info`, { headers: { "x-a": "1" } });
    assert.equal(info.body, `GET /info http ${url.slice(7)}\nx-a: 1\n`);
    assert.equal((await request(`${url}/status/418`)).status, 418);
    assert.equal((await request(`${url}/missing`)).status, 404);
  });

  test("POST /echo: the request body streamed in and back, headers, and response trailers", async () => {
    const pieces = Array.from({ length: 50 }, (_, i) => `piece ${i};`.repeat(500));
    const r = await request(`${url}/echo`, { method: "POST", headers: { "x-foo": "bar" }, body: pieces });
    assert.equal(r.status, 201);
    assert.equal(r.headers["x-echo-foo"], "bar");
    assert.equal(r.body, pieces.join(""));
    assert.deepEqual(r.trailers, { "x-trailer": "done" });
  });

  test("concurrent requests each get their own instance", async () => {
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => request(`${url}/echo`, { method: "PUT", body: [`request ${i}`] })));
    assert.deepEqual(
      all.map((r) => r.body),
      Array.from({ length: 8 }, (_, i) => `request ${i}`),
    );
  });

  test("a trap or a missing response is a 500, and the server keeps serving", async () => {
    const trap = await request(`${url}/panic`);
    assert.equal(trap.status, 500);
    assert.match(stderr, /the handler panicked on purpose/);
    assert.match(stderr, /the handler failed on GET \/panic/);
    const none = await request(`${url}/none`);
    assert.equal(none.status, 500);
    assert.match(none.body, /dropped the response-outparam without setting it/);
    assert.equal((await request(`${url}/hello`)).status, 200);
  });

  test("a wasi:http client component talks to the served one", async () => {
    const fetchGuest = fs.readFileSync(requireFile(FETCH, HOW));
    const r = await runComponent(fetchGuest, { async: true, args: ["fetch", "--gen", "3000", "--h", "x-n=7", "POST", `${url}/echo`] });
    assert.equal(r.exitCode, 0, r.stdout);
    assert.match(r.stdout, /^status 201\nheader x-echo-n: 7\nbody-len 3000\n/);
  });

  test("SIGTERM stops the server with exit code 0", async () => {
    child.kill("SIGTERM");
    assert.deepEqual(await exited, { code: 0, signal: null });
  });

  test("a WASI 0.3 wasi:http/handler: status, headers, the body streamed back, trailers", async () => {
    const child3 = spawn(process.execPath, [CLI, "serve", "--addr", "127.0.0.1:0", requireFile(HANDLER3, HOW)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let text = "";
      const url3 = await new Promise((resolve, reject) => {
        child3.stderr.on("data", (d) => {
          text += d;
          const m = /Serving HTTP on (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
          if (m) resolve(m[1]);
        });
        child3.on("close", () => reject(new Error(`serve exited: ${text}`)));
      });
      const hello = await request(`${url3}/hello`);
      assert.deepEqual([hello.status, hello.headers["x-handler"], hello.body], [200, "rust-p3", "hello from wasi 0.3\n"]);
      const pieces = Array.from({ length: 20 }, (_, i) => `part ${i};`.repeat(300));
      const echo = await request(`${url3}/echo`, { method: "POST", body: pieces });
      assert.equal(echo.status, 201);
      assert.equal(echo.body, pieces.join(""));
      assert.deepEqual(echo.trailers, { "x-trailer": "done" });
      assert.equal((await request(`${url3}/nope`)).status, 404);
    } finally {
      child3.kill("SIGKILL");
    }
  });
});
