import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "coverage", "src/gql", "test-results"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  // The end-to-end tests run in Node (Playwright Test), not in the browser.
  { files: ["e2e/**/*.ts", "playwright.config.ts"], languageOptions: { globals: { ...globals.node } } },
  // The graph benchmark's runner runs in Node; the functions it passes to the page run in the browser.
  { files: ["bench/**/*.mjs"], extends: [js.configs.recommended], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
