// A component importing an interface wasi-web does not implement (as
// componentize-js components import wasi:http) still instantiates; calling
// the missing import traps with a message naming it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { transpileComponent, WASIp2 } from "../../js/preview2/index.js";
import { missingInterface, withMissingInterfaces } from "../../js/preview2/missing.js";
import { requirePackage } from "./helpers/prereq.js";

test("stand-ins: present interfaces are kept, missing ones trap when used", () => {
  const given = { "wasi:io/poll": { poll() {} } };
  const { imports, missing } = withMissingInterfaces(given, ["wasi:io/poll", "wasi:http/types"]);
  assert.deepEqual(missing, ["wasi:http/types"]);
  assert.equal(imports["wasi:io/poll"], given["wasi:io/poll"]);
  const { Fields, OutgoingRequest } = imports["wasi:http/types"];
  assert.throws(() => new Fields(), {
    name: "RuntimeError",
    message: /does not implement wasi:http\/types \(the component called Fields\)/,
  });
  assert.throws(() => Fields.fromList([]), { message: /called Fields\.fromList/ });
  // Classes stay classes: instanceof works and is false for other objects.
  assert.equal({} instanceof OutgoingRequest, false);
  assert.equal(typeof Fields.prototype, "object");
  assert.throws(() => missingInterface("x:y/z").doIt(), { message: /x:y\/z \(the component called doIt\)/ });
  assert.equal(withMissingInterfaces(given, ["wasi:io/poll"]).imports, given);
});

test("a component with a missing import runs until it calls it", async () => {
  requirePackage("@bytecodealliance/jco");
  const transpiled = await transpileComponent(await probe(), { cache: false });
  assert.deepEqual(transpiled.imports, ["example:absent/thing"]);
  const instance = transpiled.instantiate(new WASIp2().imports);
  assert.equal(instance.ok(), 42);
  assert.throws(() => instance.callIt(), {
    name: "RuntimeError",
    message: /wasi-web does not implement example:absent\/thing \(the component called doIt\)/,
  });
});

/** A component importing `example:absent/thing.do-it`, from WAT with jco's wasm-tools. */
async function probe() {
  const { componentEmbed, componentNew, parse } = await import("@bytecodealliance/jco");
  const wit = `
    package wasi-web:missing-probe;
    world probe {
      import example:absent/thing;
      export ok: func() -> u32;
      export call-it: func() -> u32;
    }
    package example:absent {
      interface thing { do-it: func() -> u32; }
    }`;
  const wat = `(module
    (import "example:absent/thing" "do-it" (func $do_it (result i32)))
    (memory (export "memory") 1)
    (func (export "ok") (result i32) (i32.const 42))
    (func (export "call-it") (result i32) (call $do_it)))`;
  const embedded = await componentEmbed({ binary: await parse(wat), witSource: wit, world: "probe" });
  return componentNew(embedded);
}
