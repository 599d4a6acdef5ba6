// wasi:sockets@0.3 on the host network (WASIp3's `network: "host"`, the
// CLI's `-S inherit-network`), in Node 24 (NODE24_FILES in scripts/test.sh):
// the tests/p3guests `net` component runs a TCP echo against a server this
// test starts on 127.0.0.1, listen + accept between its own sockets (IPv4
// and IPv6), a UDP round trip, a lookup of "localhost", and the error paths.
// Without the option nothing is opened; in a page the option is refused.
// Under Node 20 (no JSPI) the run must refuse with the "needs JSPI" error.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import net from "node:net";
import { after, before, test } from "node:test";
import { run } from "../../js/index.js";
import { parseArgs } from "../../js/node/cli-args.js";
import { NEEDS_JSPI, WASIp3 } from "../../js/preview3/index.js";
import { runCli } from "./helpers/cli.js";
import { openP2Page } from "./helpers/pages.js";
import { P3_CASES } from "./helpers/preview3.js";
import { p3Guest, requirePackage } from "./helpers/prereq.js";

const JSPI = typeof WebAssembly.Suspending === "function";
requirePackage("@bytecodealliance/jco");
const NET = p3Guest("net");
const netGuest = () => readFileSync(NET);

/** What the net guest prints (port numbers left out: they change). */
const EXPECTED =
  "tcp connect Ok(())\n" +
  "tcp remote port ok true\n" +
  "tcp local bound true\n" +
  "tcp send Ok(()) receive Ok(()) echo same true\n" +
  "tcp send again Err(ErrorCode::InvalidState)\n" +
  "tcp receive again Err(ErrorCode::InvalidState)\n" +
  "tcp4 listening true\n" +
  "tcp4 accept Ok(()) same peer true\n" +
  'tcp4 client (Ok(()), "pong", Ok(())) server (Ok(()), "ping", Ok(()))\n' +
  "tcp4 bind in use Err(ErrorCode::AddressInUse)\n" +
  "tcp4 rebind after drop Ok(())\n" +
  "tcp6 listening true\n" +
  "tcp6 accept Ok(()) same peer true\n" +
  'tcp6 client (Ok(()), "pong", Ok(())) server (Ok(()), "ping", Ok(()))\n' +
  "tcp6 bind in use Err(ErrorCode::AddressInUse)\n" +
  "tcp6 rebind after drop Ok(())\n" +
  "udp receive unbound Some(ErrorCode::InvalidState)\n" +
  "udp send no address Err(ErrorCode::InvalidArgument)\n" +
  "udp send Ok(())\n" +
  'udp echo "datagram" from server true\n' +
  "udp connect Ok(())\n" +
  "udp remote ok true\n" +
  "udp send connected Ok(())\n" +
  'udp got "one" from b true\n' +
  "udp send elsewhere Err(ErrorCode::InvalidArgument)\n" +
  "udp disconnect Ok(()) again Err(ErrorCode::InvalidState)\n" +
  "udp bind twice Err(ErrorCode::InvalidState)\n" +
  "udp bind in use Err(ErrorCode::AddressInUse)\n" +
  "udp bind wrong family Err(ErrorCode::InvalidArgument)\n" +
  "udp hop limit Err(ErrorCode::InvalidArgument) Ok(9)\n" +
  "connect refused Err(ErrorCode::ConnectionRefused)\n" +
  "connect after failure Err(ErrorCode::InvalidState)\n" +
  "remote unbound Err(ErrorCode::InvalidState)\n" +
  "local unbound Err(ErrorCode::InvalidState)\n" +
  "connect port 0 Err(ErrorCode::InvalidArgument)\n" +
  "connect wrong family Err(ErrorCode::InvalidArgument)\n" +
  "bind multicast Err(ErrorCode::InvalidArgument)\n" +
  "bind Ok(()) twice Err(ErrorCode::InvalidState)\n" +
  "receive unconnected Err(ErrorCode::InvalidState)\n" +
  "send unconnected Err(ErrorCode::InvalidState)\n" +
  "keep-alive Ok(()) Ok(true)\n" +
  "idle zero Err(ErrorCode::InvalidArgument)\n" +
  "backlog zero Err(ErrorCode::InvalidArgument)\n" +
  "listen Ok(()) twice Err(ErrorCode::InvalidState)\n" +
  "connect listening Err(ErrorCode::InvalidState)\n" +
  "family IpAddressFamily::Ipv4\n" +
  "lookup localhost Ok(true)\n" +
  "lookup literal Ok([IpAddress::Ipv6((0, 0, 0, 0, 0, 0, 0, 1))])\n" +
  "lookup bad Err(ErrorCode::InvalidArgument)\n" +
  "lookup missing Err(ErrorCode::NameUnresolvable)\n";

