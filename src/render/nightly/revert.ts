import { markdownCode, markdownFence, markdownText, visible } from "../escape.js";

// Revert = one command per policy, for the PR/MR body and the change record: what puts the cluster back to git.
//
// - Modified and missing: server-side apply of the desired manifest as the field manager below, with
//   --force-conflicts: the drifted fields belong to whoever changed them (kubectl-edit, say), and a plain apply
//   would stop at the conflict. A file that holds only this policy is applied as the file (`-f path`); from a
//   file with other documents only this policy's document is applied, on stdin, so nothing else is touched.
//   `-n` names the namespace: a manifest that leaves it to the folder convention would otherwise land in the
//   kubeconfig's default namespace.
// - Apply never removes a field it does not name (another manager owns it). What the cluster has and git has
//   not (a label added by hand, an egress list where git has none, policyTypes git leaves to the default) is
//   cleared by a JSON merge patch after the apply; labels of other tools (not compared) are left alone.
// - Unmanaged: `kubectl delete networkpolicy`.
// Every name and path is shell-quoted: they come from the cluster or the repository and are untrusted.

export const REVERT_FIELD_MANAGER = "netpol-drift-revert";

export interface RevertStep {
  state: "modified" | "missing" | "unmanaged";
  namespace: string;
  name: string;
  /** The desired file from the repository root, when the policy is all it holds. */
  file?: string;
  /** Otherwise the policy's manifest (YAML), applied on stdin. */
  document?: string;
  /** A JSON merge patch run after the apply, for what apply cannot remove. */
  patch?: Record<string, unknown>;
}

/** The commands, one shell command per entry (a heredoc one spans lines), applies first, then deletes. */
export function revertCommands(steps: readonly RevertStep[]): string[] {
  const sorted = [...steps].sort((a, b) => rank(a) - rank(b) || cmpKey(a, b));
  const out: string[] = [];
  for (const s of sorted) {
    const target = `-n ${shellQuote(s.namespace)}`;
    if (s.state === "unmanaged") {
      out.push(`kubectl delete networkpolicy ${target} ${shellQuote(s.name)}`);
      continue;
    }
    const apply = `kubectl apply --server-side --force-conflicts --field-manager=${REVERT_FIELD_MANAGER} ${target}`;
    if (s.file !== undefined) out.push(`${apply} -f ${shellQuote(s.file)}`);
    else if (s.document !== undefined) {
      const end = heredocEnd(s.document);
      out.push(`${apply} -f - <<'${end}'\n${s.document.replace(/\n$/, "")}\n${end}`);
    }
    if (s.patch && Object.keys(s.patch).length > 0)
      out.push(
        `kubectl patch networkpolicy ${target} ${shellQuote(s.name)} --type=merge --field-manager=${REVERT_FIELD_MANAGER} -p ${shellQuote(JSON.stringify(s.patch))}`,
      );
  }
  return out;
}

/**
 * The PR/MR body's revert section: what the commands do, then the commands in one fenced block inside
 * `<details>` (they can be long). `-f` paths are from the repository root of `base`, the branch whose files
 * are git's state (the PR's own branch holds the accepted live state). Over `maxChars` the block keeps the first commands that fit and says how many
 * more there are and where they all are (`moreHint`, e.g. the change record).
 */
export function revertMarkdown(
  steps: readonly RevertStep[],
  opts: { maxChars?: number; moreHint?: string; base?: string } = {},
): string {
  if (steps.length === 0) return "";
  const commands = revertCommands(steps);
  const budget = opts.maxChars ?? Number.POSITIVE_INFINITY;
  const kept: string[] = [];
  let used = 0;
  for (const c of commands) {
    if (used + c.length + 1 > budget && kept.length > 0) break;
    kept.push(c);
    used += c.length + 1;
  }
  const rest = commands.length - kept.length;
  const lines = [
    "### Revert instead: put the cluster back to git",
    "",
    `Run these against the cluster${opts.base ? `, from the root of a checkout of ${markdownCode(opts.base)} (this branch holds the live state, not git's)` : ""}: server-side apply as field manager ${markdownCode(REVERT_FIELD_MANAGER)}, taking the drifted fields back from whoever changed them. The next run then reports the drift resolved, and this PR can be closed.`,
    "",
    `<details><summary>Commands (${commands.length})</summary>`,
    "",
    markdownFence(kept.join("\n"), "sh"),
    "",
    ...(rest > 0 ? [`_…${rest} more not shown${opts.moreHint ? `: ${opts.moreHint}` : ""}._`, ""] : []),
    "</details>",
  ];
  return lines.join("\n");
}

/** One policy accept could not write into the desired folder, as core/accept reports it. */
export interface AcceptRefused {
  namespace: string;
  name: string;
  file?: string;
  reason: string;
}

const REFUSAL_TEXT: Record<string, string> = {
  "not-found": "its file no longer holds it as the run read it",
  unparsable: "its file does not parse",
  "yaml-references": "it uses YAML anchors, aliases or merge keys, which one edit cannot change alone",
  "bad-name": "its name or namespace is not a valid Kubernetes name, so it cannot become a file name",
  "folder-is-a-file": "its namespace folder's name is taken by a file",
  "reserved-folder": "its namespace folder is the change records folder",
  "no-equivalent-edit": "no edit that reads back as the live policy was found",
  "linked-file": "its file is a symbolic link shared with other folders, and editing it would change them too",
  kustomization: "the kustomization that lists its file cannot be edited (not YAML, or `resources` is not a list)",
};

/** The PR/MR body's note on the drift that merging does not accept: those stay drifting until edited by hand. */
export function acceptRefusedMarkdown(refused: readonly AcceptRefused[]): string {
  if (refused.length === 0) return "";
  const items = refused.map((r) => {
    const where = r.file ? ` in ${markdownCode(r.file)}` : "";
    return `- ${markdownCode(`${r.namespace}/${r.name}`)}${where}: ${REFUSAL_TEXT[r.reason] ?? markdownText(r.reason)}`;
  });
  return ["Merging does not accept the drift of these; edit them by hand to accept it:", "", ...items].join("\n");
}

/**
 * A POSIX shell word that is exactly `s`: single-quoted (nothing is special inside but `'`, written `'\''`).
 * Text with characters a reader cannot see (control characters, bidi overrides) is written as bash's `$'…'`
 * with escapes instead, so the command shows what it runs and runs what it shows.
 */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_./=:@%+,-]+$/.test(s)) return s;
  if (visible(s) === s) return `'${s.replace(/'/g, "'\\''")}'`;
  const body = [...s]
    .map((ch) => {
      if (ch === "\\") return "\\\\";
      if (ch === "'") return "\\'";
      if (visible(ch) === ch) return ch;
      const code = ch.codePointAt(0) as number;
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    })
    .join("");
  return `$'${body}'`;
}

/** A heredoc delimiter that is no line of the document. */
function heredocEnd(doc: string): string {
  const lines = new Set(doc.split("\n"));
  let end = "NETPOL_DRIFT_EOF";
  for (let n = 2; lines.has(end); n++) end = `NETPOL_DRIFT_EOF_${n}`;
  return end;
}

function rank(s: RevertStep): number {
  return s.state === "unmanaged" ? 1 : 0;
}

function cmpKey(a: RevertStep, b: RevertStep): number {
  const x = `${a.namespace}/${a.name}`;
  const y = `${b.namespace}/${b.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
