import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { get, postForm, requestWithHost } from "../support/http";
import {
  authorizeAtProvider,
  confirmSignOutAtProvider,
  startTestProvider,
  type TestAccount,
  type TestProvider,
} from "../support/oidc-provider";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Sign-in through two real OpenID providers (oidc-provider) started here: the municipality's
 * provider for staff and pupils (matched by e-mail) and the e-identification broker for guardians
 * (matched by the SS12000 person id in `people.external_id`). Our server runs as it ships, in a
 * child process; the tests walk the protocol with plain HTTP, as a browser would, and tamper with
 * it where an attacker could.
 */

const SARA_ID = "3f9a1c52-5d1e-4a8e-9b43-0c7f7a1e2b10";
const JONAS_ID = "8b0e4d7a-1f6c-4c2e-a3d9-5e6f7a8b9c0d";

const staffAccounts: TestAccount[] = [
  { sub: "jonas", username: "jonas.ek", password: "kommun-1", claims: { email: "Mentor@Demo.test", email_verified: true, name: "Jonas Ek" } },
  { sub: "karin", username: "karin.holm", password: "kommun-2", claims: { email: "matte@demo.test", email_verified: true } },
  { sub: "alva", username: "alva.lindqvist", password: "kommun-3", claims: { email: "elev@demo.test", email_verified: true } },
  { sub: "sara-s", username: "sara.lindqvist", password: "kommun-4", claims: { email: "vh@demo.test", email_verified: true } },
  { sub: "nobody", username: "ny.person", password: "kommun-5", claims: { email: "ny.person@sjovik.example", email_verified: true } },
  { sub: "unverified", username: "overifierad", password: "kommun-6", claims: { email: "admin@demo.test", email_verified: false } },
];
const guardianAccounts: TestAccount[] = [
  { sub: "199001012385", username: "sara", password: "bankid-1", claims: { person_id: SARA_ID } },
  { sub: "198505052391", username: "okand", password: "bankid-2", claims: { person_id: "00000000-0000-4000-8000-000000000000" } },
  { sub: "197803034411", username: "jonas", password: "bankid-3", claims: { person_id: JONAS_ID } },
];
const login = (accounts: TestAccount[], username: string) => {
  const account = accounts.find((a) => a.username === username)!;
  return { username: account.username, password: account.password };
};

let staffIdp: TestProvider;
let guardianIdp: TestProvider;
let server: TestServer;
let db: Database.Database;

beforeAll(async () => {
  staffIdp = await startTestProvider({ name: "Sjöviks kommun", accounts: staffAccounts });
  guardianIdp = await startTestProvider({ name: "E-legitimation", accounts: guardianAccounts, extraClaims: ["person_id"] });
  server = await startTestServer({
    env: {
      OIDC_STAFF_ISSUER: staffIdp.issuer,
      OIDC_STAFF_CLIENT_ID: staffIdp.clientId,
      OIDC_STAFF_CLIENT_SECRET: staffIdp.clientSecret,
      OIDC_GUARDIAN_ISSUER: guardianIdp.issuer,
      OIDC_GUARDIAN_CLIENT_ID: guardianIdp.clientId,
      OIDC_GUARDIAN_CLIENT_SECRET: guardianIdp.clientSecret,
      OIDC_GUARDIAN_MATCH: "external_id",
      OIDC_GUARDIAN_CLAIM: "person_id",
      OIDC_GUARDIAN_SCOPES: "openid school",
    },
  });
  for (const [idp, path] of [[staffIdp, "staff"], [guardianIdp, "guardian"]] as const) {
    await idp.registerClient({ redirectUri: `${server.url}/auth/${path}/callback`, postLogoutRedirectUri: `${server.url}/login` });
  }
  db = new Database(server.databasePath, { fileMustExist: true });
  // What the SS12000 import will fill in: the source system's person ids.
  db.prepare("update people set external_id = ? where email = ?").run(SARA_ID, "vh@demo.test");
  db.prepare("update people set external_id = ? where email = ?").run(JONAS_ID, "mentor@demo.test");
});

afterAll(async () => {
  db?.close();
  await server?.stop();
  server?.cleanup();
  await staffIdp?.close();
  await guardianIdp?.close();
});

const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const heading = (html: string) => /<h1[^>]*>(.*?)<\/h1>/.exec(html)?.[1];

