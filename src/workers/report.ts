// `netpol-drift report`, and the detection the nightly `run` shares: gather both sides and the analysis inputs
// (sources/), call core/detect, render, write. Read-only: nothing here writes to the cluster.
import { detect, reportOutcome } from "../core/detect.js";
import { type Normalizer, normalizerFor } from "../core/normalizer.js";
import { InSyncSharing } from "../compare/same.js";
import { StringTable } from "../normalize/strings.js";
import type { AnalysisOptions } from "../analyse/types.js";
import { defaultAnalysisOptions } from "../analyse/types.js";
import type { Logger } from "../log/logger.js";
import { SourceError } from "../model/errors.js";
import type { WorkerResult } from "../model/outcome.js";
import type { LiveInput, SourceOptions } from "../model/sources.js";
import type { NormalizedPolicy, Problem, Report } from "../model/types.js";
import type { Workloads } from "../model/workloads.js";
import { type OutputFormat, render } from "../render/index.js";
import { writeAtomically } from "../sinks/file.js";
import { loadDesiredWith } from "../sources/desired/index.js";
import { captureScope } from "../sources/live/capture-scope.js";
import { policiesFromScan, type ScanFeed, startCaptureScan, type Twins } from "../sources/live/capture-thread.js";
import { readLivePolicies } from "../sources/live/file.js";
import type { CaptureFacts } from "../sources/live/types.js";
import { rulesFor } from "../rules/load.js";
import { readWorkloads } from "../sources/workloads/index.js";
import { readAnalysisOptions } from "./inputs.js";

export interface ReportOptions extends SourceOptions {
  output: OutputFormat;
  outFile?: string;
  color: boolean;
}

export interface DetectIO {
  stdin?: NodeJS.ReadableStream;
  logger: Logger;
  now: () => Date;
}

/** `netpol-drift report`: detect, render, write to --out or hand the text back for stdout. */
export async function runReport(opts: ReportOptions, io: DetectIO): Promise<WorkerResult> {
  const report = await detectFromSources(opts, io);
  const text = render(report, opts.output, { color: opts.color && !opts.outFile });
  if (opts.outFile) await writeAtomically(opts.outFile, text);
  return { outcome: reportOutcome(report), stdout: opts.outFile ? "" : text };
}

/**
 * Wire the real sources (fs, the API server) and detect; shared by `report` and the nightly `run`. The desired
 * folder is read while the live list is in flight (the list waits on the API server, the load on the disk and
 * the CPU); a capture file is scanned on a reader thread meanwhile, and its policies are taken once the desired
 * side is loaded, so its in-sync policies share the desired side's objects.
 */
export async function detectFromSources(opts: SourceOptions, io: DetectIO): Promise<Report> {
  return (await detectWithSides(opts, io)).report;
}

/** The normalised desired and live policies of the drifted keys only (what accepting the drift edits). */
export interface DriftSides {
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
}

/** detectFromSources, and both sides of what drifted (the nightly run's accept); the rest is not kept. */
export async function detectWithSides(
  opts: SourceOptions,
  io: DetectIO,
): Promise<{ report: Report; sides: DriftSides }> {
  const log = io.logger;
  const started = Date.now();
  // In-sync live policies take the desired side's objects as they are read (compare/same.ts): a capture's are
  // taken once the desired side is loaded, so every one of them can; a cluster list overlaps the load.
  const sharing = new InSyncSharing();
  const normalize = normalizerFor(opts.normalize, new StringTable(), (p) => sharing.share(p));
  // A capture file is scanned on a second thread meanwhile; its in-sync policies then come from the desired side.
  const source = opts.live;
  const scan =
    source.kind === "file" && source.file !== "-" ? startCaptureScan(source.file, opts.normalize) : undefined;
  // Both sources get the one normaliser: each object is normalised as it is read, on either side.
  const desiredRead = loadDesiredWith(opts.desired, normalize, {
    defaultNamespace: opts.defaultNamespace,
    ...(opts.skip ? { skip: opts.skip } : {}),
  }).then((d) => {
    sharing.use(d.policies);
    return d;
  });
  const listed =
    source.kind === "file"
      ? desiredRead.then(() => listLive(opts, io, normalize, { feed: scan, twins: sharing }))
      : listLive(opts, io, normalize);
  const [desired, live, analysis, rules] = await Promise.all([
    desiredRead,
    listed,
    analysisInputs(opts, io),
    rulesFor(opts.desired, opts.rules),
  ]).catch((err: unknown) => {
    scan?.cancel(); // nothing will read it: the reader thread must not keep the process alive
    throw err;
  });
  const covered =
    "capture" in live && live.capture
      ? { ...live, coverage: captureScope(live.capture, opts.scope, namespacesOf(desired.policies)) }
      : live;
  const report = detect({
    desired,
    live: covered,
    analysis,
    rules,
    scope: opts.scope,
    normalize,
    naming: {
      desired: opts.desiredLabel ?? opts.desired,
      ...(opts.clusterName ? { cluster: opts.clusterName } : {}),
      generatedAt: io.now().toISOString(),
    },
  });
  const drifted = new Set(report.drift.map((d) => `${d.namespace}/${d.name}`));
  const pick = (ps: readonly NormalizedPolicy[]) => ps.filter((p) => drifted.has(`${p.namespace}/${p.name}`));
  const sides: DriftSides = {
    desired: drifted.size > 0 ? pick(desired.policies) : [],
    live: drifted.size > 0 && "policies" in covered ? pick(covered.policies) : [],
  };
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
  return { report, sides };
}

