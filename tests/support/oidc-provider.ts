import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Adapter, type AdapterPayload, type Configuration } from "oidc-provider";

/**
 * A real OpenID provider for the tests (the `oidc-provider` package, certified), run in the test
 * process on 127.0.0.1 and port 0: discovery, authorization with PKCE, token, UserInfo,
 * RP-initiated logout. Its own pages (sign-in form, sign-out confirmation) are minimal HTML with
 * labelled fields, so a browser test fills them in like a person would.
 *
 * Our server's port is known only after it starts, so the client is registered afterwards
 * (`registerClient`), through the provider's storage adapter — the place a real deployment keeps
 * its clients too. The same storage lets a test age what the provider holds (`expireCodes`,
 * `consumeCodes`, `backdateSessions`) instead of waiting.
 */

export interface TestAccount {
  /** The provider's subject identifier. */
  sub: string;
  /** What the person types at the provider's sign-in form. */
  username: string;
  password: string;
  claims: Record<string, unknown>;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers our app as the provider's client: its callback and post-logout addresses. */
  registerClient(options: { redirectUri: string; postLogoutRedirectUri: string }): Promise<void>;
  /** Makes every authorization code issued so far expired, as if ten minutes had passed. */
  expireCodes(): void;
  /** Marks every authorization code issued so far as used, as if it had been redeemed already. */
  consumeCodes(): void;
  /** Moves the time every provider session signed in back by `seconds`. */
  backdateSessions(seconds: number): void;
  /** How many sessions the provider holds (a sign-out there removes one). */
  sessionCount(): number;
  /** Sign-ins completed at the provider's form. */
  signIns: number;
  close(): Promise<void>;
}

interface Stored {
  payload: AdapterPayload;
  expiresAt: number;
}

const grantable = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"]);

