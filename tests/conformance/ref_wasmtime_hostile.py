#!/usr/bin/env python3
"""Run the hostile-guest corpus (tests/hostile/*.wat) under wasmtime and
compare, check by check, wasmtime's answers with the corpus' expectations
(which are wasi-web's answers: tests/js/robust-hostile.test.js checks them).

Usage:
    python3 tests/conformance/ref_wasmtime_hostile.py [-v] [NAME ...]

Needs `pip install wasmtime` (v50 was used). With no NAME, runs the files
written against wasmtime (FILES below); NAME may be any corpus file.

Each `(expect WANT EXPR)` becomes a check that a host function can skip.
wasmtime traps where wasi-web returns EFAULT or EINVAL (misaligned or
out-of-bounds pointers, undefined enum or flag values); such a check is
recorded as "trap" and the guest is run again from the start with that
check skipped, until it runs to the end. Every check where wasmtime
returned a value must then equal WANT, unless its line says
`;; wasmtime: <why>` (a documented deviation).

The guest sees what tests/js/helpers/hostile.js' setupFs() builds: the
preopen /sandbox (fd 3) with f.txt, dir/inner.txt, empty/, symlinks up,
abs and loop, and /secret outside it.

The last line is `N same, T trapped in wasmtime, D documented deviations,
F different`; the exit status is 1 if F > 0.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
HOSTILE = os.path.join(ROOT, "tests", "hostile")
HELPER = os.path.join(ROOT, "tests", "js", "helpers", "hostile.js")
# The files written to run on wasmtime too (valid rights, no -1 rights,
# which wasmtime traps on).
FILES = ["abi-edges"]
SKIPPED = -2


def helper_parts():
    """The imports, prelude and errno names, read from the JS helper so
    that both runners assemble the same guest."""
    src = open(HELPER).read()
    sigs = re.findall(r'^  (\w+): "([^"]*)",$', src, re.M)
    prelude = src.split("const PRELUDE = `", 1)[1].split("`;", 1)[0]
    errno_src = src.split("export const ERRNO = {", 1)[1].split("};", 1)[0]
    errno = {k: int(v) for k, v in re.findall(r"(E[A-Z0-9]+): (\d+)", errno_src)}
    return sigs, prelude, errno


def expr_end(src, start):
    """Index just past the parenthesised form opening at src[start]."""
    depth = 0
    i = start
    while i < len(src):
        c = src[i]
        if src.startswith(";;", i):
            i = src.index("\n", i)
            continue
        if c == '"':
            i = src.index('"', i + 1)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced parentheses")


def assemble(source, errno):
    """The module text and its checks [(want, line, text, deviation)]."""
    checks = []
    out = []
    pos = 0
    pattern = re.compile(r"\(expect\s+([A-Z0-9_]+|-?\d+|0x[0-9a-fA-F]+)\s")
    lines = source.split("\n")
    while True:
        m = pattern.search(source, pos)
        if not m:
            out.append(source[pos:])
            break
        end = expr_end(source, m.start())
        want_s = m.group(1)
        want = errno[want_s] if want_s in errno else int(want_s, 0)
        line = source.count("\n", 0, m.start()) + 1
        text = lines[line - 1].strip()
        dev = re.search(r";; wasmtime: (.*)$", lines[line - 1])
        idx = len(checks)
        checks.append((want & 0xFFFFFFFF, line, text, dev.group(1) if dev else None))
        expr = source[m.end():end - 1]
        out.append(source[pos:m.start()])
        out.append(
            f"(call $expect (i32.const {idx}) (i32.const {want}) "
            f"(if (result i32) (call $skip (i32.const {idx})) "
            f"(then (i32.const {SKIPPED})) (else {expr})))"
        )
        pos = end
    return "".join(out), checks


def setup_fs(tmp):
    sandbox = os.path.join(tmp, "sandbox")
    os.makedirs(os.path.join(sandbox, "dir"))
    os.makedirs(os.path.join(sandbox, "empty"))
    with open(os.path.join(sandbox, "f.txt"), "w") as f:
        f.write("hello, world\n")
    with open(os.path.join(sandbox, "dir", "inner.txt"), "w") as f:
        f.write("inner\n")
    with open(os.path.join(tmp, "secret"), "w") as f:
        f.write("SECRET")
    os.symlink("../secret", os.path.join(sandbox, "up"))
    os.symlink("/secret", os.path.join(sandbox, "abs"))
    os.symlink("loop", os.path.join(sandbox, "loop"))
    return sandbox


def run_once(engine, module, name, skip):
    """Runs the guest once; returns ({index: value}, trapped?, trap text)."""
    import wasmtime

    with tempfile.TemporaryDirectory(prefix="wasi-hostile-") as tmp:
        sandbox = setup_fs(tmp)
        cfg = wasmtime.WasiConfig()
        cfg.argv = [name]
        cfg.preopen_dir(sandbox, "/sandbox")
        stdout = os.path.join(tmp, "stdout")
        cfg.stdout_file = stdout
        store = wasmtime.Store(engine)
        store.set_wasi(cfg)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        ty = wasmtime.FuncType([wasmtime.ValType.i32()], [wasmtime.ValType.i32()])
        linker.define_func("harness", "skip", ty, lambda i: 1 if i in skip else 0)
        trap = None
        try:
            inst = linker.instantiate(store, module)
            inst.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            trap = f"exit {e.code}"
        except wasmtime.WasmtimeError as e:
            trap = " ".join(str(e).split())[:300]
        del store
        got = {}
        for line in open(stdout, "rb").read().decode("utf-8", "replace").split("\n"):
            m = re.fullmatch(r"(\d+) (\d+)", line)
            if m:
                got[int(m.group(1))] = int(m.group(2))
        secret = open(os.path.join(tmp, "secret")).read()
    return got, trap, secret


def compare_file(engine, name, verbose):
    import wasmtime

    sigs, prelude, errno = helper_parts()
    body, checks = assemble(open(os.path.join(HOSTILE, name + ".wat")).read(), errno)
    imports = "\n  ".join(
        f'(import "wasi_snapshot_preview1" "{n}" (func ${n} {s}))' for n, s in sigs
    )
    text = (
        f"(module\n  {imports}\n"
        f'  (import "harness" "skip" (func $skip (param i32) (result i32)))\n'
        f"{prelude}\n{body}\n)"
    )
    module = wasmtime.Module(engine, wasmtime.wat2wasm(text))
    skip = set()
    traps = {}
    while True:
        got, trap, secret = run_once(engine, module, name, skip)
        if trap is None:
            break
        # The trap struck in the first check that printed nothing.
        pending = [i for i in range(len(checks)) if i not in got and i not in skip]
        if not pending:
            raise RuntimeError(f"{name}: trap after the last check: {trap}")
        skip.add(pending[0])
        traps[pending[0]] = trap
    if secret != "SECRET":
        raise RuntimeError(f"{name}: wasmtime changed /secret")
    counts = {"same": 0, "trap": 0, "deviation": 0, "different": 0}
    ename = {v: k for k, v in errno.items()}
    for i, (want, line, text, dev) in enumerate(checks):
        if i in traps:
            counts["trap"] += 1
            if verbose:
                print(f"  TRAP {name}:{line}: {text}\n       {traps[i][:160]}")
            continue
        value = got.get(i)
        if value == want:
            counts["same"] += 1
        elif dev is not None:
            counts["deviation"] += 1
            if verbose:
                print(f"  DEVIATION {name}:{line}: wasmtime {value}: {dev}")
        else:
            counts["different"] += 1
            print(
                f"  DIFFERENT {name}:{line}: wasmtime {ename.get(value, value)}, "
                f"corpus {ename.get(want, want)}: {text}"
            )
    print(
        f"{name}: {counts['same']} same, {counts['trap']} trapped in wasmtime, "
        f"{counts['deviation']} documented deviations, {counts['different']} different"
    )
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    try:
        import wasmtime
    except ImportError:
        sys.exit("wasmtime is not installed: pip install wasmtime")
    engine = wasmtime.Engine()
    total = {"same": 0, "trap": 0, "deviation": 0, "different": 0}
    for name in a.names or FILES:
        for k, v in compare_file(engine, name, a.verbose).items():
            total[k] += v
    print(
        f"{total['same']} same, {total['trap']} trapped in wasmtime, "
        f"{total['deviation']} documented deviations, {total['different']} different"
    )
    return 1 if total["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
