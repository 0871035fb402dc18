import { validate, ValidationSeverity } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { dockerfileText, dockerignore, parseStages, type Stage, type Step } from "./dockerfile.js";

const stages = parseStages();
const runtime = stages.at(-1) as Stage;
const build = stages.find((s) => s.name === "build");
const of = <K extends Step["kind"]>(stage: Stage, kind: K) => stage.steps.filter((s): s is Extract<Step, { kind: K }> => s.kind === kind);

describe("Dockerfile", () => {
  it("passes the dockerfile-utils linter with no diagnostics", () => {
    const strict = ValidationSeverity.ERROR;
    const diagnostics = validate(dockerfileText(), { instructionWorkdirRelative: strict, instructionJSONInSingleQuotes: strict, emptyContinuationLine: strict });
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it("the linter is real: it flags a broken Dockerfile", () => {
    expect(validate("FROM node\nRUNN true\nCOPY --frm=x a b\n").length).toBeGreaterThanOrEqual(2);
  });

  it("is multi-stage, with Node 24 at runtime", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(runtime.base).toMatch(/^node:24([.-]|$)/);
    expect(of(runtime, "COPY").every((c) => c.from === "build")).toBe(true); // nothing from the build context
  });

  it("installs production dependencies only, from the lockfile, without lifecycle scripts", () => {
    const installs = of(runtime, "RUN").flatMap((r) => r.command.split("&&").map((c) => c.trim())).filter((c) => /^npm (ci|install|i)\b/.test(c));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/^npm ci\b/);
    expect(installs[0]).toContain("--omit=dev");
    expect(installs[0]).toContain("--ignore-scripts");
  });

  it("has git at runtime and runs as a numeric non-root user with the netpol-drift entrypoint", () => {
    expect(of(runtime, "RUN").some((r) => /apt-get install\b.*\bgit\b/.test(r.command))).toBe(true);
    const users = of(runtime, "USER");
    const user = users.at(-1)?.user ?? "0";
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    const entrypoint = of(runtime, "ENTRYPOINT").at(-1)?.argv ?? [];
    expect(entrypoint.at(-1)).toBe("netpol-drift");
    expect(of(runtime, "CMD").at(-1)?.argv).toEqual(["run"]);
  });

  it("bakes in no secret", () => {
    const names = stages.flatMap((s) => of(s, "ENV").flatMap((e) => e.vars.map(([n]) => n)));
    expect(names.filter((n) => /TOKEN|SECRET|PASSWORD|WEBHOOK|KEY/i.test(n))).toEqual([]);
    expect(dockerfileText()).not.toMatch(/\bARG\s+\w*(TOKEN|SECRET|PASSWORD|WEBHOOK)/i);
    expect(dockerignore()).toEqual(expect.arrayContaining([".git", "node_modules", ".env", ".env.*", ".npmrc"]));
    expect(stages.flatMap((s) => of(s, "OTHER").map((o) => o.keyword))).toEqual([]); // only instructions the replay knows
  });
});
