import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

/**
 * A small Vault stand-in on 127.0.0.1 for tests, serving the parts of Vault's HTTP API that
 * kreveal uses. These are KV v1 and v2 reads (versions, soft-deleted and destroyed versions,
 * metadata), `sys/internal/ui/mounts/<path>` and token lookup. AppRole, Kubernetes and JWT logins
 * issue tokens with a TTL and a use limit. Each X-Vault-Namespace value selects a separate store. Faults
 * can be injected per path, and every request is logged so tests can count reads.
 */

export interface TokenOptions {
  /** Seconds until the token expires; no expiry when unset. */
  readonly ttlSeconds?: number;
  /** Requests the token may make before Vault revokes it; unlimited when unset. */
  readonly numUses?: number;
  /** Path prefixes (after /v1/) the token may read; every path when unset. */
  readonly paths?: readonly string[];
}

export interface Fault {
  /** API path prefix after /v1/, e.g. `secret/data/app`. */
  readonly path: string;
  readonly status?: number;
  /** Retry-After header value sent with `status`. */
  readonly retryAfter?: string;
  /** Milliseconds to wait before responding (or before applying `status` or `drop`). */
  readonly delayMs?: number;
  /** Closes the connection without a response. */
  readonly drop?: boolean;
  /** How many requests the fault hits; every request when unset. */
  readonly times?: number;
}

export interface LoggedRequest {
  readonly method: string;
  /** API path after /v1/, without the query string. */
  readonly path: string;
  readonly query: string;
  readonly namespace: string;
  readonly status: number;
}

interface TokenState {
  readonly expiresAt: number | undefined;
  usesLeft: number | undefined;
  readonly paths: readonly string[] | undefined;
}

interface VersionState {
  readonly data: Record<string, unknown>;
  readonly createdTime: string;
  deletionTime: string;
  destroyed: boolean;
}

interface KvMountState {
  readonly version: 1 | 2;
  readonly secrets: Map<string, VersionState[]>;
}

interface LoginRole {
  /** The secret id (AppRole) or JWT (Kubernetes, JWT) that the login must present. */
  readonly credential: string;
  readonly token: TokenOptions;
}

interface AuthMount {
  readonly type: "approle" | "kubernetes" | "jwt";
  /** Keyed by role id (AppRole) or role name (Kubernetes, JWT). */
  readonly roles: Map<string, LoginRole>;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** The store behind one namespace: mounts, secrets, tokens and auth methods. */
export class VaultNamespace {
  readonly mounts = new Map<string, KvMountState>();
  readonly tokens = new Map<string, TokenState>();
  readonly authMounts = new Map<string, AuthMount>();
  private issued = 0;

  /** Mounts a KV engine at `path` (e.g. `secret`). */
  mountKv(path: string, version: 1 | 2): this {
    this.mounts.set(`${trimSlashes(path)}/`, { version, secrets: new Map() });
    return this;
  }

  /** Writes `data` at `path` (mount included, no `data/`); on KV v2 this adds a version. */
  write(path: string, data: Record<string, unknown>): this {
    const [mount, rest] = this.locate(path);
    const versions = mount.secrets.get(rest) ?? [];
    const entry = { data, createdTime: new Date().toISOString(), deletionTime: "", destroyed: false };
    mount.secrets.set(rest, mount.version === 1 ? [entry] : [...versions, entry]);
    return this;
  }

  /** Soft-deletes one version of a KV v2 secret. */
  deleteVersion(path: string, version: number): this {
    this.version(path, version).deletionTime = "2026-01-02T03:04:05.000000Z";
    return this;
  }

  /** Destroys one version of a KV v2 secret for good. */
  destroyVersion(path: string, version: number): this {
    this.version(path, version).destroyed = true;
    return this;
  }

  addToken(token: string, options: TokenOptions = {}): this {
    this.tokens.set(token, tokenState(options));
    return this;
  }

  /** Revokes every token, as when they all expire at once. */
  revokeAllTokens(): this {
    this.tokens.clear();
    return this;
  }

  /** Adds a login role to the auth method of `type` at `mount`. */
  addLoginRole(type: AuthMount["type"], mount: string, role: string, credential: string, token: TokenOptions = {}): this {
    const key = trimSlashes(mount);
    const auth = this.authMounts.get(key) ?? { type, roles: new Map<string, LoginRole>() };
    auth.roles.set(role, { credential, token });
    this.authMounts.set(key, auth);
    return this;
  }

