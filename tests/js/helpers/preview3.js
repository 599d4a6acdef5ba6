// The WASI 0.3 test components (tests/p3guests) and what each must print,
// shared by tests/js/preview3-node.test.js and preview3-chromium.test.js.
// A case's `options` are those of run() minus `fs`, which `files` describes
// (made in the MemFS under /data, the preopen), so a page can rebuild them.

/** @param {string} s */
const sum = (s) => [...new TextEncoder().encode(s)].reduce((a, b) => a + b, 0);

/** The first lines cli.rs prints. */
function cliHead({ args, env = [], cwd = "None", tty = [false, false], stdin = "" }) {
  const reads = stdin.length > 65536 ? "several" : "one or no";
  return (
    `args=[${args.map((a) => JSON.stringify(a)).join(", ")}]\n` +
    `env=[${env.map(([k, v]) => `(${JSON.stringify(k)}, ${JSON.stringify(v)})`).join(", ")}]\n` +
    `cwd=${cwd}\n` +
    `tty stdin=${tty[0]} stdout=${tty[1]}\n` +
    `stdin ${new TextEncoder().encode(stdin).length} bytes in ${reads} reads, ends Ok(()), sum ${sum(stdin)}\n`
  );
}

const BIG_STDIN = "0123456789abcdef".repeat(200_000 / 16);
const letters = (n) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");

export const FS_LINES = [
  'preopens ["/data"]',
  'input "hello input\\n"',
  'input@6 "input\\n"',
  "input@1000 0",
  "input write Err(ErrorCode::BadDescriptor)",
  'out "hello World!\\n"',
  "stat DescriptorType::RegularFile size 13 links 1",
  "mtime true",
  "type Ok(DescriptorType::RegularFile) flags Ok(DescriptorFlags(READ | WRITE))",
  'truncated "hello"',
  "same true false",
  "hash same true",
  "big 300000 equal true chunked true",
  'list ["big.bin", "input.txt", "out.txt", "sub/"]',
  'list sub ["nested.txt"]',
  'after rename ["moved.txt", "nested.txt"]',
  "stat-at size 5",
  "missing Some(ErrorCode::NoEntry)",
  "mkdir exists Err(ErrorCode::Exist)",
  "exclusive Some(ErrorCode::Exist)",
  "not dir Some(ErrorCode::NotDirectory)",
  "dir flag on file Some(ErrorCode::NotDirectory)",
  "rmdir non-empty Err(ErrorCode::NotEmpty)",
  "unlink dir Err(ErrorCode::IsDirectory)",
  "escape Some(ErrorCode::NotPermitted)",
  "read dir Some(ErrorCode::IsDirectory)",
  "stat-at missing Some(ErrorCode::NoEntry)",
  "list file Err(ErrorCode::NotDirectory)",
  "read write-only Some(ErrorCode::BadDescriptor)",
  "readlink file Err(ErrorCode::Invalid)",
  'readlink Ok("big.bin")',
  "symlink DescriptorType::SymbolicLink follows to DescriptorType::RegularFile 300000",
  'list with link ["big.bin", "input.txt", "sub/", "sym@"]',
  "hard link count 2",
  "set-times-at 1000000000 5",
  "advise Ok(()) sync Ok(()) sync-data Ok(())",
  'read after drop "hello input\\n" Ok(())',
  "write after drop Ok(()) 0",
  'late "written late"',
  'final ["big.bin", "input.txt"]',
];

/** What fsorder.rs prints: the official suite's filesystem-io, -mkdir-rmdir, -hard-links and -flags-and-type rules. */
export const FSORDER_LINES = [
  'append ["4:one ", "8:one two ", "13:one two three"] idle 13 Ok(())',
  'write then set-size Ok(()) Ok(()) "ABC"',
  "mkdir .. Err(ErrorCode::NotPermitted)",
  "mkdir ../ Err(ErrorCode::NotPermitted)",
  "mkdir . Err(ErrorCode::Exist)",
  "link to .. Err(ErrorCode::NotPermitted)",
  "symlink at .. Err(ErrorCode::NotPermitted)",
  "rename to .. Err(ErrorCode::NotPermitted)",
  "sub mkdir .. Err(ErrorCode::NotPermitted)",
  "sub mkdir x/.. Err(ErrorCode::Exist)",
  "dir no flags Ok(DescriptorFlags(READ))",
  "dir mutate Ok(DescriptorFlags(READ | MUTATE_DIRECTORY))",
  "preopen Ok(DescriptorFlags(READ | MUTATE_DIRECTORY))",
  "file no flags Ok(DescriptorFlags(READ))",
  'create read Ok(DescriptorFlags(READ | WRITE)) ["7:created"] Ok(())',
  "create write Ok(DescriptorFlags(WRITE))",
];

const CLOCKS = [
  "resolution>0 true",
  "waited>=20ms true",
  "until>=10ms true",
  "system after 2020 true",
  "nanos<1e9 true",
  "system resolution>0 true",
  "random 32 32 differ true",
  "insecure 100",
  "seed nonzero true",
].join("\n");

