// The conformance corpus through the npm package in headless Chromium: one
// browser, one page, every case in it.
import { after, before, test } from "node:test";
import { launchChromium, openRunnerPage } from "../../js/node/chromium.js";
import { startServer } from "../../js/node/server.js";
import { checkResult, loadCorpus, mountFixtures, readGuest, REPO } from "./helpers/corpus.js";
import path from "node:path";

const corpus = loadCorpus();
let server;
let browser;
let page;

before(async () => {
  if (corpus.length === 0) return;
  server = await startServer(REPO);
  browser = await launchChromium();
  page = await openRunnerPage(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

for (const c of corpus) {
  test(`chromium: ${c.name}`, async () => {
    readGuest(c);
    const { memfs, preopens } = mountFixtures(c);
    const result = await page.evaluate((job) => globalThis.__wasiWebRunner.runJob(job), {
      wasmUrl: `/${path.relative(REPO, c.wasmPath).split(path.sep).join("/")}`,
      args: [c.wasm, ...c.args],
      env: c.env,
      preopens,
      // Bytes as bytes: the tree as a tar archive, stdin as is.
      treeUrl: server.route(`/__test/${c.name}/tree.tar`, memfs.snapshot()),
      stdinUrl: server.route(`/__test/${c.name}/stdin`, Buffer.from(c.stdin)),
    });
    if (result.error) throw new Error(`in Chromium: ${result.error}`);
    checkResult(c, result);
  });
}
