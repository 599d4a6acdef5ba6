// wasi:http 0.2 over a page's fetch() in headless Chromium: the Rust fetch
// component (tests/httpguests) runs in async mode (JSPI) in a page served
// from one port and calls the test server on another, so the browser's
// rules apply: CORS, forbidden request headers, buffered request bodies.
// (Node's fetch: http-node.test.js.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { openP2Page } from "./helpers/pages.js";
import { closedPort, fnv, generated, startHttpServer } from "./helpers/http-server.js";
import { requireFile, requirePackage, REPO } from "./helpers/prereq.js";

let server;
let browser;
let page;
let target;

const FETCH = path.join(REPO, "tests/httpguests/out/fetch.wasm");

before(async () => {
  requireFile(FETCH, "run bash tests/httpguests/build.sh (scripts/build.sh runs it)");
  requirePackage("@bytecodealliance/jco");
  target = await startHttpServer();
  ({ server, browser, page } = await openP2Page("http-client"));
  assert.equal(await page.evaluate(() => typeof WebAssembly.Suspending), "function", "this Chromium has JSPI");
});

after(async () => {
  await browser?.close();
  await server?.close();
  await target?.close();
});

/** Runs the fetch guest in the page with `args` (`async` undefined: run()'s own choice). */
function inPage(args, { async = /** @type {boolean | undefined} */ (true) } = {}) {
  return page.evaluate(
    async ({ args, async }) => {
      const { run, init } = await import("/js/index.js");
      await init();
      const bytes = new Uint8Array(await (await fetch("/tests/httpguests/out/fetch.wasm")).arrayBuffer());
      try {
        return await run(bytes, { async, args: ["fetch", ...args] });
      } catch (e) {
        return { error: String(e?.stack ?? e) };
      }
    },
    { args, async },
  );
}

test("chromium: GET across origins (CORS allowed): status, exposed headers, body", async () => {
  const r = await inPage(["GET", `${target.url}/hello`]);
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.stdout, "status 200\nheader x-test: yes\nbody-len 11\nbody-fnv 779a65e7023cd2e7\nbody: hello world\ntrailers none\n");
  const missing = await inPage(["GET", `${target.url}/status/404`]);
  assert.match(missing.stdout, /^status 404\n/);
});

test("chromium: run() picks async mode by itself for a component that fetches", async () => {
  const r = await inPage(["GET", `${target.url}/hello`], { async: undefined });
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^status 200\n[^]*body: hello world\n/);
});

test("wasi-web --browser runs a component that fetches (on an async host in the page)", async () => {
  const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), "--browser", FETCH, "GET", `${target.url}/hello`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "status 200\nheader x-test: yes\nbody-len 11\nbody-fnv 779a65e7023cd2e7\nbody: hello world\ntrailers none\n");
});

test("chromium: POST with a custom header (preflighted): the body is sent in one piece", async () => {
  const n = 200_000;
  const r = await inPage(["--h", "x-custom=page", "--gen", String(n), "POST", `${target.url}/echo`]);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /header x-method: POST\nheader x-req-chunked: 0\nheader x-req-length: 200000\nheader x-seen-custom: page\n/);
  assert.match(r.stdout, new RegExp(`body-len ${n}\nbody-fnv ${fnv(generated(n))}\n`));
  assert.ok(
    target.requests.some((q) => q.method === "OPTIONS" && q.url === "/echo"),
    "the browser sent a preflight",
  );
});

test("chromium: a CORS refusal is HTTP-request-denied, a refused connection destination-unavailable", async () => {
  let r = await inPage(["GET", `${target.url}/nocors`]);
  assert.deepEqual([r.exitCode, r.stdout], [1, "response-error ErrorCode::HttpRequestDenied\n"]);
  const port = await closedPort();
  r = await inPage(["GET", `http://127.0.0.1:${port}/`]);
  assert.deepEqual([r.exitCode, r.stdout], [1, "response-error ErrorCode::DestinationUnavailable\n"]);
});

test("chromium: a header the browser would drop is refused before sending", async () => {
  const before = target.requests.length;
  const r = await inPage(["--h", "cookie=a=b", "GET", `${target.url}/hello`]);
  assert.deepEqual([r.exitCode, r.stdout], [1, "handle-error ErrorCode::HttpRequestDenied\n"]);
  assert.equal(target.requests.length, before, "nothing was sent");
});