  /** Issues a new token, as a successful login does. */
  issueToken(options: TokenOptions): string {
    this.issued += 1;
    const token = `hvs.test-${this.issued}-${Math.random().toString(36).slice(2)}`;
    this.tokens.set(token, tokenState(options));
    return token;
  }

  /** Finds the KV mount holding `path`, by longest prefix. */
  locate(path: string): [KvMountState, string] {
    const found = this.findMount(path);
    if (found === undefined) {
      throw new Error(`no KV mount holds ${path}`);
    }
    return [found[1], path.slice(found[0].length)];
  }

  findMount(path: string): [string, KvMountState] | undefined {
    let best: [string, KvMountState] | undefined;
    for (const [mountPath, mount] of this.mounts) {
      if (`${path}/`.startsWith(mountPath) && (best === undefined || mountPath.length > best[0].length)) {
        best = [mountPath, mount];
      }
    }
    return best;
  }

  private version(path: string, version: number): VersionState {
    const [mount, rest] = this.locate(path);
    const entry = mount.secrets.get(rest)?.[version - 1];
    if (entry === undefined) {
      throw new Error(`no version ${version} at ${path}`);
    }
    return entry;
  }
}

export class VaultTestServer {
  readonly requests: LoggedRequest[] = [];
  /** TCP connections accepted, counted even when TLS or HTTP parsing fails on them. */
  connections = 0;
  private readonly namespaces = new Map<string, VaultNamespace>();
  private faults: { fault: Fault; left: number }[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  /** Starts on a free port of 127.0.0.1, over HTTPS when `tls` contains a PEM key and certificate. */
  static async start(tls?: { readonly key: string; readonly cert: string }): Promise<VaultTestServer> {
    const server = tls === undefined ? http.createServer() : https.createServer(tls);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    const instance = new VaultTestServer(server, `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`);
    server.on("connection", () => {
      instance.connections += 1;
    });
    server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
      void instance.handle(request, response);
    });
    return instance;
  }

  /** Returns the store of namespace `name`, where the empty name is the root namespace. */
  namespace(name = ""): VaultNamespace {
    const key = trimSlashes(name);
    const existing = this.namespaces.get(key);
    if (existing !== undefined) {
      return existing;
    }
    const created = new VaultNamespace();
    this.namespaces.set(key, created);
    return created;
  }

