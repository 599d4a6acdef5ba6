#!/usr/bin/env python3
"""Runs componentized corpus guests on wasmtime's WASI 0.2 host (wasmtime-py).

A reference for scripts/preview2-compare.mjs: COMPONENTS is a directory of
<case>.wasm components (the corpus guests componentized with jco's
wasi_snapshot_preview1 command adapter); each runs like ref_wasmtime.py runs
the plain module (argv, env, fixture dirs copied to a temp dir and
preopened, stdin from a file). Prints one JSON object:
{ "<case>": { "exitCode": n, "stdout": "...", "stderr": "...", "trap": "..." | null } }.

    pip install wasmtime   # v50 was used; needs its component API
    python3 tests/conformance/ref_wasmtime_p2.py COMPONENTS
"""
import json
import os
import sys
import tempfile

from ref_wasmtime import wasi_config

HERE = os.path.dirname(os.path.abspath(__file__))
TRAP_EXIT_CODE = 134


def run_export(store, instance):
    """wasi:cli/run@0.2.x#run, whatever x the adapter was built for."""
    for minor in range(20, -1, -1):
        iface = instance.get_export_index(store, f"wasi:cli/run@0.2.{minor}")
        if iface is not None:
            return instance.get_func(store, instance.get_export_index(store, "run", iface))
    raise RuntimeError("no wasi:cli/run export")


def trap_message(text):
    """The cause of a trap ("wasm trap: ..."), not the backtrace heading."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "Caused by:" in lines and lines.index("Caused by:") + 1 < len(lines):
        return lines[lines.index("Caused by:") + 1]
    return lines[0] if lines else "trap"


def run_one(engine, path, manifest, name):
    import wasmtime
    from wasmtime import component

    comp = component.Component.from_file(engine, path)
    with tempfile.TemporaryDirectory(prefix="wasi-ref-p2-") as tmp:
        cfg, stdout_path, stderr_path = wasi_config(manifest, manifest.get("wasm", name + ".wasm"), tmp)
        files = {"stdout": stdout_path, "stderr": stderr_path}
        store = wasmtime.Store(engine)
        store.set_wasi(cfg)
        linker = component.Linker(engine)
        linker.add_wasip2()
        code, trap = 0, None
        try:
            instance = linker.instantiate(store, comp)
            run = run_export(store, instance)
            result = run(store)
            run.post_return(store)
            code = 1 if getattr(result, "tag", "ok") == "err" else 0
        except wasmtime.ExitTrap as e:
            code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            code = TRAP_EXIT_CODE
            trap = trap_message(str(e))
        del store
        out = {}
        for k in ("stdout", "stderr"):
            with open(files[k], "rb") as f:
                out[k] = f.read().decode("utf-8", "replace")
    return {"exitCode": code, "stdout": out["stdout"], "stderr": out["stderr"], "trap": trap}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    import wasmtime

    engine = wasmtime.Engine()
    results = {}
    for file in sorted(os.listdir(sys.argv[1])):
        if not file.endswith(".wasm"):
            continue
        name = file[: -len(".wasm")]
        with open(os.path.join(HERE, name + ".json")) as f:
            manifest = json.load(f)
        results[name] = run_one(engine, os.path.join(sys.argv[1], file), manifest, name)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
