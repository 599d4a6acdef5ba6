// wasi:http, an attacker's view and the gaps the official suite showed:
// `wasi-web serve` bounds request bodies (a cap: 413 or a failed read; a
// stalled body: a read timeout), fetched response headers are bounded before
// the guest sees them, an HTTP body stream spliced into a core output-stream,
// consume-body of a request/response a WASI 0.3 component made itself,
// trailers both ways for WASI 0.3 in Node (node:http), send-informational (traps, as in wasmtime), and the request setters'
// rules. Guests: tests/httpguests (handler, handler3, fetch, fetch3).
// Serving needs JSPI: scripts/test.sh runs this file under Node 20 (refused
// clearly) and Node 24.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Fields } from "../../js/http/fields.js";
import { incomingHandler } from "../../js/http/server.js";
import {
  httpImports,
  MAX_RESPONSE_FIELD_BYTES,
  MAX_RESPONSE_FIELDS,
  RequestHead,
  requestUrl,
  responseEntries,
  validStatus,
} from "../../js/http/types.js";
import { parseServeArgs } from "../../js/node/cli-args.js";
import { runComponent } from "../../js/preview2/run.js";
import { runP3Component } from "../../js/preview3/run.js";
import { REPO, requireFile, requirePackage } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const HOW = "run bash tests/httpguests/build.sh (scripts/build.sh runs it)";
const guest = (name) => path.join(REPO, `tests/httpguests/out/${name}.wasm`);
const CLI = path.join(REPO, "js/cli.js");

/** Serves `handle` on 127.0.0.1; resolves to its URL and a close(). */
async function listen(handle) {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(599).end(String(e));
      else res.destroy();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

/**
 * One request with node:http: `body` pieces are written in order (chunked
 * unless a content-length header is given); `end: false` leaves the body
 * open. Resolves once the response is complete.
 */
function request(url, { method = "POST", headers = {}, body = [], end = true } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("latin1");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        resolve({ status: res.statusCode, headers: res.headers, body: text });
        req.destroy();
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    for (const piece of body) req.write(piece);
    if (end) req.end();
  });
}

test("the request setters: wasmtime's rules, other(...) spellings of known methods and schemes normalized", () => {
  const h = new RequestHead();
  h.setMethod({ tag: "other", val: "GET" });
  assert.deepEqual(h.method(), { tag: "get" });
  h.setMethod({ tag: "other", val: "get" });
  assert.deepEqual(h.method(), { tag: "other", val: "get" }, "methods are case-sensitive");
  assert.throws(() => h.setMethod({ tag: "other", val: "" }));
  assert.throws(() => h.setMethod({ tag: "other", val: "a b" }));
  h.setScheme({ tag: "other", val: "https" });
  assert.deepEqual(h.scheme(), { tag: "HTTPS" });
  assert.throws(() => h.setScheme({ tag: "other", val: "1x" }));
  for (const ok of ["/", "/a/../b", "/?q", "a/b", "?q", "/pct%2F?x=a%20b", "*"]) {
    h.setPathWithQuery(ok);
    assert.equal(h.pathWithQuery(), ok);
  }
  h.setPathWithQuery("");
  assert.equal(h.pathWithQuery(), "/", "an empty path is /");
  for (const bad of ["/a b", "/#frag", "/<x>", "/`", "/é", "/\x7f", "/\n"]) assert.throws(() => h.setPathWithQuery(bad), bad);
  for (const ok of ["example.com", "1.2.3.4:80", "user@localhost:80", "user:pass%20@localhost:80", "[::1]:8080"]) {
    h.setAuthority(ok);
    assert.equal(h.authority(), ok);
  }
  for (const bad of ["", "::", ":@", "@@", "@:", " ", "#", "localhost:what", "a b"]) assert.throws(() => h.setAuthority(bad), bad);
  // What cannot be sent is refused at send time.
  assert.deepEqual(requestUrl({ scheme: { tag: "HTTP" }, authority: "user@host", path: "/" }), {
    error: { tag: "HTTP-request-URI-invalid" },
  });
  assert.deepEqual(requestUrl({ scheme: { tag: "HTTP" }, authority: "host", path: "a/b" }), { error: { tag: "HTTP-request-URI-invalid" } });
  assert.equal(/** @type {any} */ (requestUrl({ scheme: undefined, authority: "host:1", path: undefined })).url.href, "https://host:1/");
  assert.deepEqual(
    [99, 100, 599, 600, 65535].map((c) => validStatus(c)),
    [false, true, true, false, false],
  );
});

test("fields: a name already present keeps the casing of its first entry", () => {
  const f = new Fields();
  f.append("foo", Uint8Array.of(0x31));
  f.append("FOO", Uint8Array.of(0x32));
  f.append("Bar", Uint8Array.of(0x33));
  assert.deepEqual(
    f.entries().map(([k]) => k),
    ["foo", "foo", "Bar"],
  );
  assert.deepEqual(
    Fields.fromList([
      ["X-A", Uint8Array.of(0x31)],
      ["x-a", Uint8Array.of(0x32)],
    ])
      .entries()
      .map(([k]) => k),
    ["X-A", "X-A"],
  );
});

