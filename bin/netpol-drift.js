#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs via `prepare`).
import module from "node:module";

// Node 22.1+ can cache compiled modules between runs (client-node alone is ~0.5 s to compile); Node 20 cannot.
module.enableCompileCache?.();
const { main } = await import("../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
