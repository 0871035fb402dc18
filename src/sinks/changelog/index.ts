export {
  appendEntry,
  CHANGELOG_HEADER,
  entryText,
  parseChangelog,
  type ChangelogEntry,
  type EntryInput,
} from "./changelog.js";
export { mergeChangelog } from "./merge.js";
