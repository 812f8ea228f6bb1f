import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

import { KrevealError } from "../../../errors.js";

/** One HTTP exchange with Vault, before any status is interpreted. */
export interface RawResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

export interface RawRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
}

/** Sends one request and returns the status and body. Throws on network errors and aborts. */
export type Transport = (request: RawRequest) => Promise<RawResponse>;

/**
 * Maximum response size, far above any KV secret. Through fetch it is checked against the declared
 * Content-Length only; through node:https the received bytes are counted as well.
 */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Picks the transport. Node's global fetch cannot take a CA certificate per request, so with
 * VAULT_CACERT the request goes through node:https with an Agent holding that CA instead.
 */
export function createTransport(caCertFile: string | undefined): Transport {
  if (caCertFile === undefined) {
    return sendWithFetch;
  }

  let ca: string;
  try {
    ca = readFileSync(caCertFile, "utf8");
  } catch (error) {
    throw new KrevealError("CONFIG_INVALID", "the CA certificate file in VAULT_CACERT cannot be read", {
      location: caCertFile,
      fix: "Point VAULT_CACERT at a readable PEM file.",
      cause: error,
    });
  }
  const agent = new https.Agent({ ca, keepAlive: true });
  return (request) => sendWithNodeHttp(request, agent);
}

async function sendWithFetch(request: RawRequest): Promise<RawResponse> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    redirect: "error",
  });

  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new Error(`response body of ${length} bytes is too large`);
  }
  const body = await response.text();
  return { status: response.status, retryAfter: response.headers.get("retry-after") ?? undefined, body };
}

function sendWithNodeHttp(request: RawRequest, agent: https.Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const send = url.protocol === "https:" ? https.request : http.request;
    const options = { method: request.method, headers: request.headers, signal: request.signal };
    const clientRequest = send(url, url.protocol === "https:" ? { ...options, agent } : options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;

      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          response.destroy(new Error(`response body larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () => {
        const retryAfter = response.headers["retry-after"];
        resolve({ status: response.statusCode ?? 0, retryAfter, body: Buffer.concat(chunks).toString("utf8") });
      });
    });

    clientRequest.on("error", reject);
    clientRequest.end(request.body);
  });
}
