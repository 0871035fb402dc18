import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure stages and adapters on local files/servers) and `e2e` (a real kube-apiserver
// started once by the global setup). CI runs both; nothing is skipped silently.
// CI asks for a JSON result per invocation (NETPOL_DRIFT_TEST_JSON_DIR) to print one closing count line.
const jsonDir = process.env.NETPOL_DRIFT_TEST_JSON_DIR;

export default defineConfig({
  test: {
    reporters: jsonDir ? ["default", ["json", { outputFile: `${jsonDir}/vitest-${process.pid}.json` }]] : ["default"],
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