test("chromium: the response body streams (a stalled one times out between bytes)", async () => {
  const r = await inPage(["--between-bytes-ms", "150", "GET", `${target.url}/stall`]);
  assert.deepEqual([r.exitCode, r.stdout], [1, 'status 200\nbody-len 5\nbody-error "ErrorCode::ConnectionReadTimeout"\n']);
});

test("chromium: a synchronous host refuses requests (it could never see the response)", async () => {
  const r = await inPage(["GET", `${target.url}/hello`], { async: false });
  assert.equal(r.exitCode, 1);
  assert.match(r.stdout, /^handle-error ErrorCode::InternalError\(Some\("wasi-web: wasi:http requests need async mode \(JSPI\)/);
});

test("chromium: a componentize-js component's fetch() goes through wasi:http", async () => {
  requireFile(`${REPO}/tests/httpguests/out/js_fetch.wasm`, "run bash tests/httpguests/build.sh (scripts/build.sh runs it)");
  const r = await page.evaluate(
    async ({ url }) => {
      const { run, init } = await import("/js/index.js");
      await init();
      const bytes = new Uint8Array(await (await fetch("/tests/httpguests/out/js_fetch.wasm")).arrayBuffer());
      try {
        const get = await run(bytes, { async: true, args: ["js_fetch", `${url}/hello`] });
        const post = await run(bytes, { async: true, args: ["js_fetch", `${url}/echo`, "POST", "posted from a page"] });
        return { get, post };
      } catch (e) {
        return { error: String(e?.stack ?? e) };
      }
    },
    { url: target.url },
  );
  assert.equal(r.error, undefined, r.error);
  assert.deepEqual(r.get, { exitCode: 0, stdout: "status 200\nx-test yes\nbody hello world\n", stderr: "" });
  assert.deepEqual(r.post, { exitCode: 0, stdout: "status 200\nx-test null\nbody posted from a page\n", stderr: "" });
  assert.ok(target.requests.some((q) => q.url === "/echo" && q.headers["x-from"] === "componentize-js"));
});

test("chromium: WASI 0.3 client.send (a Rust wasip3 component)", async () => {
  requireFile(`${REPO}/tests/httpguests/out/fetch3.wasm`, "run bash tests/httpguests/build.sh (scripts/build.sh runs it)");
  const r = await page.evaluate(
    async ({ url }) => {
      const { init } = await import("/js/index.js");
      await init();
      const { runP3Component } = await import("/js/preview3/run.js");
      const bytes = new Uint8Array(await (await fetch("/tests/httpguests/out/fetch3.wasm")).arrayBuffer());
      try {
        const get = await runP3Component(bytes, { args: ["fetch3", "GET", `${url}/hello`] });
        const post = await runP3Component(bytes, { args: ["fetch3", "POST", `${url}/echo`, "from a page, 0.3"] });
        const refused = await runP3Component(bytes, { args: ["fetch3", "GET", `${url}/nocors`] });
        const trailer = await runP3Component(bytes, { args: ["fetch3", "POST", `${url}/echo`, "body", "x-sum=1"] });
        return { get, post, refused, trailer };
      } catch (e) {
        return { error: String(e?.stack ?? e) };
      }
    },
    { url: target.url },
  );
  assert.equal(r.error, undefined, r.error);
  assert.deepEqual(r.get, {
    exitCode: 0,
    stdout: "status 200\nheader x-test: yes\nbody-len 11\nbody: hello world\ntrailers none\n",
    stderr: "",
  });
  // Buffered in a page: sent in one piece with its length.
  assert.match(r.post.stdout, /header x-req-chunked: 0\nheader x-req-length: 16\n[^]*body: from a page, 0\.3\ntrailers none\n$/);
  assert.deepEqual([r.refused.exitCode, r.refused.stdout], [1, "response-error ErrorCode::HttpRequestDenied\n"]);
  // A page's fetch() cannot send trailers: the request fails rather than lose them.
  assert.deepEqual(
    [r.trailer.exitCode, r.trailer.stdout],
    [1, 'response-error ErrorCode::InternalError(Some("fetch() cannot send request trailers"))\n'],
  );
});
