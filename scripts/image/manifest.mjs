// Turns a container of a CronJob in jobs/ into the podman flags that give it the same security context,
// volumes, environment, command and args, so the image test follows the manifests instead of restating them.
// What podman here cannot do (memory limits: no usable cgroups) is listed in `notEnforced`, never dropped
// silently; a field this file does not know makes it throw, so a new manifest field cannot slip past.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const POD_SECURITY = new Set(["runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile"]);
const CONTAINER_SECURITY = new Set([
  "allowPrivilegeEscalation",
  "readOnlyRootFilesystem",
  "runAsNonRoot",
  "capabilities",
]);
const CONTAINER_FIELDS = new Set([
  "name",
  "image",
  "imagePullPolicy",
  "command",
  "args",
  "env",
  "envFrom",
  "resources",
  "securityContext",
  "volumeMounts",
  "workingDir",
]);

/** The CronJob in jobs/<file> with its pod spec. */
export function readCronJob(root, file) {
  const doc = parse(readFileSync(path.join(root, "jobs", file), "utf8"));
  if (doc?.kind !== "CronJob") throw new Error(`jobs/${file}: not a CronJob`);
  return { file, name: doc.metadata.name, pod: doc.spec.jobTemplate.spec.template.spec };
}

/** deploy/configmap.yaml's data: the keys a real install sets, which the test then points at loopback. */
export function readConfigMap(root) {
  return parse(readFileSync(path.join(root, "deploy/configmap.yaml"), "utf8")).data;
}

/**
 * podman flags for one container of the pod.
 * world: { configMap, secrets, volumes: name → host dir, serviceAccount?: { dir, host, port } }
 * Returns { flags, env, entrypoint?: string[], args: string[], claims: string[], notEnforced: string[], expect }.
 */
