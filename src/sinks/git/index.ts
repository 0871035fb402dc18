export { GitSinkError, PolicyRepo, type GitAuth, type PushResult, type RepoOptions } from "./repo.js";
export { mergeBaseInto, type MergeOutcome, type Resolver } from "./merge.js";
export { publish, type PublishOptions, type PublishResult } from "./publish.js";