/** Presses a provider's button on the sign-in page: returns the authorization URL. */
async function start(jar: CookieJar, provider: "staff" | "guardian", redirectTo = "/"): Promise<string> {
  const response = await jar.post(`${server.url}/auth/${provider}`, { redirectTo });
  expect(response.status).toBe(302);
  return response.headers.get("location")!;
}

/** A whole sign-in: returns the jar, signed in. */
async function signInThrough(provider: "staff" | "guardian", username: string, jar = new CookieJar()): Promise<CookieJar> {
  const callback = await authorizeAtProvider(jar, await start(jar, provider), login(provider === "staff" ? staffAccounts : guardianAccounts, username));
  const done = await jar.fetch(callback);
  expect(done.status, await done.clone().text()).toBe(302);
  return jar;
}

/** Changes one query parameter of a URL, as someone between the browser and the provider could. */
function withParam(url: string, name: string, value: string | null): string {
  const changed = new URL(url);
  if (value === null) changed.searchParams.delete(name);
  else changed.searchParams.set(name, value);
  return changed.href;
}

/** Everything a refused callback must leave as it was. */
function snapshot() {
  return { people: count("people"), sessions: count("sessions"), credentials: count("credentials") };
}

async function expectRefused(jar: CookieJar, callback: string, status: number, title: RegExp) {
  const before = snapshot();
  const response = await jar.fetch(callback);
  expect(response.status).toBe(status);
  expect(heading(await response.text())).toMatch(title);
  expect(response.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(false);
  expect(snapshot()).toEqual(before);
  // Not signed in: the home page sends the browser to sign in.
  expect((await jar.fetch(`${server.url}/`)).headers.get("location")).toBe("/login");
}

describe("signing in", () => {
  it("shows a button per provider on the sign-in page, beside the password form", async () => {
    const html = await (await get(`${server.url}/login`)).text();
    expect(html).toContain("Logga in med skolkonto");
    expect(html).toContain("Logga in med BankID/Freja");
    expect(html).toContain('action="/auth/staff"');
    expect(html).toContain('action="/auth/guardian"');
    expect(html).toContain("Glömt lösenordet?");
  });

  it("keeps state, nonce and PKCE verifier in a short-lived signed httpOnly cookie, not in the URL", async () => {
    const jar = new CookieJar();
    const response = await jar.post(`${server.url}/auth/staff`, { redirectTo: "/" });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__oidc_flow="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/auth/);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin).toBe(staffIdp.issuer);
    expect([...location.searchParams.keys()].sort()).toEqual(
      ["client_id", "code_challenge", "code_challenge_method", "nonce", "redirect_uri", "response_type", "scope", "state", "ui_locales"].sort(),
    );
    // The page's language, for the provider's own pages.
    expect(location.searchParams.get("ui_locales")).toBe("sv");
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("redirect_uri")).toBe(`${server.url}/auth/staff/callback`);
  });

  it("signs a teacher in through the municipality's provider, matched by e-mail whatever its case", async () => {
    const jar = await signInThrough("staff", "jonas.ek");
    const home = await jar.fetch(`${server.url}/`);
    expect(heading(await home.text())).toBe("Hej Jonas!");
    // The flow cookie is gone: the callback works once.
    expect(jar.get(server.url, "__oidc_flow")).toBeUndefined();
  });

  it("signs a pupil in through the same provider and returns her to where she was going", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff", "/talk-days"), login(staffAccounts, "alva.lindqvist"));
    const done = await jar.fetch(callback);
    expect(done.headers.get("location")).toBe("/talk-days");
    expect(heading(await (await jar.fetch(`${server.url}/`)).text())).toBe("Hej Alva!");
  });

  it("signs a guardian in through the e-identification broker, matched by the SS12000 person id", async () => {
    const jar = await signInThrough("guardian", "sara");
    expect(heading(await (await jar.fetch(`${server.url}/`)).text())).toBe("Hej Sara!");
  });

  it("a guardian who chose Arabic on the sign-in page is shown the broker in Arabic, lands in Arabic, and keeps Arabic on her account", async () => {
    const jar = new CookieJar();
    expect((await jar.post(`${server.url}/language`, { locale: "ar", redirectTo: "/login" })).status).toBe(302);
    const authorization = await start(jar, "guardian");
    expect(new URL(authorization).searchParams.get("ui_locales")).toBe("ar");
    try {
      const done = await jar.fetch(await authorizeAtProvider(jar, authorization, login(guardianAccounts, "sara")));
      expect(done.status).toBe(302);
      const home = await (await jar.fetch(`${server.url}/`)).text();
      expect(home).toMatch(/<html lang="ar" dir="rtl"/);
      expect(heading(home)).toBe("مرحبًا \u2068Sara\u2069!");
      // Mails and calendar files follow the account's language from now on.
      expect(db.prepare("select preferred_locale as locale from people where email = 'vh@demo.test'").get()).toEqual({ locale: "ar" });
    } finally {
      db.prepare("update people set preferred_locale = null where email = 'vh@demo.test'").run();
    }
  });

  it("never sends the browser back anywhere but a path on this site", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff", "https://elsewhere.example/"), login(staffAccounts, "karin.holm"));
    expect((await jar.fetch(callback)).headers.get("location")).toBe("/");
  });

  it("builds the callback address from PUBLIC_URL's default, not from the request's Host header", async () => {
    for (const headers of [{}, { "X-Forwarded-Host": "evil.example" }] as Array<Record<string, string>>) {
      const response = await requestWithHost(`${server.url}/auth/staff`, "evil.example", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: "redirectTo=/",
      });
      expect(response.status).toBe(302);
      expect(new URL(response.location!).searchParams.get("redirect_uri")).toBe(`${server.url}/auth/staff/callback`);
    }
  });
});