test("fetched response headers are checked against the limits before they are copied", () => {
  const many = new Headers();
  for (let i = 0; i <= MAX_RESPONSE_FIELDS; i++) many.append(`x-h${i}`, "1");
  assert.throws(
    () => responseEntries(many),
    (e) => e.tag === "HTTP-response-header-section-size" && e.val > 0,
  );
  const big = new Headers({ "x-big": "v".repeat(MAX_RESPONSE_FIELD_BYTES) });
  assert.throws(
    () => responseEntries(big),
    (e) => e.tag === "HTTP-response-header-section-size",
  );
  const fine = new Headers([
    ["x-a", "1"],
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
  ]);
  assert.deepEqual(
    responseEntries(fine).map(([k, v]) => [k, new TextDecoder().decode(v)]),
    [
      ["x-a", "1"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ],
  );
});

test("send-informational traps, as in wasmtime", () => {
  const http2 = httpImports(() => /** @type {any} */ ({}));
  const outparam = http2.make.responseOutparam(() => {});
  assert.throws(
    () => outparam.sendInformational(103, new Fields()),
    (e) => e instanceof WebAssembly.RuntimeError && /not implemented/.test(e.message),
  );
});

test("serve: --max-body-size and --body-timeout", () => {
  const o = parseServeArgs(["--max-body-size", "10", "--body-timeout=0.5", "h.wasm"]);
  assert.deepEqual([o.maxBodySize, o.bodyTimeoutMs], [10, 500]);
  assert.throws(() => parseServeArgs(["--max-body-size", "0", "h.wasm"]), /bad --max-body-size "0"/);
  assert.throws(() => parseServeArgs(["--max-body-size", "1e9", "h.wasm"]), /bad --max-body-size/);
  assert.throws(() => parseServeArgs(["--body-timeout", "-1", "h.wasm"]), /bad --body-timeout/);
});

describe(`wasi:http hardening in Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("without JSPI serving is refused with a clear error", async () => {
      await assert.rejects(incomingHandler(fs.readFileSync(requireFile(guest("handler"), HOW))), /needs JSPI/);
    });
    return;
  }

  let p2;
  let p3;
  let stdout = "";
  const limits = { maxBodySize: 1000, bodyTimeoutMs: 300 };

  before(async () => {
    requirePackage("@bytecodealliance/jco");
    const handler = await incomingHandler(fs.readFileSync(requireFile(guest("handler"), HOW)), {
      ...limits,
      stdout: (c) => void (stdout += new TextDecoder().decode(c)),
    });
    p2 = await listen(handler);
    p3 = await listen(await incomingHandler(fs.readFileSync(requireFile(guest("handler3"), HOW)), limits));
  });
  after(async () => {
    await p2?.close();
    await p3?.close();
  });

  test("an HTTP body stream spliced into a core output-stream (stdout)", async () => {
    stdout = "";
    const pieces = Array.from({ length: 9 }, (_, i) => `${i}`.repeat(100));
    const r = await request(`${p2.url}/splice`, { body: pieces });
    assert.deepEqual([r.status, r.body], [200, "spliced 900"]);
    assert.equal(stdout, pieces.join(""));
  });

  test("a declared body over the cap is a 413 and the connection closes; the handler does not run", async () => {
    stdout = "";
    for (const url of [p2.url, p3.url]) {
      const r = await request(`${url}/splice`, { headers: { "content-length": "1001" }, body: ["x".repeat(1001)] });
      assert.equal(r.status, 413);
      assert.equal(r.headers.connection, "close");
      assert.match(r.body, /1001 bytes is over the limit of 1000/);
    }
    assert.equal(stdout, "", "the handler never ran");
  });

  test("a chunked body over the cap fails the guest's read with HTTP-request-body-size, then the connection closes", async () => {
    stdout = "";
    const r = await request(`${p2.url}/splice`, { body: ["a".repeat(600), "b".repeat(600)] });
    assert.equal(r.status, 500);
    assert.match(r.body, /^body error: Some\(ErrorCode::HttpRequestBodySize\(Some\(1200\)\)\)$/);
    assert.equal(r.headers.connection, "close");
    assert.equal(stdout, "a".repeat(600), "only what was under the cap reached the guest");
  });

  test("a stalled body fails the guest's read with connection-read-timeout", async () => {
    const r = await request(`${p2.url}/splice`, { body: ["abc"], end: false });
    assert.equal(r.status, 500);
    assert.equal(r.body, "body error: Some(ErrorCode::ConnectionReadTimeout)");
    assert.equal(r.headers.connection, "close");
  });

  test("the CLI takes --max-body-size", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "serve", "--addr", "127.0.0.1:0", "--max-body-size", "10", requireFile(guest("handler"), HOW)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      let text = "";
      const url = await new Promise((resolve, reject) => {
        child.stderr.on("data", (d) => {
          text += d;
          const m = /Serving HTTP on (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
          if (m) resolve(m[1]);
        });
        child.on("close", () => reject(new Error(`serve exited: ${text}`)));
      });
      assert.equal((await request(`${url}/splice`, { headers: { "content-length": "11" }, body: ["x".repeat(11)] })).status, 413);
      assert.deepEqual((await request(`${url}/splice`, { body: ["x".repeat(10)] })).body, "spliced 10");
      // Every header reaches the guest (Node alone would drop those past 2000).
      const info = await request(`${url}/info`, { method: "GET", headers: { "x-n": Array.from({ length: 2100 }, (_, i) => String(i)) } });
      assert.equal(info.body.split("\n").filter((l) => l.startsWith("x-n: ")).length, 2100);
      assert.match(info.body, /\nx-n: 2099\n$/);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("WASI 0.3: consume-body of a request and a response the component made itself", async () => {
    const r = await request(`${p3.url}/own-body`, { method: "GET" });
    assert.equal(r.status, 200);
    assert.equal(r.body, "request: req-body trailer request sent Ok(()); response: resp-body trailer response");
  });

  test("WASI 0.3 in Node (node:http): request trailers go out, response trailers come back", async () => {
    const server = await listen(async (req, res) => {
      let body = "";
      for await (const c of req) body += c;
      res.writeHead(200, {
        "x-body": body,
        "x-chunked": String(req.headers["transfer-encoding"] === "chunked"),
        "x-got-trailer": req.trailers["x-sum"] ?? "none",
        trailer: "x-back",
      });
      res.write("ok");
      res.addTrailers({ "x-back": `${req.trailers["x-sum"]}!` });
      res.end();
    });
    try {
      const bytes3 = fs.readFileSync(requireFile(guest("fetch3"), HOW));
      const r = await runP3Component(bytes3, { args: ["fetch3", "POST", `${server.url}/`, "payload", "x-sum=abc"] });
      assert.deepEqual(r, {
        exitCode: 0,
        stdout:
          "status 200\nheader x-body: payload\nheader x-chunked: true\nheader x-got-trailer: abc\nbody-len 2\nbody: ok\ntrailer x-back: abc!\n",
        stderr: "",
      });
    } finally {
      await server.close();
    }
  });

  test("a fetched response with too many header (or trailer) fields is an error-code, 0.2 and 0.3", async () => {
    const server = await listen(async (req, res) => {
      if (req.url === "/big") res.setHeader("x-big", "v".repeat(20000));
      else if (req.url === "/trailers") {
        res.write("body");
        res.addTrailers(Array.from({ length: MAX_RESPONSE_FIELDS + 1 }, (_, i) => [`x-t${i}`, "1"]));
      } else for (let i = 0; i <= MAX_RESPONSE_FIELDS; i++) res.setHeader(`x-h${i}`, "1");
      res.end("body".slice(req.url === "/trailers" ? 4 : 0));
    });
    try {
      const r2 = await runComponent(fs.readFileSync(requireFile(guest("fetch"), HOW)), {
        async: true,
        args: ["fetch", "GET", `${server.url}/`],
      });
      assert.equal(r2.exitCode, 1);
      assert.match(r2.stdout, /-error ErrorCode::HttpResponseHeaderSectionSize\(Some\(\d+\)\)/);
      const r3 = await runP3Component(fs.readFileSync(requireFile(guest("fetch3"), HOW)), { args: ["fetch3", "GET", `${server.url}/`] });
      assert.equal(r3.exitCode, 1);
      assert.match(r3.stdout, /-error ErrorCode::HttpResponseHeaderSectionSize\(Some\(\d+\)\)/);
      // Too many trailers: the trailers future fails (the body was read).
      const trailers = await runP3Component(fs.readFileSync(requireFile(guest("fetch3"), HOW)), {
        args: ["fetch3", "GET", `${server.url}/trailers`],
      });
      assert.equal(trailers.exitCode, 1);
      assert.match(trailers.stdout, /\nbody: body\ntrailers-error ErrorCode::HttpResponseTrailerSectionSize\(Some\(\d+\)\)\n$/);
      // Past node:http's 16 KiB of headers: the same error-code, no size known.
      const big = await runP3Component(fs.readFileSync(requireFile(guest("fetch3"), HOW)), {
        args: ["fetch3", "GET", `${server.url}/big`],
      });
      assert.deepEqual([big.exitCode, big.stdout], [1, "response-error ErrorCode::HttpResponseHeaderSectionSize(None)\n"]);
    } finally {
      await server.close();
    }
  });
});
