import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { parse, stringify } from "yaml";

import { readBudgetSeconds } from "../../plugin/cmp/budget.js";
import { isolatedEnv, parseStream, run, skipWithout } from "../e2e/support.js";
import { repoRoot, tempDir } from "../support/paths.js";

// Builds deploy/argocd with the real kubectl kustomize. The overlay's base is Argo CD's install
// manifest at a GitHub URL, which the tests cannot download, so the test overlay replaces it
// with the local Deployment below and keeps everything else of deploy/argocd/kustomization.yaml.

const skip = skipWithout("kubectl");

const overlayDir = path.join(repoRoot, "deploy/argocd");

/**
 * A minimal argocd-repo-server Deployment with the parts of Argo CD's install manifest that the
 * patch depends on: the copyutil init container that fills var-files, the repo-server container
 * with its own /tmp and the plugins socket folder, and automountServiceAccountToken: false.
 */
const repoServerDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-repo-server
  labels:
    app.kubernetes.io/name: argocd-repo-server
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: argocd-repo-server
  template:
    metadata:
      labels:
        app.kubernetes.io/name: argocd-repo-server
    spec:
      serviceAccountName: argocd-repo-server
      automountServiceAccountToken: false
      initContainers:
        - name: copyutil
          image: quay.io/argoproj/argocd:v3.2.10
          command: [sh, -c]
          args:
            - /bin/cp --update=none /usr/local/bin/argocd /var/run/argocd/argocd && /bin/ln -s /var/run/argocd/argocd /var/run/argocd/argocd-cmp-server
          volumeMounts:
            - name: var-files
              mountPath: /var/run/argocd
      containers:
        - name: argocd-repo-server
          image: quay.io/argoproj/argocd:v3.2.10
          args: [/usr/local/bin/argocd-repo-server]
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: plugins
              mountPath: /home/argocd/cmp-server/plugins
      volumes:
        - name: tmp
          emptyDir: {}
        - name: var-files
          emptyDir: {}
        - name: plugins
          emptyDir: {}