function storageAdapter(store: Map<string, Stored>) {
  const live = (key: string) => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return class MapAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.MAX_SAFE_INTEGER;
      store.set(this.key(id), { payload: { ...payload }, expiresAt });
      if (this.model === "Session" && payload.uid) store.set(`SessionUid:${payload.uid}`, { payload: { id } as AdapterPayload, expiresAt });
    }
    async find(id: string) {
      return live(this.key(id));
    }
    async findByUid(uid: string) {
      const ref = live(`SessionUid:${uid}`) as { id?: string } | undefined;
      return ref?.id ? live(this.key(ref.id)) : undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      // Tokens of the grant only (as the package's own memory adapter), not interactions or sessions.
      for (const [key, entry] of store) {
        if (entry.payload.grantId === grantId && grantable.has(key.slice(0, key.indexOf(":")))) store.delete(key);
      }
    }
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string) {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Starts a provider named `name` (shown on its pages) with these accounts. */
export async function startTestProvider(options: { name: string; accounts: TestAccount[]; extraClaims?: string[] }): Promise<TestProvider> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const store = new Map<string, Stored>();
  const clientId = `iup-${randomBytes(4).toString("hex")}`;
  const clientSecret = randomBytes(24).toString("base64url");
  const bySub = new Map(options.accounts.map((a) => [a.sub, a]));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const extraClaims = options.extraClaims ?? [];

  const configuration: Configuration = {
    adapter: storageAdapter(store),
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" }] as never },
    cookies: {
      keys: [randomBytes(16).toString("hex")],
      // Plain http in the tests: SameSite=None would need Secure, and browsers would drop the cookie.
      long: { httpOnly: true, sameSite: "lax", signed: true },
      short: { httpOnly: true, sameSite: "lax", signed: true },
    },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name"],
      ...(extraClaims.length > 0 ? { school: extraClaims } : {}),
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(`Logga ut från ${options.name}`, `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, logga ut</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page("Utloggad", "<p>Du är utloggad.</p>");
        },
      },
    },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const account = bySub.get(sub);
      return account ? { accountId: sub, claims: async () => ({ sub, ...account.claims }) } : undefined;
    },
    // A first-party client: the municipality's provider asks nobody for consent.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(["openid", "email", "profile", ...(extraClaims.length > 0 ? ["school"] : [])].join(" "));
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = page("Fel hos inloggningstjänsten", `<p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ""))}</p>`);
    },
  };
  const provider = new Provider(issuer, configuration);
  // Quiet: the provider's own errors are answered to the client, which is what the tests look at.
  provider.on("server_error", () => undefined);

  const counters = { signIns: 0 };
  const oidcHandler = provider.callback();
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? "");
    if (!match) {
      oidcHandler(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name !== "login") throw new Error(`unexpected prompt ${details.prompt.name}`);
        let problem = "";
        if (req.method === "POST" && match[2]) {
          const form = await readForm(req);
          const account = options.accounts.find((a) => a.username === form.get("username"));
          if (account && account.password === form.get("password")) {
            counters.signIns += 1;
            await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
            return;
          }
          problem = `<p role="alert">Fel användarnamn eller lösenord.</p>`;
        }
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        res.end(
          page(
            `Logga in hos ${options.name}`,
            `${problem}<form method="post" action="/interaction/${details.uid}/login">` +
              `<p><label for="username">Användarnamn</label> <input id="username" name="username" autocomplete="username"></p>` +
              `<p><label for="password">Lösenord</label> <input id="password" name="password" type="password"></p>` +
              `<button type="submit">Logga in</button></form>`,
          ),
        );
      } catch (error) {
        res.statusCode = 400;
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        res.end(page("Fel hos inloggningstjänsten", `<p>${escapeHtml(error instanceof Error ? error.message : "error")}</p>`));
      }
    })();
  });

  const entriesOf = (model: string) => [...store.entries()].filter(([key]) => key.startsWith(`${model}:`));

  return {
    issuer,
    clientId,
    clientSecret,
    async registerClient({ redirectUri, postLogoutRedirectUri }) {
      await new (storageAdapter(store))("Client").upsert(
        clientId,
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          post_logout_redirect_uris: [postLogoutRedirectUri],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
          // Like most providers: the ID token always says when the person authenticated.
          require_auth_time: true,
        } as AdapterPayload,
        0,
      );
    },
    expireCodes() {
      for (const [, entry] of entriesOf("AuthorizationCode")) entry.payload.exp = Math.floor(Date.now() / 1000) - 600;
    },
    consumeCodes() {
      for (const [, entry] of entriesOf("AuthorizationCode")) entry.payload.consumed = Math.floor(Date.now() / 1000);
    },
    backdateSessions(seconds) {
      for (const [, entry] of entriesOf("Session")) {
        const session = entry.payload as AdapterPayload & { loginTs?: number };
        if (session.loginTs) session.loginTs -= seconds;
      }
    },
    sessionCount() {
      return entriesOf("Session").filter(([, entry]) => (entry.payload as { accountId?: string }).accountId).length;
    },
    get signIns() {
      return counters.signIns;
    },
    async close() {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/**
 * Walks an authorization request at the provider as a browser would (plain HTTP): follows its
 * redirects, fills in its sign-in form when it shows one, and returns the URL it finally sends the
 * browser to (our callback, with code and state), without requesting it.
 */
export async function authorizeAtProvider(
  jar: import("./cookie-jar").CookieJar,
  authorizationUrl: string,
  credentials: { username: string; password: string } | null,
): Promise<string> {
  const providerOrigin = new URL(authorizationUrl).origin;
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (new URL(url).origin !== providerOrigin) return url;
    const response = await jar.fetch(url);
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
    if (response.status !== 200 || !form) {
      throw new Error(`the provider answered ${response.status} at ${new URL(url).pathname}: ${html.replace(/<[^>]+>/g, " ").trim().slice(0, 200)}`);
    }
    let answer: Response;
    if (form[2]!.includes('name="username"')) {
      if (!credentials) throw new Error("the provider asked for a sign-in");
      answer = await jar.post(new URL(form[1]!, url), credentials);
    } else {
      // A page that submits itself (the provider ending one account's session before another's).
      const fields: Record<string, string> = {};
      for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) fields[input[1]!] = input[2]!;
      answer = await jar.post(new URL(form[1]!.replace(/&amp;/g, "&"), url), fields);
    }
    const next = answer.headers.get("location");
    if (!next) throw new Error(`the provider refused the sign-in (${answer.status})`);
    url = new URL(next, url).href;
  }
  throw new Error("too many redirects at the provider");
}

/** Confirms the provider's sign-out page (RP-initiated logout) and returns where it sends the browser. */
export async function confirmSignOutAtProvider(jar: import("./cookie-jar").CookieJar, endSessionUrl: string): Promise<string> {
  const page = await jar.fetch(endSessionUrl);
  const html = await page.text();
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no sign-out form at the provider (${page.status})`);
  const fields: Record<string, string> = { logout: "yes" };
  for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[input[1]!] = input[2]!;
  const answer = await jar.post(new URL(form[1]!, endSessionUrl), fields);
  const location = answer.headers.get("location");
  if (!location) throw new Error(`the provider did not redirect after sign-out (${answer.status})`);
  return new URL(location, endSessionUrl).href;
}
