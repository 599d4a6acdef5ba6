// wasi:clocks/timezone (unstable in WASI 0.2) on wasi-web's Preview 2 host:
// offsets, names and DST across transitions, deterministic mode, the local
// zone (TZ in a child process), and a component calling it through jco.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, test } from "node:test";
import { configure, transpileComponent, WASIp2 } from "../../js/preview2/index.js";
import { formatOffset } from "../../js/preview2/timezone.js";
import { REPO } from "./helpers/corpus.js";
import { requirePackage } from "./helpers/prereq.js";

/** A wasi:clocks/wall-clock datetime as jco passes it (u64 seconds as a BigInt). */
const at = (iso) => ({ seconds: BigInt(Date.parse(iso) / 1000), nanoseconds: 0 });
const tz = (options) => new WASIp2(options).imports["wasi:clocks/timezone"];

// 2024's transitions: the US on 10 March (02:00 EST → 03:00 EDT) and
// 3 November (02:00 EDT → 01:00 EST); the EU on 31 March and 27 October
// (01:00 UTC); Sydney on 7 April (back to AEST) and 6 October.
const NEW_YORK = [
  ["2024-03-10T06:59:59Z", { utcOffset: -18000, name: "EST", inDaylightSavingTime: false }],
  ["2024-03-10T07:00:00Z", { utcOffset: -14400, name: "EDT", inDaylightSavingTime: true }],
  ["2024-11-03T05:59:59Z", { utcOffset: -14400, name: "EDT", inDaylightSavingTime: true }],
  ["2024-11-03T06:00:00Z", { utcOffset: -18000, name: "EST", inDaylightSavingTime: false }],
];
const BERLIN = [
  ["2024-03-31T00:59:59Z", { utcOffset: 3600, name: "CET", inDaylightSavingTime: false }],
  ["2024-03-31T01:00:00Z", { utcOffset: 7200, name: "CEST", inDaylightSavingTime: true }],
  ["2024-10-27T00:59:59Z", { utcOffset: 7200, name: "CEST", inDaylightSavingTime: true }],
  ["2024-10-27T01:00:00Z", { utcOffset: 3600, name: "CET", inDaylightSavingTime: false }],
];
// Southern hemisphere: daylight saving time in January.
const SYDNEY = [
  ["2024-01-15T00:00:00Z", { utcOffset: 39600, name: "AEDT", inDaylightSavingTime: true }],
  ["2024-07-15T00:00:00Z", { utcOffset: 36000, name: "AEST", inDaylightSavingTime: false }],
];
const UTC = { utcOffset: 0, name: "UTC", inDaylightSavingTime: false };

