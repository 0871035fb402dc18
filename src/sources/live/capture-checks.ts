import { LiveSourceError } from "../../model/errors.js";
import { isRecord } from "../../util/values.js";
import { storableCidr } from "../desired/cidr.js";
import { MAX_DEPTH, tooDeep } from "./text-checks.js";

/**
 * The NetworkPolicies of a capture, checked as they are found: a capture that is not the whole truth fails.
 * Each one is handed to `keep` (the normaliser) as soon as it passed; the raw object is not held.
 */
export class Found<T> {
  readonly kept: T[] = [];
  readonly namespaces = new Set<string>();
  withoutManagedFields = 0;
  private readonly keys = new Set<string>();
  private readonly otherKinds = new Map<string, number>();

  constructor(
    private readonly call: string,
    private readonly keep: (raw: Record<string, unknown>) => T,
  ) {}

  fail(detail: string): never {
    throw new LiveSourceError(this.call, detail);
  }

  /**
   * A capture is a List (kubectl's `v1 List`, or a typed NetworkPolicyList from the raw API) or NetworkPolicy
   * objects. Anything else at the top (a Status from a failed `kubectl get`, a Deployment) means the file is
   * not what was meant: reading it as "no policies" would report every desired policy missing.
   */
  top(value: unknown): void {
    if (tooDeep(value)) this.fail(`nested more than ${MAX_DEPTH} levels deep: not a kubectl capture`);
    if (
      isRecord(value) &&
      typeof value.kind === "string" &&
      !Array.isArray(value.items) &&
      value.kind !== "NetworkPolicy"
    ) {
      const why = value.kind === "Status" && typeof value.message === "string" ? `: ${value.message}` : "";
      this.fail(`not a NetworkPolicy capture: found a ${value.kind}${why}`);
    }
    this.collect(value);
  }

  /** A top-level List read item by item: the list itself (its `items` left empty), checked as `top` would. */
  list(value: unknown): void {
    if (!isRecord(value) || typeof value.kind !== "string")
      this.fail("not a kubectl capture: expected a List or NetworkPolicy objects");
    this.whole(value);
  }

  /** One item of a top-level List of kind `listKind` (undefined: not known yet). */
  item(value: unknown, listKind: string | undefined): void {
    this.collect(value, listKind === undefined ? undefined : impliedKind(listKind));
  }

  done(): T[] {
    // A List of Pods (the wrong `kubectl get`) would read as "no policies": every desired one "missing".
    if (this.kept.length === 0 && this.otherKinds.size > 0) {
      const kinds = [...this.otherKinds].map(([k, n]) => `${n} ${k}`).join(", ");
      this.fail(`holds no NetworkPolicy, only ${kinds}: capture kubectl get networkpolicies`);
    }
    return this.kept;
  }

  private collect(value: unknown, implied?: string): void {
    // The raw API's NetworkPolicyList leaves kind and apiVersion off its items; kubectl's List sets them.
    const obj = implied && isRecord(value) && value.kind === undefined ? { ...value, kind: implied } : value;
    if (!isRecord(obj) || typeof obj.kind !== "string")
      this.fail("not a kubectl capture: expected a List or NetworkPolicy objects");
    if (Array.isArray(obj.items)) {
      this.whole(obj);
      const itemKind = impliedKind(obj.kind);
      for (const item of obj.items) this.collect(item, itemKind);
      return;
    }
    if (obj.kind !== "NetworkPolicy") {
      this.otherKinds.set(obj.kind, (this.otherKinds.get(obj.kind) ?? 0) + 1); // `kubectl get all`-style captures carry other kinds
      return;
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== "networking.k8s.io/v1") {
      this.fail(`unexpected apiVersion ${String(obj.apiVersion)} for a NetworkPolicy`);
    }
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    if (
      typeof meta.name !== "string" ||
      typeof meta.namespace !== "string" ||
      meta.name === "" ||
      meta.namespace === ""
    ) {
      this.fail("a NetworkPolicy in the capture has no metadata.name or metadata.namespace");
    }
    const key = `${meta.namespace}/${meta.name}`;
    // Which copy the cluster holds is unknown: neither may win silently.
    if (this.keys.has(key)) this.fail(`NetworkPolicy ${key} appears twice: a capture holds each policy once`);
    this.keys.add(key);
    const cidr = unstorableCidr(obj.spec);
    if (cidr !== undefined)
      this.fail(
        `NetworkPolicy ${key} has ipBlock CIDR ${JSON.stringify(cidr)}, which no API server stores: not a capture of a cluster`,
      );
    this.namespaces.add(meta.namespace);
    if (!Array.isArray(meta.managedFields) || meta.managedFields.length === 0) this.withoutManagedFields++;
    this.kept.push(this.keep(obj));
  }

  /** One page of a paginated list (`continue`, `remainingItemCount`) is not the cluster. */
  private whole(list: Record<string, unknown>): void {
    const meta = isRecord(list.metadata) ? list.metadata : {};
    const cont = typeof meta.continue === "string" && meta.continue !== "";
    const remaining = typeof meta.remainingItemCount === "number" && meta.remainingItemCount > 0;
    if (cont || remaining) {
      const which = [
        cont ? "metadata.continue is set" : "",
        remaining ? `metadata.remainingItemCount is ${String(meta.remainingItemCount)}` : "",
      ]
        .filter(Boolean)
        .join(", ");
      this.fail(`is one page of a paginated list (${which}), not the whole list: capture it again without a limit`);
    }
  }
}

/** A typed list's item kind (NetworkPolicyList → NetworkPolicy); kubectl's plain List implies none. */
function impliedKind(listKind: string): string | undefined {
  return listKind.endsWith("List") && listKind !== "List" ? listKind.slice(0, -"List".length) : undefined;
}

/** The first ipBlock cidr/except that is not even Go-parsable (a zone, a /33), if any. */
function unstorableCidr(spec: unknown): string | undefined {
  if (!isRecord(spec)) return undefined;
  for (const [dir, peers] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) {
      for (const peer of isRecord(rule) && Array.isArray(rule[peers]) ? rule[peers] : []) {
        const block = isRecord(peer) && isRecord(peer.ipBlock) ? peer.ipBlock : undefined;
        if (!block) continue;
        for (const c of [block.cidr, ...(Array.isArray(block.except) ? block.except : [])]) {
          if (typeof c !== "string" || !storableCidr(c)) return String(c);
        }
      }
    }
  }
  return undefined;
}