/** The servers the guest talks to, and what they saw. */
let tcpServer;
let udpServer;
const seen = { tcpBytes: 0, datagrams: /** @type {string[]} */ ([]) };

before(async () => {
  tcpServer = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on("data", (d) => (seen.tcpBytes += d.length));
    // Echo, then close the sending half when the guest closes its own.
    s.pipe(s);
  });
  await new Promise((resolve) => tcpServer.listen(0, "127.0.0.1", resolve));
  udpServer = dgram.createSocket("udp4");
  udpServer.on("message", (m, from) => {
    seen.datagrams.push(String(m));
    udpServer.send(m, from.port, from.address);
  });
  await new Promise((resolve) => udpServer.bind(0, "127.0.0.1", resolve));
});

after(() => {
  tcpServer?.close();
  udpServer?.close();
});

const ports = () => [String(tcpServer.address().port), String(udpServer.address().port)];

test('parseArgs: -S inherit-network sets network "host"; =n or absent leaves it out', () => {
  assert.equal(/** @type {any} */ (parseArgs(["-S", "inherit-network", "a.wasm"])).network, "host");
  assert.equal(/** @type {any} */ (parseArgs(["-Sinherit-network=y", "a.wasm"])).network, "host");
  assert.equal(/** @type {any} */ (parseArgs(["-S", "inherit-network", "-S", "inherit-network=n", "a.wasm"])).network, undefined);
  assert.equal(/** @type {any} */ (parseArgs(["a.wasm"])).network, undefined);
  assert.throws(() => parseArgs(["-S", "inherit-network=maybe", "a.wasm"]), /inherit-network=maybe/);
});

test("parseArgs: wasmtime's -S tcp, udp, allow-ip-name-lookup go with -S inherit-network, never against it", () => {
  const both = /** @type {any} */ (parseArgs(["-S", "inherit-network,allow-ip-name-lookup=y,tcp,udp=y", "a.wasm"]));
  assert.equal(both.network, "host");
  // Defaults of wasmtime's that change nothing without the network.
  assert.equal(/** @type {any} */ (parseArgs(["-S", "tcp=y", "-S", "udp", "a.wasm"])).network, undefined);
  assert.equal(/** @type {any} */ (parseArgs(["-S", "tcp=n", "a.wasm"])).network, undefined);
  // What wasi-web cannot do is refused, not ignored.
  assert.throws(() => parseArgs(["-S", "inherit-network", "-S", "udp=n", "a.wasm"]), /-S udp=n: wasi-web cannot turn that off alone/);
  assert.throws(() => parseArgs(["-S", "allow-ip-name-lookup", "a.wasm"]), /allow-ip-name-lookup needs -S inherit-network/);
});

test("CLI: -S inherit-network is refused with --browser (Node only)", async () => {
  const r = await runCli(["--browser", "-S", "inherit-network", NET]);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /-S inherit-network is not supported with --browser/);
});