describe("wasi:clocks/timezone", () => {
  test("display and utc-offset across DST transitions, both hemispheres", () => {
    for (const [timeZone, cases] of [
      ["America/New_York", NEW_YORK],
      ["Europe/Berlin", BERLIN],
      ["Australia/Sydney", SYDNEY],
    ]) {
      const zone = tz({ timeZone });
      for (const [iso, want] of cases) {
        assert.deepEqual(zone.display(at(iso)), want, `${timeZone} at ${iso}`);
        assert.equal(zone.utcOffset(at(iso)), want.utcOffset, `${timeZone} utc-offset at ${iso}`);
      }
    }
  });

  test("nanoseconds do not move a datetime across a transition", () => {
    const zone = tz({ timeZone: "America/New_York" });
    assert.equal(zone.utcOffset({ ...at("2024-03-10T06:59:59Z"), nanoseconds: 999_999_999 }), -18000);
  });

  test("a zone without an abbreviation is named by its offset", () => {
    assert.deepEqual(tz({ timeZone: "Etc/GMT-14" }).display(at("2024-07-01T00:00:00Z")), {
      utcOffset: 50400,
      name: "+14:00",
      inDaylightSavingTime: false,
    });
    assert.deepEqual(tz({ timeZone: "Etc/GMT+5" }).display(at("2024-07-01T00:00:00Z")), {
      utcOffset: -18000,
      name: "-05:00",
      inDaylightSavingTime: false,
    });
    assert.equal(formatOffset(1050), "+00:17:30");
    assert.equal(formatOffset(-34200), "-09:30");
  });

  test("deterministic mode answers UTC; an explicit timeZone still wins", () => {
    const wasi = new WASIp2({ deterministic: true });
    assert.equal(wasi.timeZone, "UTC");
    for (const [iso] of [...NEW_YORK, ...BERLIN]) {
      assert.deepEqual(wasi.imports["wasi:clocks/timezone"].display(at(iso)), UTC);
      assert.equal(wasi.imports["wasi:clocks/timezone"].utcOffset(at(iso)), 0);
    }
    assert.deepEqual(tz({ deterministic: { seed: 7 }, timeZone: "Europe/Berlin" }).display(at(BERLIN[1][0])), BERLIN[1][1]);
  });

  test("datetimes past a JS Date's range get UTC's display", () => {
    const zone = tz({ timeZone: "Europe/Berlin" });
    assert.deepEqual(zone.display({ seconds: 2n ** 64n - 1n, nanoseconds: 0 }), UTC);
    assert.equal(zone.utcOffset({ seconds: 2n ** 64n - 1n, nanoseconds: 0 }), 0);
  });

  test("an unknown or non-string timeZone is a TypeError", () => {
    assert.throws(() => new WASIp2({ timeZone: "Mars/Olympus_Mons" }), { name: "TypeError", message: /options\.timeZone/ });
    assert.throws(() => new WASIp2({ timeZone: 3600 }), { name: "TypeError", message: /options\.timeZone/ });
  });

  test("the module export for --map follows configure()", async () => {
    const { timezone } = await import("../../js/preview2/clocks.js");
    configure({ timeZone: "Europe/Berlin" });
    assert.deepEqual(timezone.display(at(BERLIN[1][0])), BERLIN[1][1]);
    configure({ timeZone: "America/New_York" });
    assert.equal(timezone.utcOffset(at(NEW_YORK[0][0])), -18000);
  });

  test("by default, the host's local zone (TZ), agreeing with Date#getTimezoneOffset", () => {
    // A child process, so TZ is read at startup; it checks a datetime every
    // 5 days over 2024 and 2025 plus the transitions against Date.
    const script = `
      import { WASIp2 } from ${JSON.stringify(path.join(REPO, "js/preview2/index.js"))};
      const wasi = new WASIp2();
      const zone = wasi.imports["wasi:clocks/timezone"];
      const when = (ms) => ({ seconds: BigInt(ms / 1000), nanoseconds: 0 });
      const times = ${JSON.stringify([...NEW_YORK, ...BERLIN].map(([iso]) => Date.parse(iso)))};
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 5 * 86400e3 + 3600e3) times.push(ms);
      const mismatches = times.filter((ms) => zone.utcOffset(when(ms)) !== -new Date(ms).getTimezoneOffset() * 60);
      const dst = times.filter((ms) => zone.display(when(ms)).inDaylightSavingTime).length;
      console.log(JSON.stringify({ id: wasi.timeZone, checked: times.length, mismatches, dst,
        winter: zone.display(when(Date.UTC(2024, 0, 15))), summer: zone.display(when(Date.UTC(2024, 6, 15))) }));
    `;
    const inZone = (TZ) =>
      JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, TZ }, encoding: "utf8" }));

    const berlin = inZone("Europe/Berlin");
    assert.equal(berlin.id, "Europe/Berlin");
    assert.deepEqual(berlin.mismatches, []);
    assert.ok(berlin.checked > 140 && berlin.dst > 50 && berlin.dst < 100, `DST on ${berlin.dst} of ${berlin.checked} days`);
    assert.deepEqual(berlin.winter, { utcOffset: 3600, name: "CET", inDaylightSavingTime: false });
    assert.deepEqual(berlin.summer, { utcOffset: 7200, name: "CEST", inDaylightSavingTime: true });

    const ny = inZone("America/New_York");
    assert.equal(ny.id, "America/New_York");
    assert.deepEqual(ny.mismatches, []);
    assert.deepEqual(ny.winter, { utcOffset: -18000, name: "EST", inDaylightSavingTime: false });
    assert.deepEqual(ny.summer, { utcOffset: -14400, name: "EDT", inDaylightSavingTime: true });

    const utc = inZone("UTC");
    assert.deepEqual([utc.winter, utc.summer, utc.dst], [UTC, UTC, 0]);
  });

  test("a component imports it through jco: record fields and s32 offsets", async () => {
    requirePackage("@bytecodealliance/jco");
    const transpiled = await transpileComponent(await timezoneProbe());
    assert.deepEqual(transpiled.imports, ["wasi:clocks/timezone"]);
    const instance = transpiled.instantiate(new WASIp2({ timeZone: "America/New_York" }).imports);
    for (const [iso, want] of NEW_YORK) {
      const { seconds } = at(iso);
      // show returns display's record as a tuple: its lowered layout, read back.
      assert.deepEqual(instance.show(seconds, 0), [want.utcOffset, want.name, want.inDaylightSavingTime], iso);
      assert.equal(instance.offset(seconds, 0), want.utcOffset, iso);
    }
    const sydney = transpiled.instantiate(new WASIp2({ timeZone: "Australia/Sydney" }).imports);
    assert.deepEqual(sydney.show(at(SYDNEY[0][0]).seconds, 0), [39600, "AEDT", true]);
    const past = transpiled.instantiate(new WASIp2({ timeZone: "Europe/Berlin" }).imports);
    assert.deepEqual(past.show(2n ** 64n - 1n, 0), [0, "UTC", false]);
  });
});