  inject(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Counts logged requests whose API path starts with `prefix`. */
  count(prefix: string): number {
    return this.requests.filter((request) => request.path.startsWith(prefix)).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://vault.test");
    const path = decodeURIComponent(url.pathname.replace(/^\/v1\//, ""));
    const namespace = trimSlashes(header(request, "x-vault-namespace") ?? "");
    const body = await readBody(request);
    const log = { method: request.method ?? "", path, query: url.search, namespace };

    const fault = this.takeFault(path);
    if (fault?.delayMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    }
    if (fault?.drop === true) {
      this.requests.push({ ...log, status: 0 });
      request.socket.destroy();
      return;
    }

    let reply: Reply;
    if (fault?.status !== undefined) {
      reply = { status: fault.status, body: { errors: [`injected HTTP ${fault.status}`] } };
      if (fault.retryAfter !== undefined) {
        response.setHeader("Retry-After", fault.retryAfter);
      }
    } else {
      reply = this.route(this.namespace(namespace), request, path, url.searchParams, body);
    }

    this.requests.push({ ...log, status: reply.status });
    if (response.destroyed) {
      return;
    }
    response.statusCode = reply.status;
    response.setHeader("Content-Type", "application/json");
    response.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  private takeFault(path: string): Fault | undefined {
    const entry = this.faults.find((candidate) => candidate.left > 0 && path.startsWith(candidate.fault.path));
    if (entry === undefined) {
      return undefined;
    }
    entry.left -= 1;
    return entry.fault;
  }

  private route(store: VaultNamespace, request: http.IncomingMessage, path: string, query: URLSearchParams, body: unknown): Reply {
    const login = /^auth\/(.+)\/login$/.exec(path);
    if (login?.[1] !== undefined && request.method === "POST") {
      return loginReply(store, login[1], body);
    }

    const token = header(request, "x-vault-token") ?? header(request, "authorization")?.replace(/^Bearer /, "");
    const state = token === undefined ? undefined : useToken(store, token);
    if (state === undefined) {
      return { status: 403, body: { errors: ["permission denied"] } };
    }
    if (path === "auth/token/lookup-self") {
      return { status: 200, body: envelope({ policies: ["default"], num_uses: state.usesLeft ?? 0 }) };
    }

    const mountQuery = /^sys\/internal\/ui\/mounts\/(.+)$/.exec(path);
    const target = mountQuery?.[1] ?? path;
    if (!allowed(state, target)) {
      return { status: 403, body: { errors: ["1 error occurred:\n\t* permission denied\n\n"] } };
    }
    const found = store.findMount(target);
    if (found === undefined) {
      return { status: 404, body: { errors: [] } };
    }
    const [mountPath, mount] = found;
    if (mountQuery !== null) {
      return { status: 200, body: envelope({ path: mountPath, type: "kv", options: mount.version === 2 ? { version: "2" } : null }) };
    }
    return kvReply(mount, path.slice(mountPath.length), query);
  }
}

function kvReply(mount: KvMountState, rest: string, query: URLSearchParams): Reply {
  if (mount.version === 1) {
    const entry = mount.secrets.get(rest)?.[0];
    return entry === undefined ? { status: 404, body: { errors: [] } } : { status: 200, body: envelope(entry.data) };
  }

  const match = /^(data|metadata)\/(.+)$/.exec(rest);
  const versions = match?.[2] === undefined ? undefined : mount.secrets.get(match[2]);
  if (match === null || versions === undefined || versions.length === 0) {
    return { status: 404, body: { errors: [] } };
  }
  if (match[1] === "metadata") {
    const listed = Object.fromEntries(
      versions.map((entry, index) => [String(index + 1), { created_time: entry.createdTime, deletion_time: entry.deletionTime, destroyed: entry.destroyed }]),
    );
    return { status: 200, body: envelope({ current_version: versions.length, oldest_version: 1, versions: listed }) };
  }

  const requested = Number(query.get("version") ?? "0");
  const number = requested === 0 ? versions.length : requested;
  const entry = versions.at(number - 1);
  if (number < 1 || entry === undefined) {
    return { status: 404, body: { errors: [] } };
  }
  const metadata = { created_time: entry.createdTime, custom_metadata: null, deletion_time: entry.deletionTime, destroyed: entry.destroyed, version: number };
  const live = entry.deletionTime === "" && !entry.destroyed;
  return { status: live ? 200 : 404, body: envelope({ data: live ? entry.data : null, metadata }) };
}

function loginReply(store: VaultNamespace, mount: string, body: unknown): Reply {
  const auth = store.authMounts.get(mount);
  if (auth === undefined) {
    return { status: 400, body: { errors: [`no handler for route "auth/${mount}/login"`] } };
  }

  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const roleName = auth.type === "approle" ? fields.role_id : fields.role;
  const presented = auth.type === "approle" ? fields.secret_id : fields.jwt;
  if (typeof roleName !== "string") {
    return { status: 400, body: { errors: ["missing role"] } };
  }
  const role = auth.roles.get(roleName);
  if (role === undefined || role.credential !== presented) {
    return { status: auth.type === "approle" ? 400 : 403, body: { errors: ["permission denied"] } };
  }

  const token = store.issueToken(role.token);
  const auth_ = { client_token: token, accessor: "test-accessor", policies: ["default"], lease_duration: role.token.ttlSeconds ?? 0, renewable: true, num_uses: role.token.numUses ?? 0 };
  return { status: 200, body: { ...envelope(null), auth: auth_ } };
}

function useToken(store: VaultNamespace, token: string): TokenState | undefined {
  const state = store.tokens.get(token);
  if (state === undefined || (state.expiresAt !== undefined && Date.now() >= state.expiresAt)) {
    return undefined;
  }
  if (state.usesLeft !== undefined) {
    state.usesLeft -= 1;
    if (state.usesLeft <= 0) {
      store.tokens.delete(token);
    }
  }
  return state;
}

function allowed(state: TokenState, path: string): boolean {
  return state.paths === undefined || state.paths.some((prefix) => path.startsWith(prefix));
}

function tokenState(options: TokenOptions): TokenState {
  return {
    expiresAt: options.ttlSeconds === undefined ? undefined : Date.now() + options.ttlSeconds * 1000,
    usesLeft: options.numUses,
    paths: options.paths,
  };
}

function envelope(data: unknown): Record<string, unknown> {
  return { request_id: "00000000-0000-0000-0000-000000000000", lease_id: "", renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null };
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}