`;

type Resource = Record<string, unknown>;

interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: { name: string; value?: string }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  secret?: { secretName: string; optional?: boolean; defaultMode?: number };
  configMap?: { name: string };
}

interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  initContainers: Container[];
  containers: Container[];
  volumes: Volume[];
}

interface Build {
  kustomization: Record<string, unknown>;
  resources: Resource[];
}

let build: Build;

/** Writes the test overlay into a temp folder, runs kubectl kustomize on it and parses the output. */
function buildOverlay(): Build {
  const kustomization = parse(readFileSync(path.join(overlayDir, "kustomization.yaml"), "utf8")) as Record<string, unknown>;
  const folder = tempDir("kreveal-deploy-");

  writeFileSync(path.join(folder, "argocd-repo-server.yaml"), repoServerDeployment);
  for (const file of referencedFiles(kustomization)) {
    copyFileSync(path.join(overlayDir, file), path.join(folder, file));
  }
  const local = { ...kustomization, resources: ["argocd-repo-server.yaml"] };
  writeFileSync(path.join(folder, "kustomization.yaml"), stringify(local));

  const result = run("kubectl", ["kustomize", folder], { cwd: folder, env: isolatedEnv() });
  assert.equal(result.status, 0, `kubectl kustomize failed: ${result.stderr}`);
  return { kustomization, resources: parseStream(result.stdout) };
}

/** Lists the local files that the kustomization's patches and generators read. */
function referencedFiles(kustomization: Record<string, unknown>): string[] {
  const files: string[] = [];
  for (const patch of (kustomization.patches ?? []) as { path?: string }[]) {
    if (patch.path !== undefined) {
      files.push(patch.path);
    }
  }
  for (const generator of [...asList(kustomization.configMapGenerator), ...asList(kustomization.secretGenerator)]) {
    for (const entry of (generator.files ?? []) as string[]) {
      files.push(entry.slice(entry.indexOf("=") + 1));
    }
  }
  return files;
}

function asList(value: unknown): Record<string, unknown>[] {
  return (value ?? []) as Record<string, unknown>[];
}

function findResource(kind: string, name: string): Resource {
  const found = build.resources.find((resource) => resource.kind === kind && (resource.metadata as { name: string }).name === name);
  assert.ok(found, `no ${kind} ${name} in the build output`);
  return found;
}

function podSpec(): PodSpec {
  const deployment = findResource("Deployment", "argocd-repo-server") as { spec: { template: { spec: PodSpec } } };
  return deployment.spec.template.spec;
}

function container(name: string): Container {
  const found = podSpec().containers.find((candidate) => candidate.name === name);
  assert.ok(found, `no container ${name} in argocd-repo-server`);
  return found;
}

function volume(name: string): Volume {
  const found = podSpec().volumes.find((candidate) => candidate.name === name);
  assert.ok(found, `no volume ${name} in argocd-repo-server`);
  return found;
}

/** Returns the volume mounted at `mountPath` in `container`, or fails. */
function mountAt(target: Container, mountPath: string): { name: string; readOnly?: boolean } {
  const found = (target.volumeMounts ?? []).find((mount) => mount.mountPath === mountPath);
  assert.ok(found, `container ${target.name} mounts nothing at ${mountPath}`);
  return found;
}

function envValue(target: Container, name: string): string {
  const found = (target.env ?? []).find((variable) => variable.name === name);
  assert.ok(found?.value !== undefined, `container ${target.name} does not set ${name}`);
  return found.value;
}

/** Parses the pod spec of the base Deployment, for comparisons with the build output. */
function basePodSpec(): PodSpec {
  return (parse(repoServerDeployment) as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

before(() => {
  if (skip === false) {
    build = buildOverlay();
  }
});

test("overlay base is pinned Argo CD v3", () => {
  const kustomization = parse(readFileSync(path.join(overlayDir, "kustomization.yaml"), "utf8")) as { resources: string[]; namespace: string };

  assert.equal(kustomization.resources.length, 1);
  assert.match(kustomization.resources[0] ?? "", /^https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-cd\/v3\.\d+\.\d+\/manifests\/install\.yaml$/);
  assert.equal(kustomization.namespace, "argocd");
});

test("overlay adds the kreveal sidecar", { skip }, () => {
  const sidecar = container("kreveal");

  assert.match(sidecar.image ?? "", /^ghcr\.io\/OWNER\/kreveal:\d+\.\d+\.\d+$/);
  assert.deepEqual(sidecar.command, ["/var/run/argocd/argocd-cmp-server"]);
  assert.deepEqual(
    podSpec().containers.map((candidate) => candidate.name).sort(),
    ["argocd-repo-server", "kreveal"],
  );
});

test("kubectl defaults to the repo-server container", { skip }, () => {
  const deployment = findResource("Deployment", "argocd-repo-server") as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };

  assert.equal(deployment.spec.template.metadata.annotations?.["kubectl.kubernetes.io/default-container"], "argocd-repo-server");
});

test("sidecar runs as uid 999 locked down", { skip }, () => {
  const security = container("kreveal").securityContext ?? {};

  assert.equal(security.runAsNonRoot, true);
  assert.equal(security.runAsUser, 999);
  assert.equal(security.readOnlyRootFilesystem, true);
  assert.equal(security.allowPrivilegeEscalation, false);
  assert.deepEqual(security.capabilities, { drop: ["ALL"] });
  assert.deepEqual(security.seccompProfile, { type: "RuntimeDefault" });
});

test("sidecar mounts the CMP server volumes", { skip }, () => {
  const sidecar = container("kreveal");

  assert.equal(mountAt(sidecar, "/var/run/argocd").name, "var-files");
  assert.equal(mountAt(sidecar, "/home/argocd/cmp-server/plugins").name, "plugins");
});

test("sidecar has a private /tmp", { skip }, () => {
  const tmp = mountAt(container("kreveal"), "/tmp");
  const repoServerTmp = mountAt(container("argocd-repo-server"), "/tmp");

  assert.notEqual(tmp.name, repoServerTmp.name);
  assert.deepEqual(volume(tmp.name).emptyDir, {});
  const sharers = podSpec().containers.filter((candidate) => (candidate.volumeMounts ?? []).some((mount) => mount.name === tmp.name));
  assert.deepEqual(sharers.map((candidate) => candidate.name), ["kreveal"]);
});

test("age key Secret mounted read-only", { skip }, () => {
  const sidecar = container("kreveal");
  const keyFile = envValue(sidecar, "SOPS_AGE_KEY_FILE");
  const mount = mountAt(sidecar, path.posix.dirname(keyFile));
  const secret = volume(mount.name).secret;

  assert.equal(mount.readOnly, true);
  assert.ok(secret, `volume ${mount.name} is not a Secret volume`);
  assert.equal(secret.secretName, "kreveal-age-key");
  assert.equal(path.posix.basename(keyFile), "keys.txt");
  // 0444: uid 999 reads files that belong to root only through the read bit for others.
  assert.equal((secret.defaultMode ?? 0o644) & 0o004, 0o004);
});

test("policy ConfigMap mounted read-only", { skip }, () => {
  const sidecar = container("kreveal");
  const policyFile = envValue(sidecar, "KREVEAL_POLICY_FILE");
  const mount = mountAt(sidecar, path.posix.dirname(policyFile));
  const configMapName = volume(mount.name).configMap?.name ?? "";
  const configMap = findResource("ConfigMap", configMapName) as { data: Record<string, string>; metadata: { namespace: string } };

  assert.equal(mount.readOnly, true);
  assert.match(configMapName, /^kreveal-policy-[a-z0-9]+$/, "the volume names the generated ConfigMap with its hash");
  assert.ok(path.posix.basename(policyFile) in configMap.data, `ConfigMap ${configMapName} has no key ${path.posix.basename(policyFile)}`);
  assert.equal(configMap.metadata.namespace, "argocd");
});

test("sidecar env configures Vault kubernetes login", { skip }, () => {
  const sidecar = container("kreveal");

  assert.match(envValue(sidecar, "VAULT_ADDR"), /^https?:\/\/[^/]+$/);
  assert.equal(envValue(sidecar, "KREVEAL_VAULT_AUTH_METHOD"), "kubernetes");
  assert.notEqual(envValue(sidecar, "KREVEAL_VAULT_ROLE"), "");
  assert.equal(podSpec().automountServiceAccountToken, true);
});

test("sidecar budget below 60 s", { skip }, () => {
  const seconds = readBudgetSeconds({ KREVEAL_CMP_TIMEOUT_SECONDS: envValue(container("kreveal"), "KREVEAL_CMP_TIMEOUT_SECONDS") });

  assert.ok(seconds < 60, `KREVEAL_CMP_TIMEOUT_SECONDS ${seconds} is not below 60`);
});

test("repo-server container stays untouched", { skip }, () => {
  const base = basePodSpec();

  assert.deepEqual(container("argocd-repo-server"), base.containers[0]);
  assert.deepEqual(podSpec().initContainers, base.initContainers);
  assert.equal(podSpec().serviceAccountName, "argocd-repo-server");
  for (const original of base.volumes) {
    assert.deepEqual(volume(original.name), original);
  }
});

test("overlay generates no Secret", { skip }, () => {
  const secrets = build.resources.filter((resource) => resource.kind === "Secret");

  assert.deepEqual(secrets, [], "the age key Secret is created with kubectl, never from a file in Git");
});