if (!JSPI) {
  test("Node without JSPI: a 0.3 component with network: host is refused with the clear error", async () => {
    await assert.rejects(run(netGuest(), { args: ["net", "1", "1"], network: "host" }), { message: NEEDS_JSPI });
  });
} else {
  test('run() with network: "host": TCP echo, listen/accept, UDP, lookup and error codes', async () => {
    seen.tcpBytes = 0;
    seen.datagrams.length = 0;
    const r = await run(netGuest(), { args: ["net", ...ports()], network: "host" });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, EXPECTED);
    assert.equal(r.exitCode, 0);
    // The guest's bytes really crossed the network: the server saw them all.
    assert.equal(seen.tcpBytes, "hello over tcp".length * 10_000);
    assert.deepEqual(seen.datagrams, ["datagram"]);
  });

  test("sockets the component leaves open are closed when its run ends", async () => {
    const r = await run(netGuest(), { args: ["net", "leak"], network: "host" });
    assert.equal(r.exitCode, 0);
    const m = /^leak (\d+) (\d+)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    // The listener is gone: a connection is refused (the kernel would accept one while it listened).
    const refused = await new Promise((resolve) => {
      const s = net.connect(Number(m[1]), "127.0.0.1", () => {
        s.destroy();
        resolve("connected");
      });
      s.on("error", (e) => resolve(/** @type {NodeJS.ErrnoException} */ (e).code));
    });
    assert.equal(refused, "ECONNREFUSED");
    // The UDP port is free again: binding it exclusively works.
    const u = dgram.createSocket("udp4");
    await new Promise((resolve, reject) => {
      u.once("error", reject);
      u.bind({ port: Number(m[2]), address: "127.0.0.1", exclusive: true }, () => resolve(undefined));
    });
    u.close();
  });

  test("WASIp3 without the option (and with network: none) opens no socket: not-supported", async () => {
    const sockets = P3_CASES.find((c) => c.guest === "sockets");
    for (const network of [undefined, "none"]) {
      const r = await run(readFileSync(p3Guest("sockets")), { network });
      assert.equal(r.stdout, sockets?.stdout, String(network));
    }
    // The net guest's first create fails, so it panics there.
    await assert.rejects(run(netGuest(), { args: ["net", ...ports()] }), (e) => {
      assert.match(String(/** @type {any} */ (e).stderr), /NotSupported/);
      return true;
    });
  });

  test("WASIp3: a network option other than none or host is a TypeError", () => {
    for (const network of ["yes", true, 1, "HOST"]) {
      assert.throws(() => new WASIp3({ network: /** @type {any} */ (network) }), {
        name: "TypeError",
        message: /options\.network must be "none" or "host"/,
      });
    }
  });

  test("CLI: -S inherit-network gives the component the network; without it, not-supported", async () => {
    const r = await runCli(["-S", "inherit-network", NET, ...ports()]);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, EXPECTED);
    assert.equal(r.exitCode, 0);
    const denied = await runCli([NET, ...ports()]);
    assert.equal(denied.exitCode, 134);
    assert.match(denied.stderr, /NotSupported/);
  });
}

test("Chromium: a page refuses network: host (no host network) and answers not-supported without it", async () => {
  const { server, browser, page } = await openP2Page("p3sockets");
  try {
    const r = await page.evaluate(async () => {
      const { run, init } = await import("/js/index.js");
      const { WASIp3 } = await import("/js/preview3/index.js");
      await init();
      let thrown;
      try {
        new WASIp3({ network: "host" });
      } catch (e) {
        thrown = { name: e?.constructor?.name, message: String(e?.message) };
      }
      const bytes = new Uint8Array(await (await fetch("/tests/p3guests/out/sockets.wasm")).arrayBuffer());
      const plain = await run(bytes, {});
      return { thrown, stdout: plain.stdout };
    });
    assert.equal(r.thrown?.name, "TypeError");
    assert.match(r.thrown?.message ?? "", /network: "host" needs Node/);
    assert.equal(r.stdout, P3_CASES.find((c) => c.guest === "sockets")?.stdout);
  } finally {
    await browser.close();
    await server.close();
  }
});