describe("refusals: nothing is created and no session starts", () => {
  it("an identity that matches no one gets a page saying so", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "ny.person"));
    await expectRefused(jar, callback, 403, /Vi hittar dig inte/);
  });

  it("says so in English to someone who chose English", async () => {
    const jar = new CookieJar();
    // The language switch's cookie (unsigned: base64 of the JSON string).
    jar.take(server.url, new Response(null, { headers: { "Set-Cookie": `lng=${encodeURIComponent(Buffer.from('"en"').toString("base64"))}` } }));
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "ny.person"));
    await expectRefused(jar, callback, 403, /We cannot find you in the school(&#x27;|')s register/);
  });

  it("an unknown person id at the guardian broker matches no one either", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "guardian"), login(guardianAccounts, "okand"));
    await expectRefused(jar, callback, 403, /Vi hittar dig inte/);
  });

  it("an address the provider says is unverified is not matched", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "overifierad"));
    await expectRefused(jar, callback, 403, /Vi hittar dig inte/);
  });

  it("the staff provider does not sign in a guardian, nor the guardian broker a teacher", async () => {
    const guardianAtStaff = new CookieJar();
    const first = await authorizeAtProvider(guardianAtStaff, await start(guardianAtStaff, "staff"), login(staffAccounts, "sara.lindqvist"));
    await expectRefused(guardianAtStaff, first, 403, /inte för ditt konto/);

    const teacherAtBroker = new CookieJar();
    const second = await authorizeAtProvider(teacherAtBroker, await start(teacherAtBroker, "guardian"), login(guardianAccounts, "jonas"));
    await expectRefused(teacherAtBroker, second, 403, /inte för ditt konto/);
  });

  it("a tampered state is refused", async () => {
    const jar = new CookieJar();
    const authorization = withParam(await start(jar, "staff"), "state", "attacker-chosen-state-value-0123456789");
    const callback = await authorizeAtProvider(jar, authorization, login(staffAccounts, "jonas.ek"));
    expect(new URL(callback).searchParams.get("state")).toBe("attacker-chosen-state-value-0123456789");
    await expectRefused(jar, callback, 400, /kunde inte slutföras/);
  });

  it("a tampered nonce is refused", async () => {
    const jar = new CookieJar();
    const authorization = withParam(await start(jar, "staff"), "nonce", "attacker-chosen-nonce-value-0123456789");
    const callback = await authorizeAtProvider(jar, authorization, login(staffAccounts, "jonas.ek"));
    await expectRefused(jar, callback, 400, /kunde inte slutföras/);
  });

  it("a code issued for another PKCE challenge is refused (the verifier does not match)", async () => {
    const jar = new CookieJar();
    // Another challenge on the way to the provider: the code is bound to it, not to our verifier.
    const authorization = withParam(await start(jar, "staff"), "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    const callback = await authorizeAtProvider(jar, authorization, login(staffAccounts, "jonas.ek"));
    await expectRefused(jar, callback, 400, /kunde inte slutföras/);
  });

  it("a code stolen from another browser's sign-in is refused in this one (PKCE)", async () => {
    const victim = new CookieJar();
    const attacker = new CookieJar();
    const attackerAuthorization = await start(attacker, "staff");
    const victimCallback = new URL(await authorizeAtProvider(victim, await start(victim, "staff"), login(staffAccounts, "jonas.ek")));
    // The attacker's own state (so the state check passes) with the victim's code.
    const injected = new URL(victimCallback);
    injected.searchParams.set("state", new URL(attackerAuthorization).searchParams.get("state")!);
    await expectRefused(attacker, injected.href, 400, /kunde inte slutföras/);
  });

  it("an expired code is refused", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "jonas.ek"));
    staffIdp.expireCodes();
    await expectRefused(jar, callback, 400, /kunde inte slutföras/);
  });

  it("a code used already is refused", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "jonas.ek"));
    staffIdp.consumeCodes();
    await expectRefused(jar, callback, 400, /kunde inte slutföras/);
  });

  it("the same callback a second time is refused, and so is one without the flow cookie", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "jonas.ek"));
    const replay = jar.clone();
    expect((await jar.fetch(callback)).status).toBe(302);
    await expectRefused(new CookieJar(), callback, 400, /hann gå ut/);
    // The replaying browser still holds the (now used) flow cookie: the provider refuses the code.
    await expectRefused(replay, callback, 400, /kunde inte slutföras/);
  });

  it("a flow cookie forged without the server's secret is ignored", async () => {
    const jar = new CookieJar();
    const callback = await authorizeAtProvider(jar, await start(jar, "staff"), login(staffAccounts, "jonas.ek"));
    const [value] = decodeURIComponent(jar.get(server.url, "__oidc_flow")!).split(".");
    const flow = JSON.parse(Buffer.from(value!, "base64").toString("utf8")) as { state: string };
    flow.state = new URL(callback).searchParams.get("state")!;
    const forged = new CookieJar();
    forged.take(server.url, new Response(null, { headers: { "Set-Cookie": `__oidc_flow=${encodeURIComponent(Buffer.from(JSON.stringify(flow)).toString("base64"))}.AAAA` } }));
    await expectRefused(forged, callback, 400, /hann gå ut/);
  });

  it("a person who cancels at the provider is told so", async () => {
    const jar = new CookieJar();
    const authorization = new URL(await start(jar, "staff"));
    const cancelled = new URL(`${server.url}/auth/staff/callback`);
    cancelled.searchParams.set("error", "access_denied");
    cancelled.searchParams.set("state", authorization.searchParams.get("state")!);
    cancelled.searchParams.set("iss", staffIdp.issuer);
    await expectRefused(jar, cancelled.href, 400, /avbröts/);
  });
});

