import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Scope } from "../compare/scope.js";
import type { Logger } from "../log/logger.js";
import type { NormalizedPolicy, NormalizeOptions, Report } from "../model/types.js";
import { render, type OutputFormat } from "../render/index.js";
import { loadDesired } from "../sources/desired/index.js";
import { readLivePolicies } from "../sources/live/file.js";
import type { LivePolicies } from "../sources/live/types.js";
import { InSyncSharing } from "../compare/same.js";
import { liveNormalizer } from "../normalize/live.js";
import { internPolicy, StringTable } from "../normalize/strings.js";
import { resolveAnalysisOptions, type AnalysisSettings } from "./analysis-options.js";
import { exitCodeOf } from "./build-report.js";
import { detect } from "./detect.js";
import { readWorkloads, type WorkloadsSource } from "./workloads.js";

export type LiveSourceOptions =
  | { kind: "file"; file: string; allNamespaces?: boolean }
  | { kind: "cluster"; kubeconfig?: string; context?: string; pageSize: number };

export interface SourceOptions {
  desired: string;
  defaultNamespace?: string;
  live: LiveSourceOptions;
  scope: Scope;
  normalize: NormalizeOptions;
  clusterName?: string;
  /** Traffic analysis settings; a Helm values file among them is read while detecting. Absent = defaults. */
  analysis?: AnalysisSettings;
  /** Namespaces and pods for the analysis; absent = representatives. */
  workloads?: WorkloadsSource;
}

export interface ReportOptions extends SourceOptions {
  output: OutputFormat;
  outFile?: string;
  color: boolean;
}

export interface ReportIO {
  stdout: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
  logger: Logger;
  now: () => Date;
}

/** Wire the real adapters (fs, client-node) and detect. Shared by `report` and the nightly `run`. */
export async function detectFromSources(opts: SourceOptions, io: Omit<ReportIO, "stdout">): Promise<Report> {
  const log = io.logger;
  const started = Date.now();
  const { analysis, workloads } = opts;
  const known: { context?: string } = {};
  // Both sides repeat the same names and label values tens of thousands of times: one copy of each.
  const strings = new StringTable();
  // In-sync live policies take the desired side's objects as they are read (compare/same.ts). A capture is
  // read once the desired side is loaded, so every one of them can; a cluster list overlaps the load.
  const sharing = new InSyncSharing();
  const desiredLoaded = (async () => {
    const desired = await loadDesired(opts.desired, {
      defaultNamespace: opts.defaultNamespace,
      normalize: opts.normalize,
    });
    for (const p of desired.policies) internPolicy(p, strings);
    sharing.use(desired.policies);
    return desired;
  })();
  const report = await detect(
    {
      loadDesired: () => desiredLoaded,
      listLive: async () => {
        if (opts.live.kind === "file") await desiredLoaded;
        return listLive(
          opts,
          io,
          liveNormalizer(opts.normalize, strings, (p) => sharing.share(p)),
          known,
        );
      },
      order: "together",
      now: io.now,
      ...(analysis ? { loadAnalysisOptions: () => resolveAnalysisOptions(analysis) } : {}),
      ...(workloads ? { loadWorkloads: () => readWorkloads(workloads, { stdin: io.stdin, logger: log }) } : {}),
    },
    { scope: opts.scope, normalize: opts.normalize, desiredRoot: opts.desired, clusterName: opts.clusterName },
  );
  // A failed list still knows which cluster it was about: the one its kubeconfig context names.
  if (!report.cluster && known.context) report.cluster = known.context;
  for (const p of report.problems) log.error({ problem: p }, "report is incomplete");
  const fields = {
    summary: report.summary,
    complete: report.complete,
    requests: report.sources.requests,
    ms: Date.now() - started,
  };
  if (!report.complete) log.error(fields, "report incomplete: no verdict for what is listed under problems");
  else
    log.info(
      fields,
      report.drift.length === 0
        ? "in sync: no drift"
        : `drift detected: ${report.drift.length} ${report.drift.length === 1 ? "policy" : "policies"}`,
    );
  return report;
}

async function listLive(
  opts: SourceOptions,
  io: Omit<ReportIO, "stdout">,
  normalize: (raw: Record<string, unknown>) => NormalizedPolicy,
  known: { context?: string },
): Promise<LivePolicies> {
  const live = opts.live;
  if (live.kind === "file")
    return readLivePolicies(live.file, normalize, io.stdin, { allNamespaces: live.allNamespaces });
  // client-node takes most of a second to load: only a cluster source pays for it.
  const { listCluster, loadKubeConfig } = await import("../sources/live/cluster.js");
  const kc = loadKubeConfig({ kubeconfig: live.kubeconfig, context: live.context });
  known.context = kc.getCurrentCluster()?.name || kc.getCurrentContext();
  return listCluster(kc, {
    namespaces: opts.scope.namespaces,
    normalize,
    pageSize: live.pageSize,
    onPage: ({ namespace, page, items }) => {
      // Long lists say how far they got; short ones stay quiet at info level.
      const level = page % 20 === 0 ? "info" : "debug";
      io.logger[level]({ namespace, page, items }, "listed a page of NetworkPolicies");
    },
    onRestart: ({ namespace, page }) =>
      io.logger.warn({ namespace, page }, "the continue token expired (410 Gone): listing again from the start, once"),
  });
}

/** `netpol-drift report`: detect, render, write; returns the exit code. */
export async function runReport(opts: ReportOptions, io: ReportIO): Promise<number> {
  const report = await detectFromSources(opts, io);
  const text = render(report, opts.output, { color: opts.color && !opts.outFile });
  if (opts.outFile) await writeAtomically(opts.outFile, text);
  else io.stdout.write(text);
  return exitCodeOf(report);
}

/**
 * Write to a temp file next to FILE, flush it and rename, so a reader never sees half a report. Any failure
 * (a full disk, a file-size limit, FILE being a folder) removes the temp file and names FILE in the error.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  let created = false;
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const handle = await open(tmp, "w");
    created = true;
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    if (created) await rm(tmp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot write ${file}: ${e.code ? `${errnoText(e)} (${e.code})` : e.message}`, { cause: err });
  }
}

// Node's messages repeat the syscall and a path (the temp file's, not the one the user named).
function errnoText(e: NodeJS.ErrnoException): string {
  return e.message.replace(/^[A-Z0-9_]+: /, "").replace(/, [a-z]+(?: .*)?$/, "");
}
