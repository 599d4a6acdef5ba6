// Interfaces a component imports that wasi-web does not implement (custom
// ones; wasi:http is served by js/http/). jco's generated code looks every import up
// when it instantiates, so a missing one would stop the component before it
// starts; instead it gets a stand-in whose every function (and resource
// constructor) traps, naming what was called. A program that never calls
// them runs normally.

/**
 * Throws the error a call to a missing import gives.
 * @param {string} iface
 * @param {string} name
 * @returns {never}
 */
function unsupported(iface, name) {
  throw new WebAssembly.RuntimeError(
    `wasi-web does not implement ${iface} (the component called ${name}); ` + "pass your own implementation in the imports to provide it",
  );
}

/**
 * A stand-in for one interface: any member is a function that traps when
 * called or constructed (classes are looked up too, for `instanceof`).
 * @param {string} iface
 * @returns {Record<string, Function>}
 */
export function missingInterface(iface) {
  /** @type {Map<string, Function>} */
  const members = new Map();
  return new Proxy(Object.create(null), {
    get(_, name) {
      if (typeof name !== "string") return undefined;
      // A const, so that the closures below see it as a string.
      const member = name;
      let f = members.get(member);
      if (!f) {
        // A class, so that `new` and `instanceof` behave; calling it traps.
        f = class {
          constructor() {
            unsupported(iface, member);
          }
        };
        f = new Proxy(f, {
          apply: () => unsupported(iface, member),
          // Own and Function.prototype members (prototype, name, call,
          // Symbol.hasInstance...) stay real; anything else is a static
          // method of the resource.
          get: (target, key) =>
            typeof key === "symbol" || key in target ? Reflect.get(target, key) : () => unsupported(iface, `${member}.${key}`),
        });
        members.set(member, f);
      }
      return f;
    },
  });
}

/**
 * `imports` plus a stand-in for each name in `wanted` it lacks (names as jco
 * lists them, e.g. "wasi:http/types").
 * @param {Record<string, object>} imports
 * @param {Iterable<string>} wanted
 * @returns {{ imports: Record<string, object>, missing: string[] }}
 */
export function withMissingInterfaces(imports, wanted) {
  const missing = [...wanted].filter((name) => !(name in imports));
  if (missing.length === 0) return { imports, missing };
  const all = { ...imports };
  for (const name of missing) all[name] = missingInterface(name);
  return { imports: all, missing };
}
