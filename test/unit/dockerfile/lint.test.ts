import { validate, ValidationSeverity } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { dockerfileText, dockerignore, parseStages, type Stage, type Step } from "./dockerfile.js";

const stages = parseStages();
const runtime = stages.at(-1) as Stage;
const build = stages.find((s) => s.name === "build");
const of = <K extends Step["kind"]>(stage: Stage, kind: K) =>
  stage.steps.filter((s): s is Extract<Step, { kind: K }> => s.kind === kind);

describe("Dockerfile", () => {
  it("passes the dockerfile-utils linter with no diagnostics", () => {
    const strict = ValidationSeverity.ERROR;
    const diagnostics = validate(dockerfileText(), {
      instructionWorkdirRelative: strict,
      instructionJSONInSingleQuotes: strict,
      emptyContinuationLine: strict,
    });
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it("the linter is real: it flags a broken Dockerfile", () => {
    expect(validate("FROM node\nRUNN true\nCOPY --frm=x a b\n").length).toBeGreaterThanOrEqual(2);
  });

  it("is multi-stage, with Node 24 at runtime", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(runtime.base).toMatch(/^node:24([.-]|$)/);
    // nothing from the build context: only what earlier stages made
    expect(
      of(runtime, "COPY").every((c) => c.from !== undefined && stages.some((s) => s !== runtime && s.name === c.from)),
    ).toBe(true);
  });

  it("installs production dependencies only, from the lockfile, without lifecycle scripts or optional pino-pretty", () => {
    const npmSteps = (stage: Stage) =>
      of(stage, "RUN")
        .flatMap((r) => r.command.split(/&&|;/).map((c) => c.trim()))
        .filter((c) => /^npm (ci|install|i)\b/.test(c));
    expect(npmSteps(runtime)).toEqual([]); // the runtime stage copies a finished tree
    const shipped = of(runtime, "COPY").map((c) => stages.find((s) => s.name === c.from) as Stage);
    const installs = [...new Set(shipped)].flatMap(npmSteps);
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/^npm ci\b/);
    for (const flag of ["--omit=dev", "--omit=optional", "--ignore-scripts"]) expect(installs[0]).toContain(flag);
  });

  it("takes extra CA certificates for npm as an optional build secret, never into a layer", () => {
    const npmRuns = stages.flatMap((s) => of(s, "RUN")).filter((r) => /\bnpm ci\b/.test(r.command));
    expect(npmRuns.length).toBeGreaterThanOrEqual(2);
    for (const r of npmRuns) {
      expect(r.flags).toContain("--mount=type=secret,id=extra-ca");
      // only when the secret is there: without it the build is what it is on a machine with plain internet
      expect(r.command).toMatch(
        /^if \[ -s \/run\/secrets\/extra-ca \]; then export NODE_EXTRA_CA_CERTS=\/run\/secrets\/extra-ca; fi;/,
      );
    }
    const envNames = stages.flatMap((s) => of(s, "ENV").flatMap((e) => e.vars.map(([n]) => n)));
    expect(envNames).not.toContain("NODE_EXTRA_CA_CERTS");
    expect(
      stages
        .flatMap((s) => of(s, "COPY"))
        .flatMap((c) => c.sources)
        .filter((f) => /\.(pem|crt)$/.test(f)),
    ).toEqual([]);
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