/**
 * A component importing wasi:clocks/timezone, assembled from WAT with jco's
 * wasm-tools (no guest toolchain): `offset(s, ns)` returns utc-offset,
 * `show(s, ns)` returns display's record as a tuple<s32, string, bool>
 * (the same layout: the import writes it at 16, the export returns 16).
 */
async function timezoneProbe() {
  const { componentEmbed, componentNew, parse } = await import("@bytecodealliance/jco");
  const wit = `
    package wasi-web:timezone-probe;
    world probe {
      @unstable(feature = clocks-timezone)
      import wasi:clocks/timezone@0.2.12;
      export offset: func(seconds: u64, nanoseconds: u32) -> s32;
      export show: func(seconds: u64, nanoseconds: u32) -> tuple<s32, string, bool>;
    }
    package wasi:clocks@0.2.12 {
      interface wall-clock {
        record datetime { seconds: u64, nanoseconds: u32 }
      }
      @unstable(feature = clocks-timezone)
      interface timezone {
        @unstable(feature = clocks-timezone)
        use wall-clock.{datetime};
        @unstable(feature = clocks-timezone)
        record timezone-display { utc-offset: s32, name: string, in-daylight-saving-time: bool }
        @unstable(feature = clocks-timezone)
        display: func(when: datetime) -> timezone-display;
        @unstable(feature = clocks-timezone)
        utc-offset: func(when: datetime) -> s32;
      }
    }`;
  const wat = `(module
    (import "wasi:clocks/timezone@0.2.12" "display" (func $display (param i64 i32 i32)))
    (import "wasi:clocks/timezone@0.2.12" "utc-offset" (func $utc_offset (param i64 i32) (result i32)))
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    ;; A bump allocator for the name string the host lowers.
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "offset") (param i64 i32) (result i32)
      (call $utc_offset (local.get 0) (local.get 1)))
    (func (export "show") (param i64 i32) (result i32)
      (call $display (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16)))`;
  const core = await parse(wat);
  const embedded = await componentEmbed({
    binary: core,
    witSource: wit,
    world: "probe",
    features: { tag: "list", val: ["clocks-timezone"] },
  });
  return componentNew(embedded);
}
