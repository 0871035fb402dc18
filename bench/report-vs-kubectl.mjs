#!/usr/bin/env node
// Benchmark: `netpol-drift report` against a real kube-apiserver vs `kubectl get netpol -A -o json` on the
// same machine, same cluster, same run. Prints medians, peak RSS and the ratio; asserts nothing.
//
//   npm run build && node bench/report-vs-kubectl.mjs [--policies 3000] [--namespaces 60] [--runs 7] [--baseline OTHER/bin/netpol-drift.js]
import os from "node:os";
import { parseArgs } from "node:util";
import { liveVsKubectl } from "./lib-live.mjs";
import { fmt } from "./lib-measure.mjs";

const { values } = parseArgs({
  options: {
    policies: { type: "string", default: "3000" },
    namespaces: { type: "string", default: "60" },
    runs: { type: "string", default: "7" },
    baseline: { type: "string" },
  },
});
const [result] = await liveVsKubectl({
  steps: [Number(values.policies)],
  namespaces: Number(values.namespaces),
  runs: Number(values.runs),
  baselineBin: values.baseline,
});
console.log(
  `${result.policies} policies in ${result.namespaces} namespaces, ${values.runs} runs each, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
);
for (const [name, r] of [
  ["kubectl get netpol -A -o json", result.kubectl],
  ["netpol-drift report (list + load + compare)", result.report],
  ...(result.baseline ? [[`baseline ${values.baseline}`, result.baseline]] : []),
]) {
  console.log(
    `${name.padEnd(46)} median ${r.ms.toFixed(0).padStart(6)} ms   peak RSS ${fmt.mb(r.rssMB).padStart(7)}   ratio ${(r.ms / result.kubectl.ms).toFixed(2)}x`,
  );
}
