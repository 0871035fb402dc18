import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  acceptRefusedMarkdown,
  REVERT_FIELD_MANAGER,
  revertCommands,
  revertMarkdown,
  shellQuote,
} from "../../../src/render/nightly/revert.js";

// The shell is the judge: each quoted word is handed to a real bash (and dash for the POSIX form) and must come
// back as exactly the text it quotes, and a hostile word must not run anything.
function echoed(shell: string, words: string[]): string[] {
  const script = `printf '%s\\0' ${words.join(" ")}`;
  return execFileSync(shell, ["-c", script], { encoding: "utf8" }).split("\0").slice(0, -1);
}

const pwned = path.join(tmpdir(), `netpol-drift-pwned-${process.pid}`);
const hostile = [
  "web",
  "a b",
  "it's",
  `'; touch ${pwned}; '`,
  `$(touch ${pwned})`,
  `"; touch ${pwned}; "`,
  "`id`",
  "$" + "{HOME}", // a parameter expansion, spelt so the linter does not take it for a template
  "back\\slash",
  "-n",
  "*",
  "new\nline",
  "esc\u001b[31mred",
  "bidi\u202eevil",
  "ünïcødé/ns/../x.yaml",
  "",
];

describe("revert: shell quoting", () => {
  it("round-trips every hostile word through bash exactly", () => {
    expect(echoed("bash", hostile.map(shellQuote))).toEqual(hostile);
    expect(existsSync(pwned)).toBe(false);
  });

  it("uses plain single quotes (POSIX sh) for what has no invisible character", () => {
    const visible = hostile.filter((w) => !/[\n\u001b\u202e]/.test(w));
    expect(echoed("dash", visible.map(shellQuote))).toEqual(visible);
    expect(shellQuote("stratmaster/api-to-postgres.yaml")).toBe("stratmaster/api-to-postgres.yaml");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it("shows invisible characters as escapes, so the command reads as it runs", () => {
    expect(shellQuote("esc\u001b[31mred")).toBe("$'esc\\x1b[31mred'");
    expect(shellQuote("bidi\u202eevil")).toBe("$'bidi\\u202eevil'");
    expect(shellQuote("new\nline")).toBe("$'new\\x0aline'");
  });
});

describe("revert: the commands", () => {
  const steps = [
    { state: "unmanaged" as const, namespace: "tenant-acme", name: "hotfix" },
    {
      state: "modified" as const,
      namespace: "stratmaster",
      name: "api-to-postgres",
      file: "ops/network policies/stratmaster/api-to-postgres.yaml",
      patch: { metadata: { labels: { team: null } }, spec: { egress: null } },
    },
    {
      state: "missing" as const,
      namespace: "database",
      name: "default-deny",
      document:
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nNETPOL_DRIFT_EOF\n",
    },
  ];

  it("applies server-side as the named field manager in the policy's namespace, then deletes the unmanaged", () => {
    expect(revertCommands(steps)).toEqual([
      `kubectl apply --server-side --force-conflicts --field-manager=${REVERT_FIELD_MANAGER} -n database -f - <<'NETPOL_DRIFT_EOF_2'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nNETPOL_DRIFT_EOF\nNETPOL_DRIFT_EOF_2`,
      `kubectl apply --server-side --force-conflicts --field-manager=netpol-drift-revert -n stratmaster -f 'ops/network policies/stratmaster/api-to-postgres.yaml'`,
      `kubectl patch networkpolicy -n stratmaster api-to-postgres --type=merge --field-manager=netpol-drift-revert -p '{"metadata":{"labels":{"team":null}},"spec":{"egress":null}}'`,
      "kubectl delete networkpolicy -n tenant-acme hotfix",
    ]);
  });

  it("hands the heredoc document to the command verbatim, even one holding the usual delimiter", () => {
    const [heredoc] = revertCommands([steps[2] as never]);
    // `cat` stands in for kubectl: what it reads on stdin is what kubectl would apply.
    const stdin = execFileSync("bash", ["-c", (heredoc as string).replace(/^kubectl apply [^<]*/, "cat ")], {
      encoding: "utf8",
    });
    expect(stdin).toBe(steps[2]?.document);
  });

  it("quotes hostile names and paths, which then cannot run anything", () => {
    const [cmd] = revertCommands([{ state: "unmanaged", namespace: "$(id)", name: "x'; id; '" }]);
    expect(cmd).toBe(`kubectl delete networkpolicy -n '$(id)' 'x'\\''; id; '\\'''`);
    const argv = execFileSync("bash", ["-c", (cmd as string).replace(/^kubectl /, "printf '%s\\0' ")], {
      encoding: "utf8",
    });
    expect(argv.split("\0").slice(0, -1)).toEqual(["delete", "networkpolicy", "-n", "$(id)", "x'; id; '"]);
  });

  it("is a fenced block in Markdown that backticks in a path cannot close", () => {
    const md = revertMarkdown([{ state: "missing", namespace: "ns", name: "p", file: "a/```/b.yaml" }]);
    expect(md).toContain("`netpol-drift-revert`");
    expect(revertMarkdown([{ state: "unmanaged", namespace: "ns", name: "p" }], { base: "main" })).toContain(
      "from the root of a checkout of `main` (this branch holds the live state, not git's)",
    );
    const fence = /^(`{3,})sh$/m.exec(md)?.[1] as string;
    expect(fence.length).toBeGreaterThan(3);
    expect(md.endsWith(`\n${fence}\n\n</details>`)).toBe(true);
    expect(md).toContain("-f 'a/```/b.yaml'");
    expect(revertMarkdown([])).toBe("");
  });
});

describe("revert: the Markdown section and the accept refusals", () => {
  it("keeps the commands that fit the budget and says how many more there are and where", () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      state: "unmanaged" as const,
      namespace: "ns",
      name: `p-${i}`,
    }));
    const md = revertMarkdown(many, { maxChars: 200, moreHint: "the change record lists all" });
    const shown = md.match(/^kubectl delete/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(50);
    expect(md).toContain(`_…${50 - shown} more not shown: the change record lists all._`);
    expect(md).toContain("<details><summary>Commands (50)</summary>");
    expect(revertMarkdown(many)).not.toContain("more not shown");
  });

  it("names what merging does not accept, each name as code", () => {
    const md = acceptRefusedMarkdown([
      { namespace: "shop", name: "web", file: "shop/*web*.yaml", reason: "yaml-references" },
      { namespace: "x", name: "[y](http://evil)", reason: "bad-name" },
    ]);
    expect(md).toContain("- `shop/web` in `shop/*web*.yaml`: it uses YAML anchors");
    expect(md).toContain("- `x/[y](http://evil)`: its name or namespace is not a valid Kubernetes name");
    expect(acceptRefusedMarkdown([])).toBe("");
  });
});
