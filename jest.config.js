/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // spawned tests run the built CLI: never a stale one
  globalSetup: "<rootDir>/scripts/ensure-build.cjs",
  testTimeout: 120000,
};
