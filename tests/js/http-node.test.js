// wasi:http 0.2 over Node's fetch(): a Rust wasm32-wasip2 component
// (tests/httpguests/src/bin/fetch.rs) against a local server on 127.0.0.1.
// Waiting for a response needs async mode (JSPI): scripts/test.sh runs this
// file under Node 20 (the sync host's answer) and Node 24 (everything else).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { runComponent } from "../../js/preview2/run.js";
import { runP3Component } from "../../js/preview3/run.js";
import { closedPort, fnv, generated, startHttpServer } from "./helpers/http-server.js";
import { REPO, requireFile, requirePackage } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const FETCH = path.join(REPO, "tests/httpguests/out/fetch.wasm");
const FETCH3 = path.join(REPO, "tests/httpguests/out/fetch3.wasm");

let server;
let bytes;

before(async () => {
  requirePackage("@bytecodealliance/jco");
  bytes = fs.readFileSync(requireFile(FETCH, "run bash tests/httpguests/build.sh (scripts/build.sh runs it)"));
  server = await startHttpServer();
});

after(() => server?.close());

/** `wasi-web FETCH ARGS...` through the CLI. */
function cli(args, input = "") {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), FETCH, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(input);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the fetch guest with `args`; async mode unless told. */
const fetchGuest = (args, options = {}) => runComponent(bytes, { async: HAS_JSPI, args: ["fetch", ...args], ...options });