describe("signing out", () => {
  it("ends the provider's session too (RP-initiated logout with id_token_hint)", async () => {
    const jar = await signInThrough("staff", "jonas.ek");
    const signInsBefore = staffIdp.signIns;
    const sessionsAtProvider = staffIdp.sessionCount();
    const out = await jar.post(`${server.url}/logout`, {});
    expect(out.status).toBe(302);
    const endSession = new URL(out.headers.get("location")!);
    expect(endSession.origin).toBe(staffIdp.issuer);
    expect(endSession.searchParams.get("id_token_hint")).toMatch(/^ey/);
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${server.url}/login`);
    // Our session ended at once, before the provider's page.
    expect((await jar.fetch(`${server.url}/`)).headers.get("location")).toBe("/login");

    expect(await confirmSignOutAtProvider(jar, endSession.href)).toBe(`${server.url}/login`);
    expect(staffIdp.sessionCount()).toBe(sessionsAtProvider - 1);
    // The next sign-in asks at the provider again instead of passing straight through.
    await expect(authorizeAtProvider(jar, await start(jar, "staff"), null)).rejects.toThrow(/asked for a sign-in/);
    await signInThrough("staff", "jonas.ek", jar);
    expect(staffIdp.signIns).toBe(signInsBefore + 1);
  });

  it("a password session signs out here only", async () => {
    const response = await postForm(`${server.url}/login`, { email: "vh2@demo.test", password: "demo" });
    const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const out = await postForm(`${server.url}/logout`, {}, cookie);
    expect(out.headers.get("location")).toBe("/login");
  });
});

describe("re-authentication through the provider", () => {
  it("asks the provider for a fresh sign-in (prompt=login, max_age=0) and renews the time of authentication", async () => {
    const jar = await signInThrough("staff", "jonas.ek");
    const before = snapshotOf(jar);
    expect(before).toMatchObject({ authenticatedAt: expect.any(Number), oidc: { provider: "staff" } });
    const signInsBefore = staffIdp.signIns;
    const response = await jar.fetch(`${server.url}/auth/reauthenticate?returnTo=${encodeURIComponent("/talk-days")}`);
    expect(response.status).toBe(302);
    const authorization = new URL(response.headers.get("location")!);
    expect(authorization.searchParams.get("prompt")).toBe("login");
    expect(authorization.searchParams.get("max_age")).toBe("0");
    // The provider still has a session for Jonas, yet asks again.
    const callback = await authorizeAtProvider(jar, authorization.href, login(staffAccounts, "jonas.ek"));
    expect(staffIdp.signIns).toBe(signInsBefore + 1);
    const back = await jar.fetch(callback);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/talk-days");
    expect(snapshotOf(jar)?.authenticatedAt).toBeGreaterThan(before!.authenticatedAt);
    expect(snapshotOf(jar)?.personId).toBe(before!.personId);
    expect(heading(await (await jar.fetch(`${server.url}/`)).text())).toBe("Hej Jonas!");
  });

  it("refuses an answer whose sign-in at the provider is not fresh (prompt and max_age stripped on the way)", async () => {
    // The provider (like most) always states auth_time; here it is five minutes old.
    const jar = await signInThrough("staff", "jonas.ek");
    staffIdp.backdateSessions(300);
    const before = snapshotOf(jar);
    const response = await jar.fetch(`${server.url}/auth/reauthenticate?returnTo=/`);
    let authorization = withParam(response.headers.get("location")!, "prompt", null);
    authorization = withParam(authorization, "max_age", null);
    const callback = await authorizeAtProvider(jar, authorization, null);
    const refused = await jar.fetch(callback);
    expect(refused.status).toBe(403);
    expect(heading(await refused.text())).toMatch(/logga in på nytt/);
    expect(snapshotOf(jar)).toEqual(before);
    expect(heading(await (await jar.fetch(`${server.url}/`)).text())).toBe("Hej Jonas!");
  });

  it("refuses a different person signing in at the provider, and the session stays as it was", async () => {
    const jar = await signInThrough("staff", "jonas.ek");
    const before = snapshotOf(jar);
    const response = await jar.fetch(`${server.url}/auth/reauthenticate?returnTo=/`);
    const callback = await authorizeAtProvider(jar, response.headers.get("location")!, login(staffAccounts, "karin.holm"));
    const refused = await jar.fetch(callback);
    expect(refused.status).toBe(403);
    expect(heading(await refused.text())).toMatch(/annan person/);
    expect(snapshotOf(jar)).toEqual(before);
    expect(heading(await (await jar.fetch(`${server.url}/`)).text())).toBe("Hej Jonas!");
  });

  it("returns only to a path on this site", async () => {
    const jar = await signInThrough("guardian", "sara");
    const response = await jar.fetch(`${server.url}/auth/reauthenticate?returnTo=${encodeURIComponent("//elsewhere.example/x")}`);
    const callback = await authorizeAtProvider(jar, response.headers.get("location")!, login(guardianAccounts, "sara"));
    expect((await jar.fetch(callback)).headers.get("location")).toBe("/");
  });

  it("needs a session", async () => {
    const response = await get(`${server.url}/auth/reauthenticate?returnTo=/`);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });

  /** The whole stored session of this browser: its row in the sessions table (the cookie holds
   * the signed id, base64 of its JSON). */
  function snapshotOf(jar: CookieJar) {
    const value = decodeURIComponent(jar.get(server.url, "__session")!);
    const id = JSON.parse(Buffer.from(value.slice(0, value.lastIndexOf(".")), "base64").toString("utf8")) as string;
    const row = db.prepare("select data from sessions where id = ?").get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as { personId: string; authenticatedAt: number; oidc?: { provider: string } }) : null;
  }
});
