// A SharedWorker of the runner page that makes the bridge worker's POSTs to
// the CLI (js/browser/bridge-worker.js): its output and, at the end, its
// MemFS archive. Playwright, which drives the page, copies the body of every
// request made by the page and its dedicated workers through the DevTools
// protocol (as base64), which holds them to some 10 MB/s; it does not watch
// shared workers, where they go at full speed.
import { post } from "./upload.js";

/**
 * The shared worker's global scope, as far as used here (the project's types are the DOM's).
 * @typedef {{ onconnect: ((event: MessageEvent) => void) | null }} SharedWorkerScope
 */
const scope = /** @type {SharedWorkerScope} */ (/** @type {unknown} */ (self));

scope.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = async ({ data: { id, kind, url, bytes } }) => {
    port.postMessage({ id, ...(await post(kind, url, bytes)) });
  };
};
