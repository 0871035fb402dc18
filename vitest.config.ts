import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure stages and adapters on local files/servers) and `e2e` (a real kube-apiserver
// started once by the global setup). CI runs both; nothing is skipped silently.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
