// The hostile-guest corpus (tests/hostile/*.wat) through the npm package, in
// Node and in headless Chromium: each guest's calls must get exactly the
// errnos its file expects, the guest must finish normally, /secret outside
// the preopen must be untouched and the MemFS consistent.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as wasiWeb from "../../js/index.js";
import { openLibraryPage } from "./helpers/pages.js";
import { assemble, compare, corpus, setupFs } from "./helpers/hostile.js";

const CASES = corpus().map(({ name, source }) => ({ name, ...assemble(source) }));
const PREOPENS = { "/sandbox": "/sandbox" };

test("the corpus is there", () => {
  assert.ok(CASES.length >= 7, `${CASES.length} hostile guests`);
  assert.ok(CASES.reduce((n, c) => n + c.checks.length, 0) > 500);
});

describe("hostile guests in Node", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const fs = setupFs(wasiWeb);
      const r = await wasiWeb.run(c.bytes, { args: [c.name], fs, preopens: PREOPENS });
      assert.equal(r.exitCode, 0);
      assert.deepEqual(compare(c.checks, r.stdout), []);
      assert.equal(fs.readFile("/secret", "utf8"), "SECRET");
      assert.deepEqual(fs.readdir("/").sort(), ["sandbox", "secret"]);
      fs.checkInvariants();
    });
  }
});

describe("hostile guests in Chromium", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openLibraryPage());
    await page.evaluate(async (setupSource) => {
      globalThis.setupFs = new Function(`return (${setupSource})`)();
    }, setupFs.toString());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("every guest, one page", async () => {
    const results = await page.evaluate(
      async (cases) => {
        const out = [];
        for (const { name, bytes } of cases) {
          const fs = setupFs(wasiWeb);
          const r = await wasiWeb.run(
            Uint8Array.from(atob(bytes), (ch) => ch.charCodeAt(0)),
            {
              args: [name],
              fs,
              preopens: { "/sandbox": "/sandbox" },
            },
          );
          let consistent = "ok";
          try {
            fs.checkInvariants();
          } catch (e) {
            consistent = e.message;
          }
          out.push({ name, exitCode: r.exitCode, stdout: r.stdout, secret: fs.readFile("/secret", "utf8"), consistent });
        }
        return out;
      },
      CASES.map((c) => ({ name: c.name, bytes: Buffer.from(c.bytes).toString("base64") })),
    );
    assert.equal(results.length, CASES.length);
    for (const [i, r] of results.entries()) {
      assert.equal(r.exitCode, 0, r.name);
      assert.deepEqual(compare(CASES[i].checks, r.stdout), [], r.name);
      assert.equal(r.secret, "SECRET", r.name);
      assert.equal(r.consistent, "ok", r.name);
    }
  });
});
