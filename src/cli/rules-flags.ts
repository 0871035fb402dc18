// `--rules FILE` / `--no-rules`, shared by report, check and diff: one parser, one help text.
import { UsageError } from "../model/errors.js";
import type { FlagValues } from "./flags.js";

export const RULES_FLAGS = {
  rules: { type: "string" },
  "no-rules": { type: "boolean" },
} as const;

export const RULES_HELP = `Rules:
  --rules FILE                  ignore rules, expected live-only policies and waivers (default:
                                .netpol-drift.yaml at the root of the desired folder's git repository)
  --no-rules                    read no rules file`;

/** The rules file asked for: a path, none (false), or the default (undefined). */
export function rulesFlag(v: FlagValues<typeof RULES_FLAGS>): string | false | undefined {
  if (v.rules !== undefined && v["no-rules"]) throw new UsageError("--rules and --no-rules contradict each other");
  if (v.rules === "") throw new UsageError("--rules needs a file");
  return v["no-rules"] ? false : v.rules;
}