function namespacesOf(objects: { namespace: string }[]): Set<string> {
  return new Set(objects.map((o) => o.namespace));
}

/** A capture's scan on the reader thread (sources/live/capture-thread.ts), and the desired side's twins. */
interface Scanned {
  feed: ScanFeed | undefined;
  twins: Twins;
}

/** The live side as the sources hand it over; a capture says what it holds, judged against the desired side. */
type Listed = LiveInput & { capture?: CaptureFacts };

/** The live side, normalised as listed; a source that could not be read whole is a LiveFailure, never partial. */
async function listLive(opts: SourceOptions, io: DetectIO, normalize: Normalizer, scanned?: Scanned): Promise<Listed> {
  const known: { context?: string } = {};
  try {
    return await listWith(opts, io, normalize, known, scanned);
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    // A failed list still knows which cluster it was about: the one its kubeconfig context names.
    return {
      problem: err.problem,
      origin: err.problem.call ?? "",
      ...(known.context ? { cluster: known.context } : {}),
    };
  }
}

async function listWith(
  opts: SourceOptions,
  io: DetectIO,
  normalize: Normalizer,
  known: { context?: string },
  scanned?: Scanned,
): Promise<Listed> {
  const live = opts.live;
  // The same normaliser as the desired side's, each policy normalised as it is read (page or capture item).
  if (live.kind === "file") {
    const read = { allNamespaces: live.allNamespaces };
    const feed = scanned?.feed;
    const fromScan = feed && (await policiesFromScan(live.file, feed, scanned.twins, (raw) => normalize(raw), read));
    // No scan (stdin, YAML, a fault whose error the reader words, a file changed meanwhile): read it whole.
    return fromScan ?? readLivePolicies(live.file, (raw) => normalize(raw), io.stdin, read);
  }
  // client-node takes most of a second to load: only a cluster source pays for it.
  const { listCluster, loadKubeConfig } = await import("../sources/live/cluster.js");
  const kc = loadKubeConfig({ kubeconfig: live.kubeconfig, context: live.context });
  known.context = kc.getCurrentCluster()?.name || kc.getCurrentContext();
  return listCluster(kc, {
    namespaces: opts.scope.namespaces,
    normalize: (raw) => normalize(raw),
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

/** Settings and workloads; a failure to read either becomes a problem of the report, never a silent default. */
async function analysisInputs(
  opts: SourceOptions,
  io: DetectIO,
): Promise<{ options: AnalysisOptions; workloads?: Workloads; problems?: Problem[] }> {
  const problems: Problem[] = [];
  const asProblem = (err: unknown) => {
    if (!(err instanceof SourceError)) throw err;
    problems.push(err.problem);
    return undefined;
  };
  const [options, workloads] = await Promise.all([
    opts.analysis ? readAnalysisOptions(opts.analysis).catch(asProblem) : undefined,
    opts.workloads ? readWorkloads(opts.workloads, io).catch(asProblem) : undefined,
  ]);
  return {
    options: options ?? defaultAnalysisOptions(),
    ...(workloads ? { workloads } : {}),
    ...(problems.length > 0 ? { problems } : {}),
  };
}