export function podmanRun(job, containerName, world) {
  const pod = job.pod;
  const all = [...(pod.initContainers ?? []), ...pod.containers];
  const c = all.find((x) => x.name === containerName);
  if (!c) throw new Error(`${job.file}: no container ${containerName}`);
  const where = `${job.file} ${containerName}`;
  for (const k of Object.keys(c)) if (!CONTAINER_FIELDS.has(k)) throw new Error(`${where}: unhandled field ${k}`);
  const flags = [];
  const claims = [];
  const notEnforced = [];

  const psc = pod.securityContext ?? {};
  for (const k of Object.keys(psc))
    if (!POD_SECURITY.has(k)) throw new Error(`${where}: unhandled pod securityContext.${k}`);
  const csc = c.securityContext ?? {};
  for (const k of Object.keys(csc))
    if (!CONTAINER_SECURITY.has(k)) throw new Error(`${where}: unhandled securityContext.${k}`);
  if (psc.runAsUser === undefined)
    throw new Error(`${where}: no runAsUser (the image test runs what the manifest pins)`);
  flags.push("--user", `${psc.runAsUser}:${psc.runAsGroup ?? psc.runAsUser}`);
  claims.push(`user ${psc.runAsUser}:${psc.runAsGroup ?? psc.runAsUser}`);
  if (psc.fsGroup !== undefined) {
    flags.push("--group-add", String(psc.fsGroup));
    claims.push(`fsGroup ${psc.fsGroup}`);
  }
  if (psc.runAsNonRoot || csc.runAsNonRoot) {
    if (psc.runAsUser === 0) throw new Error(`${where}: runAsNonRoot with runAsUser 0`);
    claims.push("runAsNonRoot");
  }
  // podman's default seccomp profile is the runtime default.
  if (psc.seccompProfile && psc.seccompProfile.type !== "RuntimeDefault")
    throw new Error(`${where}: seccomp ${psc.seccompProfile.type}`);
  if (csc.allowPrivilegeEscalation === false) {
    flags.push("--security-opt", "no-new-privileges");
    claims.push("no-new-privileges");
  }
  if (csc.readOnlyRootFilesystem) {
    // Kubernetes adds no tmpfs on /tmp, /run, /var/tmp; podman would by default.
    flags.push("--read-only", "--read-only-tmpfs=false");
    claims.push("read-only root");
  }
  for (const cap of csc.capabilities?.drop ?? []) flags.push("--cap-drop", cap);
  for (const cap of csc.capabilities?.add ?? []) flags.push("--cap-add", cap);
  if (csc.capabilities?.drop) claims.push(`cap-drop ${csc.capabilities.drop.join(",")}`);

  for (const m of c.volumeMounts ?? []) {
    const vol = (pod.volumes ?? []).find((v) => v.name === m.name);
    if (!vol?.emptyDir)
      throw new Error(`${where}: volume ${m.name} is not an emptyDir (teach scripts/image/manifest.mjs)`);
    const host = world.volumes[m.name];
    if (!host) throw new Error(`${where}: the test gave no folder for volume ${m.name}`);
    flags.push("-v", `${host}:${m.mountPath}${m.readOnly ? ":ro" : ""}`);
    claims.push(`${m.mountPath} emptyDir${m.readOnly ? " read-only" : " writable"}`);
    if (vol.emptyDir.sizeLimit) notEnforced.push(`${m.name} sizeLimit ${vol.emptyDir.sizeLimit}`);
  }

  const env = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, world.configMap);
    else if (from.secretRef) Object.assign(env, world.secrets);
    else throw new Error(`${where}: unhandled envFrom ${JSON.stringify(from)}`);
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(e.value, env);
    else if (e.valueFrom?.secretKeyRef) {
      const v = world.secrets[e.valueFrom.secretKeyRef.key];
      if (v !== undefined) env[e.name] = v;
      else if (!e.valueFrom.secretKeyRef.optional)
        throw new Error(`${where}: secret key ${e.valueFrom.secretKeyRef.key} missing`);
    } else throw new Error(`${where}: unhandled env ${e.name}`);
  }

  if (pod.automountServiceAccountToken) {
    if (!world.serviceAccount) throw new Error(`${where}: mounts a ServiceAccount token; the test gave none`);
    flags.push("-v", `${world.serviceAccount.dir}:${SA_DIR}:ro`);
    env.KUBERNETES_SERVICE_HOST = world.serviceAccount.host;
    env.KUBERNETES_SERVICE_PORT = String(world.serviceAccount.port);
    claims.push(`ServiceAccount ${pod.serviceAccountName} token at ${SA_DIR}`);
  }
  for (const [k, v] of Object.entries(env)) flags.push("--env", `${k}=${v}`);
  if (c.workingDir) {
    flags.push("--workdir", c.workingDir);
    claims.push(`working directory ${c.workingDir}`);
  }
  if (c.resources?.limits?.memory)
    notEnforced.push(`memory limit ${c.resources.limits.memory} (no usable cgroups here)`);

  const args = (c.args ?? []).map((a) => expand(a, env));
  const entrypoint = c.command?.map((a) => expand(a, env));
  // What a process in the container must then see (checked by runs.mjs's probe).
  const expect = {
    uid: psc.runAsUser,
    gid: psc.runAsGroup ?? psc.runAsUser,
    fsGroup: psc.fsGroup,
    noNewPrivs: csc.allowPrivilegeEscalation === false,
    readOnlyRoot: Boolean(csc.readOnlyRootFilesystem),
    noCapabilities: (csc.capabilities?.drop ?? []).includes("ALL") && !(csc.capabilities?.add ?? []).length,
    mounts: (c.volumeMounts ?? []).map((m) => ({ path: m.mountPath, readOnly: Boolean(m.readOnly) })),
  };
  return { flags, env, entrypoint, args, claims, notEnforced, expect };
}

/** Kubernetes' $(VAR) expansion in env values, command and args; $$ escapes, unknown names stay as they are. */
export function expand(text, env) {
  return String(text).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) =>
    m === "$$" ? "$" : name in env ? env[name] : m,
  );
}

/** `podman run` argv for a container: flags, then --entrypoint when the manifest sets command. */
export function podmanArgv(image, spec, extra = [], argsOverride) {
  const ep = spec.entrypoint ? ["--entrypoint", JSON.stringify(spec.entrypoint)] : [];
  return ["run", ...extra, ...spec.flags, ...ep, image, ...(argsOverride ?? spec.args)];
}
