import type { Report } from "../model/types.js";
import { renderJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import { renderText } from "./text.js";

export type OutputFormat = "text" | "json" | "markdown";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "markdown"];

export function render(report: Report, format: OutputFormat, opts: { color: boolean }): string {
  if (format === "json") return renderJson(report);
  if (format === "markdown") return renderMarkdown(report);
  return renderText(report, opts);
}

export { renderJson, renderMarkdown, renderText };
