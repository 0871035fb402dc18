import { z } from "zod";
import { AnalysisOptionsError, parseAllowList } from "../analyse/options.js";
import { DEFAULT_MAX_FLOWS } from "../analyse/types.js";
import type { IPBlock } from "../model/types.js";

// One table drives the YAML keys, the environment names and the validation, so a key cannot exist in one
// place and be forgotten in another.

const repoPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith("/") && !p.split("/").includes(".."),
    "must be a path inside the repository (relative, no ..)",
  )
  .transform((p) => p.replace(/\/+$/, ""));

// Cluster names end up in a branch name, a folder and commit trailers: keep them to a safe alphabet.
const clusterName = z
  .string()
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/,
    "letters, digits, '.', '_' and '-' only (1-63), starting and ending with a letter or digit",
  );

const branchName = z
  .string()
  .min(1)
  .refine((b) => !/[\s~^:?*[\\]|\.\.|@\{|^[-/]|\/$|\.lock$/.test(b), "is not a valid git branch name");

const positiveInt = z.coerce.number().int().min(0).max(20);

/** Entries of a list setting: comma-separated in the environment; a YAML list arrives here joined the same way. */
const items = (s: string): string[] =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

// A namespace-name glob: the `*` part of a tenant namespace is the tenant's name.
const tenantPattern = z
  .string()
  .regex(/^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/, "is a namespace-name glob: lowercase letters, digits, '-' and one '*'")
  .refine((p) => (p.match(/\*/g) ?? []).length <= 1, "takes at most one '*'");

// The --egress-allow grammar, one parser for both (analyse/options.ts).
const egressAllow = z.string().transform((s, ctx): IPBlock[] => {
  try {
    return parseAllowList([s], "NETPOL_DRIFT_EGRESS_ALLOW");
  } catch (err) {
    if (!(err instanceof AnalysisOptionsError)) throw err;
    ctx.addIssue({ code: "custom", message: err.message.replace(/^NETPOL_DRIFT_EGRESS_ALLOW: /, "") });
    return z.NEVER;
  }
});

const nameList = z.string().transform((s, ctx): string[] => {
  const names = items(s);
  const bad = names.find((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n));
  if (bad !== undefined) {
    ctx.addIssue({ code: "custom", message: `"${bad}" is not a tenant or namespace name (comma-separated names)` });
    return z.NEVER;
  }
  return names;
});

const bool = z.enum(["true", "false"]).transform((v) => v === "true");

export const FIELDS = {
  cluster: {
    env: "NETPOL_DRIFT_CLUSTER",
    help: "the cluster's name: the record folder, the drift branch netpol-drift/NAME, commit trailers (required)",
    schema: clusterName,
  },
  repo: {
    env: "NETPOL_DRIFT_REPO",
    help: "the policy repo's clone URL (https, ssh or file; required)",
    schema: z.string().min(1, "is required"),
  },
  branch: { env: "NETPOL_DRIFT_BRANCH", help: "the target branch", schema: branchName.default("main") },
  desiredPath: {
    env: "NETPOL_DRIFT_DESIRED_PATH",
    help: "the desired-state folder inside the repo",
    schema: repoPath.default("ops/k8s/network-policies"),
  },
  changelog: {
    env: "NETPOL_DRIFT_CHANGELOG",
    help: "the CHANGELOG (default DESIRED_PATH/CHANGELOG.md)",
    schema: repoPath.optional(),
  },
  recordsDir: {
    env: "NETPOL_DRIFT_RECORDS_DIR",
    help: "where change records go (default change-records, at the repo root: outside the desired folder)",
    schema: repoPath.optional(),
  },
  push: {
    env: "NETPOL_DRIFT_PUSH",
    help: "pr: records on netpol-drift/CLUSTER with a PR/MR; direct: onto the target branch",
    schema: z.enum(["pr", "direct"]).default("pr"),
  },
  acceptMode: {
    env: "NETPOL_DRIFT_ACCEPT_MODE",
    help: "pr: the drift branch also writes the live state into the desired files (merge = accept); off",
    schema: z.enum(["pr", "off"]).default("pr"),
  },
  forge: {
    env: "NETPOL_DRIFT_FORGE",
    help: "where PRs/MRs are opened: github, gitlab or none",
    schema: z.enum(["github", "gitlab", "none"]).default("none"),
  },
  forgeUrl: {
    env: "NETPOL_DRIFT_FORGE_URL",
    help: "API URL (GitHub Enterprise https://HOST/api/v3) or GitLab root URL",
    schema: z.url({ protocol: /^https?$/ }).optional(),
  },
  forgeRepo: {
    env: "NETPOL_DRIFT_FORGE_REPO",
    help: "owner/name (GitHub) or group/project (GitLab)",
    schema: z.string().min(1).optional(),
  },
  forgeToken: {
    env: "NETPOL_DRIFT_FORGE_TOKEN",
    help: "the forge's API token (also used for git over https)",
    schema: z.string().min(1).optional(),
  },
  gitToken: {
    env: "NETPOL_DRIFT_GIT_TOKEN",
    help: "a separate token for git over https",
    schema: z.string().min(1).optional(),
  },
  gitUsername: {
    env: "NETPOL_DRIFT_GIT_USERNAME",
    help: "the username with the token (default x-access-token on GitHub, oauth2 on GitLab)",
    schema: z.string().min(1).optional(),
  },
  slackWebhook: {
    env: "NETPOL_DRIFT_SLACK_WEBHOOK",
    help: "the Slack incoming webhook that gets the digest",
    schema: z.url({ protocol: /^https?$/ }).optional(),
  },
  notify: {
    env: "NETPOL_DRIFT_NOTIFY",
    help: "changes: a digest per new record; always: every run; never",
    schema: z.enum(["changes", "always", "never"]).default("changes"),
  },
  authorName: {
    env: "NETPOL_DRIFT_AUTHOR_NAME",
    help: "the commits' author name",
    schema: z.string().min(1).default("netpol-drift[bot]"),
  },
  authorEmail: {
    env: "NETPOL_DRIFT_AUTHOR_EMAIL",
    help: "the commits' author email",
    schema: z.email().default("netpol-drift@noreply.invalid"),
  },
  pushRetries: {
    env: "NETPOL_DRIFT_PUSH_RETRIES",
    help: "times to fetch, re-apply and push again when the remote moved (0-20)",
    schema: positiveInt.default(4),
  },
  // The traffic analysis (as report's flags): tenants, the egress allow-list, air-gapped tenants, Helm values.
  tenantPattern: {
    env: "NETPOL_DRIFT_TENANT_PATTERN",
    help: "tenant namespaces, one '*' for the tenant's name (as report's --tenant-pattern)",
    schema: tenantPattern.optional(),
  },
  egressAllow: {
    env: "NETPOL_DRIFT_EGRESS_ALLOW",
    help: "allowed external egress: comma-separated CIDRs, exceptions after '!' (10.40.12.0/24,203.0.113.0/24!203.0.113.128/25)",
    schema: egressAllow.optional(),
    list: true,
  },
  airGapped: {
    env: "NETPOL_DRIFT_AIR_GAPPED",
    help: "comma-separated tenant names or namespaces without any external egress",
    schema: nameList.optional(),
    list: true,
  },
  values: {
    env: "NETPOL_DRIFT_VALUES",
    help: "the Helm values file, relative to the repo's root, read from the clone",
    schema: repoPath.optional(),
  },
  resolveWorkloads: {
    env: "NETPOL_DRIFT_RESOLVE_WORKLOADS",
    help: "list namespaces and pods from the cluster (needs deploy/optional/workloads-reader.yaml)",
    schema: bool.default(false),
  },
  // How much analysis the report, record and digest carry: full (flows), summary (kinds and counts), off.
  analysis: {
    env: "NETPOL_DRIFT_ANALYSIS",
    help: "how much traffic analysis the record and digest carry: full, summary or off",
    schema: z.enum(["full", "summary", "off"]).default("full"),
  },
  // Past this many flows the least severe namespaces carry counts only, so the run fits its memory limit.
  maxFlows: {
    env: "NETPOL_DRIFT_MAX_FLOWS",
    help: `full analysis: the most flows carried (0 = every flow; default ${DEFAULT_MAX_FLOWS}, about 25 MB of JSON)`,
    schema: z.coerce.number().int().min(0).optional(),
  },
} as const;

export type FieldName = keyof typeof FIELDS;

type Parsed = { [K in FieldName]: z.output<(typeof FIELDS)[K]["schema"]> };

/** The validated configuration, with every default resolved. */
export interface RunConfig extends Omit<Parsed, "changelog" | "recordsDir"> {
  changelog: string;
  recordsDir: string;
  /** Unset recordsDir: the folder records defaulted to before (inside the desired path), read as a fallback. */
  legacyRecordsDir?: string;
}

/** Keys that hold secrets: their values are masked in every log line and error. */
export const SECRET_FIELDS: readonly FieldName[] = ["forgeToken", "gitToken", "slackWebhook"];

export function secretsOf(config: Partial<RunConfig>): string[] {
  const out: string[] = [];
  for (const k of SECRET_FIELDS) {
    const v = config[k];
    if (typeof v === "string") out.push(v);
  }
  // https://user:token@host or https://token@host: the token is the part after ':' or the whole userinfo.
  const userinfo = config.repo?.match(/^[a-z+]+:\/\/([^@/]+)@/i)?.[1];
  if (userinfo)
    out.push(decodeURIComponentSafe(userinfo.includes(":") ? userinfo.slice(userinfo.indexOf(":") + 1) : userinfo));
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