/**
 * @typedef {{ name: string, guest: string, options?: Record<string, unknown>, files?: Record<string, string>,
 *   exitCode: number, stdout: string, stderr?: string, trap?: RegExp }} P3Case
 * @type {P3Case[]}
 */
export const P3_CASES = [
  {
    name: "hello: stdout and stderr through 0.3 streams, and Rust std's 0.2 stdout, one buffer",
    guest: "hello",
    exitCode: 0,
    stdout: "hello from wasi 0.3\nand from std (0.2)\n",
    stderr: "to stderr\n",
  },
  {
    name: "cli: arguments, environment, initial cwd, stdin through read-via-stream, ok is exit 0",
    guest: "cli",
    options: { args: ["cli", "ok"], env: { P3_B: "two words", P3_A: "1", OTHER: "x" }, cwd: "/data", stdin: "some input\n" },
    exitCode: 0,
    stdout: cliHead({
      args: ["cli", "ok"],
      env: [
        ["P3_A", "1"],
        ["P3_B", "two words"],
      ],
      cwd: 'Some("/data")',
      stdin: "some input\n",
    }),
    stderr: "",
  },
  {
    name: "cli: run's err is exit code 1",
    guest: "cli",
    options: { args: ["cli", "err"] },
    exitCode: 1,
    stdout: cliHead({ args: ["cli", "err"] }),
  },
  {
    name: "cli: exit(err) is exit code 1",
    guest: "cli",
    options: { args: ["cli", "exit-err"] },
    exitCode: 1,
    stdout: cliHead({ args: ["cli", "exit-err"] }),
  },
  {
    name: "cli: exit-with-code(42)",
    guest: "cli",
    options: { args: ["cli", "code=42"] },
    exitCode: 42,
    stdout: cliHead({ args: ["cli", "code=42"] }),
  },
  {
    name: "cli: terminals as the tty option says",
    guest: "cli",
    options: { args: ["cli"], tty: [true, false, false] },
    exitCode: 0,
    stdout: cliHead({ args: ["cli"], tty: [true, false] }),
  },
  {
    name: "cli: 200 kB of stdin in several reads, 300 kB of stdout in one stream",
    guest: "cli",
    options: { args: ["cli", "big=300000"], stdin: BIG_STDIN },
    exitCode: 0,
    stdout: `${cliHead({ args: ["cli", "big=300000"], stdin: BIG_STDIN })}${letters(300_000)}\n`,
  },
  {
    name: "cli: a panic traps, with what was written before it",
    guest: "cli",
    options: { args: ["cli", "panic"] },
    exitCode: 134,
    trap: /unreachable/,
    stdout: cliHead({ args: ["cli", "panic"] }),
  },
  {
    name: "clocks and random: wait-for, wait-until, system clock, random bytes",
    guest: "clocks",
    exitCode: 0,
    stdout: `${CLOCKS}\n`,
  },
  {
    name: "clocks in deterministic mode: waits jump virtual time",
    guest: "clocks",
    options: { deterministic: true },
    exitCode: 0,
    stdout: `${CLOCKS}\n`,
  },
  {
    name: "filesystem: streams, stat, directories, error codes",
    guest: "fs",
    files: { "input.txt": "hello input\n" },
    exitCode: 0,
    stdout: `${FS_LINES.join("\n")}\n`,
  },
  {
    name: "filesystem: stream writes seen by the next call, `..` at a preopen not-permitted, open-at flags",
    guest: "fsorder",
    exitCode: 0,
    stdout: `${FSORDER_LINES.join("\n")}\n`,
  },
  {
    name: "timezone: the zone of the timeZone option, offsets in nanoseconds",
    guest: "tz",
    options: { timeZone: "America/New_York" },
    exitCode: 0,
    stdout: 'iana Some("America/New_York")\noffset Some(-18000000000000)\noffset Some(-14400000000000)\ndebug America/New_York\n',
  },
  {
    name: "timezone: UTC in deterministic mode",
    guest: "tz",
    options: { deterministic: true },
    exitCode: 0,
    stdout: 'iana Some("UTC")\noffset Some(0)\noffset Some(0)\ndebug UTC\n',
  },
  {
    name: "sockets: not-supported, literal lookups, no resolver",
    guest: "sockets",
    exitCode: 0,
    stdout:
      "tcp Some(ErrorCode::NotSupported)\n" +
      "udp Some(ErrorCode::NotSupported)\n" +
      "lookup ip Ok([IpAddress::Ipv4((127, 0, 0, 1))])\n" +
      "lookup bad Err(ErrorCode::InvalidArgument)\n" +
      "lookup name Err(ErrorCode::PermanentResolverFailure)\n",
  },
];

/** The big file fs.rs leaves behind: bytes i % 251. */
export function bigBin() {
  return Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
}
