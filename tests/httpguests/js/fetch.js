// fetch() from JavaScript, componentized with componentize-js: StarlingMonkey
// sends it through wasi:http/outgoing-handler. Arguments: URL [METHOD [BODY]].
import { getArguments } from "wasi:cli/environment@0.2.10";

export const run = {
  async run() {
    const [, url, method = "GET", body] = getArguments();
    try {
      const response = await fetch(url, { method, body, headers: { "x-from": "componentize-js" } });
      console.log(`status ${response.status}`);
      console.log(`x-test ${response.headers.get("x-test")}`);
      console.log(`body ${await response.text()}`);
    } catch (e) {
      console.log(`error ${e}`);
      throw e;
    }
  },
};
