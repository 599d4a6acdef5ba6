// The JS lint gate (npm run check): eslint's recommended rules over the
// package, the CLI, the playground, the tests, the bench and the scripts.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["pkg/**", "dist/**", "target/**", "node_modules/**", "tests/guests/**", "tests/p2guests/**", "bench/target/**", "bench/cache/**"] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
];
