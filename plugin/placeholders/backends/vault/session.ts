import { loginWithAppRole } from "./auth/approle.js";
import { loginWithJwt } from "./auth/jwt.js";
import { loginWithKubernetes } from "./auth/kubernetes.js";
import { readStaticToken } from "./auth/token.js";
import type { Budget, VaultHttp, VaultRequest, VaultResponse } from "./http.js";
import type { VaultSettings } from "./settings.js";

/**
 * Holds the Vault token of this process, in memory only. One login serves every read: a login
 * in flight is awaited by the reads that arrive meanwhile. After a 403 on a token that has
 * already worked, the session logs in once more and repeats the request, because the token may
 * have expired or run out of uses. A static token (VAULT_TOKEN, ~/.vault-token) cannot be
 * renewed, so its 403 goes straight back to the caller.
 *
 * NOTE: a login runs under the budget of the read that started it, so cancelling that read
 * also fails the reads waiting for the same login.
 */
export class VaultSession {
  private token: Promise<string> | undefined;
  private tokenValue: string | undefined;
  private workedToken: string | undefined;

  constructor(
    private readonly settings: VaultSettings,
    private readonly http: VaultHttp,
  ) {}

  /** Sends `request` with the session's token and returns Vault's response, 403 included. */
  async send(request: Omit<VaultRequest, "token">, budget: Budget): Promise<VaultResponse> {
    const token = await this.currentToken(budget);
    const response = await this.http.send({ ...request, token }, budget);
    if (response.status !== 403) {
      this.workedToken = token;
      return response;
    }

    const renewable = this.settings.auth.method !== "token";
    if (!renewable || this.workedToken !== token) {
      return response;
    }

    this.dropToken(token);
    const freshToken = await this.currentToken(budget);
    const retried = await this.http.send({ ...request, token: freshToken }, budget);
    if (retried.status !== 403) {
      this.workedToken = freshToken;
    }
    return retried;
  }

  private currentToken(budget: Budget): Promise<string> {
    if (this.token === undefined) {
      const login = this.login(budget);
      this.token = login;
      login.then(
        (value) => {
          if (this.token === login) {
            this.tokenValue = value;
          }
        },
        () => {
          if (this.token === login) {
            this.token = undefined;
          }
        },
      );
    }
    return this.token;
  }

  /** Forgets `token` unless another read has already replaced it with a fresh login. */
  private dropToken(token: string): void {
    if (this.tokenValue === token) {
      this.token = undefined;
      this.tokenValue = undefined;
    }
  }

  private login(budget: Budget): Promise<string> {
    const auth = this.settings.auth;
    switch (auth.method) {
      case "token":
        return readStaticToken(auth);
      case "approle":
        return loginWithAppRole(this.http, auth, budget);
      case "kubernetes":
        return loginWithKubernetes(this.http, auth, budget);
      case "jwt":
        return loginWithJwt(this.http, auth, budget);
    }
  }
}