test("fields: names, values, forbidden names, immutability, request setters", async () => {
  const { exitCode, stdout } = await fetchGuest(["fields"]);
  assert.equal(exitCode, 0);
  const lines = stdout.split("\n");
  assert.deepEqual(lines.slice(0, -2), [
    "append ok: Ok(())",
    "append second: Ok(())",
    'get: ["one", "two"]',
    "has: true false",
    "bad name: Err(HeaderError::InvalidSyntax)",
    "empty name: Err(HeaderError::InvalidSyntax)",
    "bad value: Err(HeaderError::InvalidSyntax)",
    "nul value: Err(HeaderError::InvalidSyntax)",
    "forbidden: Err(HeaderError::Forbidden)",
    "set: Ok(())",
    "delete bad: Err(HeaderError::InvalidSyntax)",
    'entries: ["x-thing=three"]',
    "from_list bad: Err(HeaderError::InvalidSyntax)",
    "from_list forbidden: Err(HeaderError::Forbidden)",
    "clone mutable: Ok(())",
    "request headers immutable: Err(HeaderError::Immutable)",
    "request method: Method::Get",
    "bad method: Err(())",
    "bad authority: Err(())",
    "bad path: Err(())",
    "relative path: Ok(())",
    "bad scheme: Err(())",
    "timeout set: Ok(())",
    "timeout get: Some(5000000)",
  ]);
  // handle() refuses a request without an authority before anything is
  // sent; a sync host refuses every request (no fetch can settle there).
  if (HAS_JSPI) assert.equal(lines.at(-2), "no authority: ErrorCode::HttpRequestUriInvalid");
  else assert.match(lines.at(-2), /^no authority: ErrorCode::InternalError\(Some\(".*async mode/);
});

describe(`wasi:http client in Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("a synchronous host refuses requests with a clear error-code", async () => {
      const { exitCode, stdout } = await fetchGuest(["GET", `${server.url}/hello`], { async: false });
      assert.equal(exitCode, 1);
      assert.match(stdout, /^handle-error ErrorCode::InternalError\(Some\("wasi-web: wasi:http requests need async mode \(JSPI\)/);
      // The CLI too: without JSPI it runs components on a synchronous host.
      const r = await cli(["GET", `${server.url}/hello`]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^handle-error ErrorCode::InternalError\(Some\("wasi-web: wasi:http requests need async mode/);
      assert.equal(server.requests.length, 0, "nothing was sent");
    });
    return;
  }

  test("the CLI runs a component that imports wasi:http on an async host", async () => {
    let r = await cli(["GET", `${server.url}/hello`]);
    assert.deepEqual(r, {
      code: 0,
      stdout: "status 200\nheader x-test: yes\nbody-len 11\nbody-fnv 779a65e7023cd2e7\nbody: hello world\ntrailers none\n",
      stderr: "",
    });
    r = await cli(["--stdin", "POST", `${server.url}/echo`], "stdin through the CLI\n");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /body: stdin through the CLI\n\ntrailers none\n$/);
  });

  test("a synchronous host refuses requests with a clear error-code", async () => {
    const { exitCode, stdout } = await fetchGuest(["GET", `${server.url}/hello`], { async: false });
    assert.equal(exitCode, 1);
    assert.match(stdout, /^handle-error ErrorCode::InternalError\(Some\("wasi-web: wasi:http requests need async mode \(JSPI\)/);
  });

  test("GET: status, headers, body; no trailers (fetch exposes none)", async () => {
    const { exitCode, stdout } = await fetchGuest(["GET", `${server.url}/hello`]);
    assert.equal(exitCode, 0, stdout);
    assert.equal(stdout, "status 200\nheader x-test: yes\nbody-len 11\nbody-fnv 779a65e7023cd2e7\nbody: hello world\ntrailers none\n");
  });

  test("status codes come through; redirects are not followed", async () => {
    for (const code of [201, 404, 500, 503]) {
      const { exitCode, stdout } = await fetchGuest(["GET", `${server.url}/status/${code}`]);
      assert.equal(exitCode, 0);
      assert.match(stdout, new RegExp(`^status ${code}\n[^]*body: status ${code}\n`));
    }
    const { stdout } = await fetchGuest(["GET", `${server.url}/redirect`]);
    assert.match(stdout, /^status 302\n/);
  });

  test("request headers reach the server; response trailers are not visible", async () => {
    const { stdout } = await fetchGuest(["--h", "x-custom=hello there", "--h", "content-type=text/plain", "POST", `${server.url}/echo`]);
    assert.match(stdout, /header x-seen-custom: hello there\n/);
    const trailers = await fetchGuest(["GET", `${server.url}/trailers`]);
    assert.match(trailers.stdout, /body: body\ntrailers none\n$/);
  });

  test("POST streams a 1 MiB request body out and the response body back, in pieces", async () => {
    const n = 1 << 20;
    const { exitCode, stdout } = await fetchGuest(["--gen", String(n), "POST", `${server.url}/echo`]);
    assert.equal(exitCode, 0, stdout);
    assert.match(stdout, /^status 200\nheader x-method: POST\n/);
    // Streamed, not buffered: the server got it chunked, without a length.
    assert.match(stdout, /header x-req-chunked: 1\nheader x-req-length: none\n/);
    assert.match(stdout, new RegExp(`body-len ${n}\nbody-fnv ${fnv(generated(n))}\n`));
  });

  test("a request body from stdin, and one written before handle()", async () => {
    const fromStdin = await fetchGuest(["--stdin", "PUT", `${server.url}/echo`], { stdin: "from stdin\n" });
    assert.match(fromStdin.stdout, /header x-method: PUT\n[^]*body: from stdin\n\ntrailers none\n$/);
    const first = await fetchGuest(["--gen", "5000", "--body-first", "POST", `${server.url}/echo`]);
    // Finished before the request was sent: one piece with its length.
    assert.match(first.stdout, /header x-req-chunked: 0\nheader x-req-length: 5000\n/);
    assert.match(first.stdout, new RegExp(`body-len 5000\nbody-fnv ${fnv(generated(5000))}\n`));
  });

  test("a content-length that the body does not match fails finish", async () => {
    const { exitCode, stdout } = await fetchGuest(["--h", "content-length=10", "--gen", "4", "--body-first", "POST", `${server.url}/echo`]);
    assert.equal(exitCode, 1);
    assert.equal(stdout, "finish-error ErrorCode::HttpRequestBodySize(Some(4))\n");
  });

  test("request trailers: fetch cannot send them, finish says so", async () => {
    const { exitCode, stdout } = await fetchGuest(["--trailer", "x-t=1", "--gen", "3", "POST", `${server.url}/echo`]);
    assert.equal(exitCode, 1);
    assert.match(stdout, /^finish-error ErrorCode::InternalError\(Some\("wasi-web: fetch\(\) cannot send request trailers"\)\)\n$/);
  });

  test("a dropped (unfinished) request body fails the request", async () => {
    const { exitCode, stdout } = await fetchGuest(["--drop-body", "--gen", "3", "POST", `${server.url}/echo`]);
    assert.equal(exitCode, 1);
    assert.match(stdout, /^response-error ErrorCode::InternalError\(Some\("the outgoing-body was dropped without finish"\)\)\n$/);
  });

  test("errors: refused connection, blocked port, bad scheme, GET with a body", async () => {
    const port = await closedPort();
    let r = await fetchGuest(["GET", `http://127.0.0.1:${port}/`]);
    assert.deepEqual([r.exitCode, r.stdout], [1, "response-error ErrorCode::ConnectionRefused\n"]);
    r = await fetchGuest(["GET", "http://127.0.0.1:1/"]);
    assert.equal(r.stdout, "response-error ErrorCode::HttpRequestDenied\n");
    r = await fetchGuest(["GET", `ftp://127.0.0.1:${server.port}/`]);
    assert.equal(r.stdout, "handle-error ErrorCode::HttpProtocolError\n");
    r = await fetchGuest(["GET", "http://a b/"]);
    assert.equal(r.stdout, "authority-error ()\n");
    r = await fetchGuest(["--gen", "3", "GET", `${server.url}/echo`]);
    assert.equal(r.stdout, "response-error ErrorCode::HttpRequestMethodInvalid\n");
  });

  test("timeouts: connect and first byte on a server that never answers, between bytes on one that stalls", async () => {
    let r = await fetchGuest(["--first-byte-ms", "100", "GET", `${server.url}/hang`]);
    assert.deepEqual([r.exitCode, r.stdout], [1, "response-error ErrorCode::ConnectionReadTimeout\n"]);
    r = await fetchGuest(["--connect-ms", "100", "GET", `${server.url}/hang`]);
    assert.equal(r.stdout, "response-error ErrorCode::ConnectionTimeout\n");
    // The first chunk arrives (read before the end: the body is streamed), then nothing.
    r = await fetchGuest(["--between-bytes-ms", "100", "GET", `${server.url}/stall`]);
    assert.deepEqual([r.exitCode, r.stdout], [1, 'status 200\nbody-len 5\nbody-error "ErrorCode::ConnectionReadTimeout"\n']);
  });

  test("WASI 0.3: client.send with bodies as streams both ways; errors as error-codes", async () => {
    const bytes3 = fs.readFileSync(requireFile(FETCH3, "run bash tests/httpguests/build.sh (scripts/build.sh runs it)"));
    const fetch3 = (args) => runP3Component(bytes3, { args: ["fetch3", ...args] });
    let r = await fetch3(["GET", `${server.url}/hello`]);
    assert.deepEqual(r, {
      exitCode: 0,
      stdout: "status 200\nheader x-test: yes\nbody-len 11\nbody: hello world\ntrailers none\n",
      stderr: "",
    });
    r = await fetch3(["POST", `${server.url}/echo`, "a body written in two pieces"]);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    // Streamed to the server (chunked), and back.
    assert.match(r.stdout, /header x-req-chunked: 1\n[^]*body-len 28\nbody: a body written in two pieces\ntrailers none\n$/);
    const port = await closedPort();
    r = await fetch3(["GET", `http://127.0.0.1:${port}/`]);
    assert.deepEqual([r.exitCode, r.stdout], [1, "response-error ErrorCode::ConnectionRefused\n"]);
    r = await fetch3(["GET", `ftp://127.0.0.1:${server.port}/`]);
    assert.deepEqual([r.exitCode, r.stdout], [1, "response-error ErrorCode::HttpProtocolError\n"]);
  });

  test("a connection cut in the middle of the body is an error on the body stream", async () => {
    const r = await fetchGuest(["GET", `${server.url}/reset`]);
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /^status 200\nbody-len 7\nbody-error "ErrorCode::(HttpResponseIncomplete|ConnectionTerminated)"\n$/);
  });
});
