// The JS lint gate (npm run check): eslint's recommended rules over the
// package, the CLI, the playground, the tests, the bench and the scripts.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: [
      "pkg/**",
      "pkg-test/**",
      "test-output/**",
      "tools/**",
      "dist/**",
      "target/**",
      "node_modules/**",
      "tests/guests/**",
      "tests/p2guests/**",
      "bench/target/**",
      "bench/.cache/**",
    ],
  },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      // Terminal escape sequences are control characters on purpose.
      "no-control-regex": "off",
    },
  },
  {
    // Functions the tests hand to page.evaluate() run in a page where these
    // are globals (tests/js/helpers/pages.js sets them up).
    files: ["tests/js/**/*.js"],
    languageOptions: { globals: { wasiWeb: "readonly", guest: "readonly", setupFs: "readonly" } },
  },
];
