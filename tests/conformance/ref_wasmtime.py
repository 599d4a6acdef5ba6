#!/usr/bin/env python3
"""Run the wasi-web conformance corpus under wasmtime (the reference).

Usage:
    python3 tests/conformance/ref_wasmtime.py [--wasm-dir DIR] [-v] [NAME ...]

Needs `pip install wasmtime` (the PyPI package, v50 is what the corpus was
checked with) and the guests built by `bash tests/guests/build.sh`.

For every manifest tests/conformance/<name>.json (wasi-testsuite format):

    { "wasm": "<name>.wasm", "args": [...], "env": {"K": "V"},
      "dirs": ["fs-tests.dir"], "stdin": "text", "exit_code": 0,
      "stdout": "exact expected stdout", "wasmtime_differs": "why" }

the fixture directories tests/conformance/fixtures/<dir>/ are copied to a
fresh temporary directory and preopened under the same guest name; argv is
["<name>.wasm", *args]; stdin is the given text (empty when absent); stdout
and the exit code are compared exactly. A `proc_exit(n)` gives exit code n,
returning from `_start` gives 0, and any other trap counts as exit code 134
(what the wasmtime CLI reports for a trap). Manifests with
`wasmtime_differs` are deliberate deviations of wasi-web and are skipped.

The last line is `N passed, M failed, K skipped`. With --bless, a manifest
whose exit code matches gets its "stdout" rewritten from wasmtime's output.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WASM_DIR = os.path.normpath(os.path.join(HERE, "..", "guests", "out"))
FIXTURES = os.path.join(HERE, "fixtures")
TRAP_EXIT_CODE = 134


def load_manifests(names):
    out = []
    for fn in sorted(os.listdir(HERE)):
        if not fn.endswith(".json"):
            continue
        name = fn[:-5]
        if names and name not in names:
            continue
        with open(os.path.join(HERE, fn)) as f:
            out.append((name, json.load(f)))
    missing = set(names or []) - {n for n, _ in out}
    if missing:
        sys.exit(f"no manifest for: {', '.join(sorted(missing))}")
    return out


def wasi_config(m, argv0, tmp):
    """The case's WasiConfig: argv, env, its fixture dirs copied under tmp
    and preopened, stdin from a file; returns it with the stdout and stderr
    file paths. Shared with ref_wasmtime_p2.py."""
    import wasmtime

    cfg = wasmtime.WasiConfig()
    cfg.argv = [argv0] + list(m.get("args", []))
    cfg.env = list(m.get("env", {}).items())
    for d in m.get("dirs", []):
        host = os.path.join(tmp, "dirs", d)
        src = os.path.join(FIXTURES, d)
        if os.path.isdir(src):
            shutil.copytree(src, host, symlinks=True)
        else:
            os.makedirs(host)
        cfg.preopen_dir(host, d)
    stdin_path = os.path.join(tmp, "stdin")
    with open(stdin_path, "w") as f:
        f.write(m.get("stdin", ""))
    cfg.stdin_file = stdin_path
    stdout_path = os.path.join(tmp, "stdout")
    stderr_path = os.path.join(tmp, "stderr")
    cfg.stdout_file = stdout_path
    cfg.stderr_file = stderr_path
    return cfg, stdout_path, stderr_path


def run_one(engine, modules, wasm_dir, name, m):
    import wasmtime

    wasm = m.get("wasm", name + ".wasm")
    path = os.path.join(wasm_dir, wasm)
    if path not in modules:
        modules[path] = wasmtime.Module.from_file(engine, path)
    module = modules[path]

    with tempfile.TemporaryDirectory(prefix="wasi-ref-") as tmp:
        cfg, stdout_path, stderr_path = wasi_config(m, wasm, tmp)

        store = wasmtime.Store(engine)
        store.set_wasi(cfg)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        code = 0
        trap = None
        try:
            inst = linker.instantiate(store, module)
            inst.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            code = e.code
        except wasmtime.WasmtimeError as e:
            code = TRAP_EXIT_CODE
            trap = str(e).splitlines()[0] if str(e) else "trap"
        del store
        with open(stdout_path, "rb") as f:
            stdout = f.read().decode("utf-8", "replace")
        with open(stderr_path, "rb") as f:
            stderr = f.read().decode("utf-8", "replace")
    return code, stdout, stderr, trap


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--wasm-dir", default=DEFAULT_WASM_DIR)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--include-differs", action="store_true",
                    help="also run manifests marked wasmtime_differs")
    ap.add_argument("--bless", action="store_true",
                    help="rewrite a manifest's stdout from wasmtime's output when "
                         "the exit code matches (review the diff before committing)")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()

    try:
        import wasmtime
    except ImportError:
        sys.exit("wasmtime is not installed: pip install wasmtime")

    engine = wasmtime.Engine()
    modules = {}
    passed = failed = skipped = 0
    for name, m in load_manifests(a.names):
        if m.get("wasmtime_differs") and not a.include_differs:
            skipped += 1
            print(f"SKIP {name}: wasmtime differs: {m['wasmtime_differs']}")
            continue
        try:
            code, stdout, stderr, trap = run_one(engine, modules, a.wasm_dir, name, m)
        except Exception as e:  # missing wasm, bad module, ...
            failed += 1
            print(f"FAIL {name}: {e}")
            continue
        want_code = m.get("exit_code", 0)
        want_out = m.get("stdout", "")
        if code == want_code and stdout == want_out:
            passed += 1
            print(f"PASS {name}")
            if a.verbose and stderr:
                print("  stderr: " + stderr.rstrip().replace("\n", "\n  stderr: "))
            continue
        if a.bless and code == want_code:
            m["stdout"] = stdout
            with open(os.path.join(HERE, name + ".json"), "w") as f:
                json.dump(m, f, indent=2, ensure_ascii=False)
                f.write("\n")
            passed += 1
            print(f"BLESS {name}")
            continue
        failed += 1
        print(f"FAIL {name}: exit code {code} (expected {want_code})"
              + (f", trap: {trap}" if trap else ""))
        if stdout != want_out:
            import difflib
            for line in difflib.unified_diff(
                    want_out.splitlines(), stdout.splitlines(),
                    "expected", "actual", lineterm="", n=1):
                print("  " + line)
        if stderr:
            print("  stderr: " + stderr.rstrip().replace("\n", "\n  stderr: "))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
