import { connect } from "node:net";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieFrom, firstPlanId, get, postForm, rawRequest, signIn, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The HTTP edges as an attacker meets them, through the real server: redirect targets, the public
 * address in mail, hostile bodies on every action, cross-site requests, security headers, what
 * /healthz tells strangers, and password guessing against one account.
 */

const PUBLIC_URL = "https://iup.example.test";
const METRICS_TOKEN = "operators-only-token-0123456789abcdef";
const ACCESSIBILITY_CONTACT = "tillganglighet@sjovik.demo.test";

let server: TestServer;
let sqlite: Database.Database;
const cookies: Record<string, string> = {};
const one = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T;
const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];

beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL, METRICS_TOKEN, ACCESSIBILITY_CONTACT } });
  Object.assign(
    cookies,
    await signInEach(server.url, {
      alva: "elev@demo.test",
      sara: "vh@demo.test",
      mentor: "mentor@demo.test",
      maths: "matte@demo.test",
      admin: "admin@demo.test",
      // Only for posting hostile bodies to /logout (a body that is read as a sign-out ends this session).
      leaver: "svenska@demo.test",
    }),
  );
  sqlite = new Database(server.databasePath, { readonly: true, fileMustExist: true });
});

afterAll(async () => {
  sqlite?.close();
  await server?.stop();
  server?.cleanup();
});

/** Anything that looks like a stack trace, a source path or an exception's name. */
const internals = /\bat [\w$.<>]+ \(|node_modules|file:\/\/|\/work\/|\bbuild\/index\.js|TypeError|SqliteError|ReferenceError|"stack"/;

describe("redirect targets after sign-in and after switching language", () => {
  // Each of these is a path to us by a naive check, and a page elsewhere in some browser.
  const hostile = [
    "/\t/evil.example/phish",
    "/%09/evil.example/phish",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    "//evil.example/",
    "/\\evil.example",
    "\\/evil.example",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "/./\\/evil.example",
    "/.//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /evil",
    "/\u0000/evil.example",
    "/\u2028/evil.example",
    "/å",
  ];

  /** Where a browser goes with this Location: it must be our own origin. */
  const target = (location: string | null) => new URL(location ?? "", server.url);

  it("never leaves the site from /login, whatever redirectTo holds", async () => {
    for (const redirectTo of hostile) {
      const response = await postForm(`${server.url}/login`, { email: "admin@demo.test", password: "demo", redirectTo });
      expect(response.status, JSON.stringify(redirectTo)).toBe(302);
      const location = response.headers.get("location");
      // No control characters or whitespace a browser might drop, no backslashes.
      expect(location, JSON.stringify(redirectTo)).toMatch(/^\/(?!\/)[\x21-\x7e]*$/);
      expect(location, JSON.stringify(redirectTo)).not.toContain("\\");
      expect(target(location).origin, JSON.stringify(redirectTo)).toBe(server.url);
      expect(target(location).pathname.startsWith("//"), JSON.stringify(redirectTo)).toBe(false);
    }
  });

  it("never leaves the site from /language either, and keeps real paths", async () => {
    for (const redirectTo of hostile) {
      const response = await postForm(`${server.url}/language`, { locale: "en", redirectTo });
      expect(response.status, JSON.stringify(redirectTo)).toBe(302);
      const location = response.headers.get("location");
      expect(location, JSON.stringify(redirectTo)).toMatch(/^\/(?!\/)[\x21-\x7e]*$/);
      expect(target(location).origin, JSON.stringify(redirectTo)).toBe(server.url);
    }
    const kept = await postForm(`${server.url}/language`, { locale: "sv", redirectTo: "/plans/abc?x=1#y" });
    expect(kept.headers.get("location")).toBe("/plans/abc?x=1#y");
  });
});

describe("links in mail", () => {
  it("point at PUBLIC_URL whatever Host the request that sent them carried", async () => {
    const group = one<{ id: string }>("select id from groups where name = '8A – Jonas Ek'").id;
    const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const created = await postForm(
      `${server.url}/talk-days`,
      { dates: day, windowStart: "15:00", windowEnd: "18:00", sittingMinutes: "60", talkMinutes: "30", place: "Aulan", videoUrl: "", capacity: "24", groupIds: group },
      cookies.mentor,
    );
    expect(created.status).toBe(302);
    const eventId = created.headers.get("location")!.split("/").pop()!;

    // The mentor's invitations, sent through a request with a forged Host.
    const invite = await rawRequest(`${server.url}/talk-days/${eventId}`, {
      method: "POST",
      headers: { Host: "evil.example", Cookie: cookies.mentor!, "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=invite",
    });
    expect(invite.status).toBe(200);
    const invitations = all<{ body: string; calendar: string | null }>("select body, calendar from outbox_messages where kind = 'talk-invitation'");
    expect(invitations.length).toBeGreaterThan(0);
    for (const message of invitations) {
      expect(message.body + message.calendar).not.toContain("evil.example");
      expect(message.body).toContain(PUBLIC_URL);
    }

    // A guardian moving her child's talk: the change goes to the other household too.
    const alvaId = one<{ id: string }>("select id from people where email = 'elev@demo.test'").id;
    const talk = one<{ id: string; sitting_id: string }>("select id, sitting_id from talks where event_id = ? and pupil_id = ?", eventId, alvaId);
    const other = all<{ id: string }>("select id from talk_sittings where event_id = ? and id <> ? order by starts_at", eventId, talk.sitting_id)[0]!;
    const before = all("select id from outbox_messages where kind = 'talk-change'").length;
    const answer = await rawRequest(`${server.url}/?index`, {
      method: "POST",
      headers: { Host: "evil.example", Cookie: cookies.sara!, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "confirm", talkId: talk.id, attendance: "room", sittingId: other.id }).toString(),
    });
    expect(answer.status).toBe(200);
    const changes = all<{ body: string; calendar: string | null }>("select body, calendar from outbox_messages where kind = 'talk-change'");
    expect(changes.length).toBe(before + 2);
    for (const message of changes) {
      expect(message.body + message.calendar).not.toContain("evil.example");
      expect(message.body).toContain(PUBLIC_URL);
    }
  });
});

describe("hostile bodies on every action", () => {
  /** Every route with an action, as someone who gets as far as reading the body. */
  async function actionTargets(): Promise<Array<{ path: string; who?: string }>> {
    const planId = await firstPlanId(server.url, cookies.alva!);
    const duty = one<{ id: string }>(
      "select td.id from teaching_duties td join groups g on g.id = td.group_id where g.name = '8A Matematik' limit 1",
    ).id;
    return [
      { path: "/login" },
      { path: "/language" },
      { path: "/verify" },
      { path: "/logout", who: "leaver" },
      { path: "/?index", who: "sara" },
      { path: "/_root.data?index", who: "sara" },
      { path: "/admin", who: "admin" },
      { path: `/assessments/${duty}`, who: "maths" },
      { path: "/calls/no-such-call", who: "maths" },
      { path: `/plans/${planId}`, who: "alva" },
      { path: `/plans/${planId}.data`, who: "alva" },
      { path: "/talk-days", who: "mentor" },
      { path: "/talk-days/no-such-event", who: "mentor" },
      { path: "/talk-days/no-such-event/sittings/no-such-sitting", who: "mentor" },
      { path: "/talks/no-such-talk", who: "alva" },
    ];
  }

  const post = (path: string, who: string | undefined, headers: Record<string, string>, body: BodyInit) =>
    fetch(`${server.url}${path}`, { method: "POST", redirect: "manual", headers: { ...headers, ...(who ? { Cookie: cookies[who]! } : {}) }, body });

  async function expectClearRefusal(response: Response, what: string, status?: number) {
    const text = await response.text();
    if (status) expect(response.status, what).toBe(status);
    expect(response.status, what).toBeGreaterThanOrEqual(400);
    expect(response.status, what).toBeLessThan(500);
    expect(text, what).not.toMatch(internals);
    expect(text.length, what).toBeGreaterThan(0);
  }

  it("answers a malformed multipart body with 400", async () => {
    for (const { path, who } of await actionTargets()) {
      const truncated = '--xyz\r\nContent-Disposition: form-data; name="intent"\r\n\r\nfile\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\n\r\n{"a"';
      await expectClearRefusal(await post(path, who, { "Content-Type": "multipart/form-data; boundary=xyz" }, truncated), `truncated multipart to ${path}`, 400);
      await expectClearRefusal(await post(path, who, { "Content-Type": "multipart/form-data" }, "no boundary"), `multipart without boundary to ${path}`, 400);
    }
  });

  it("answers a body that is not a form with 415", async () => {
    for (const { path, who } of await actionTargets()) {
      await expectClearRefusal(await post(path, who, { "Content-Type": "application/json" }, JSON.stringify({ intent: "sign" })), `JSON to ${path}`, 415);
      await expectClearRefusal(await post(path, who, { "Content-Type": "text/plain" }, "intent=sign"), `text to ${path}`, 415);
    }
  });

  it("answers an oversized body with 413 without reading it, and a body of unknown length with 411", async () => {
    for (const { path, who } of await actionTargets()) {
      // 50 MB announced, a few bytes sent: the answer comes before the rest would be read.
      const huge = await rawRequest(`${server.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(50 * 1024 * 1024), ...(who ? { Cookie: cookies[who]! } : {}) },
        body: "a=xxxx",
        partialBody: true,
      });
      expect(huge.status, `50 MB to ${path}`).toBe(413);
      expect(huge.body, `50 MB to ${path}`).not.toMatch(internals);
      expect(huge.body, `50 MB to ${path}`).toContain("för stor");
      const chunked = await rawRequest(`${server.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked", ...(who ? { Cookie: cookies[who]! } : {}) },
        body: "intent=x",
      });
      expect(chunked.status, `chunked to ${path}`).toBe(411);
      expect(chunked.body, `chunked to ${path}`).not.toMatch(internals);
    }
    // A form that is large for a form (not for an upload) is refused by the page it is sent to.
    const planId = await firstPlanId(server.url, cookies.alva!);
    const big = "intent=reply&threadId=x&body=" + "x".repeat(600 * 1024);
    await expectClearRefusal(await post(`/plans/${planId}`, "alva", { "Content-Type": "application/x-www-form-urlencoded" }, big), "600 KB form", 413);
  });

  it("checks an uploaded file that is JSON but not an export as not genuine, never with an error", async () => {
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update("{}").digest("hex");
    const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const cases = [
      { format: "elevledd-iup/signed-plan@1", record: {}, contentHash: hash, signatures: [] },
      { format: "elevledd-iup/signed-plan@1", record: { sections: "x" }, contentHash: hash, signatures: [{}] },
      { format: "elevledd-iup/signed-plan@1", record: { plan: { id: "x", version: 1 } }, contentHash: hash, verificationCode: "x", status: "signed", signatures: [] },
      { format: "elevledd-iup/signed-plan@1", record: null, contentHash: 5, signatures: "x" },
      [],
      "text",
      null,
    ].map((content) => JSON.stringify(content));
    // Nested deeper than any parser's or serialiser's stack.
    cases.push(`{"format":"elevledd-iup/signed-plan@1","record":${deep(100_000)},"contentHash":"${hash}","signatures":[]}`);
    cases.push(`{"format":"elevledd-iup/signed-plan@1","record":{"plan":{"id":"x","version":1},"x":${deep(100_000)}},"contentHash":"${hash}","verificationCode":"x","status":"signed","signatures":[]}`);
    for (const content of cases) {
      const form = new FormData();
      form.set("intent", "file");
      form.set("file", new Blob([content], { type: "application/json" }), "plan.json");
      const response = await fetch(`${server.url}/verify`, { method: "POST", body: form });
      const text = await response.text();
      expect(response.status, content.slice(0, 80)).toBeLessThan(500);
      expect(text).not.toMatch(internals);
      expect(text).not.toContain("Äkta och oförändrad");
    }
  });

  it("answers a Host header that is not a host with 400, not an error page", async () => {
    const response = await rawRequest(`${server.url}/login`, { headers: { Host: "a b" } });
    expect(response.status).toBe(400);
    expect(response.body).not.toMatch(internals);
  });

  it("hides an internal failure's details in development mode too (a locked database)", async () => {
    const writer = new Database(server.databasePath);
    try {
      writer.exec("begin exclusive");
      // A wrong password is written down (sign_in_failures); the lock makes that write fail.
      const response = await postForm(`${server.url}/login`, { email: "mentor@demo.test", password: "wrong" });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toMatch(internals);
      expect(text).not.toContain("database is locked");
      expect(text).toContain("Något gick fel");
    } finally {
      writer.exec("rollback");
      writer.close();
    }
  });
});

describe("requests from other sites", () => {
  it("refuses a POST whose Origin is another site, or that the browser marks cross-site, changing nothing", async () => {
    const planId = await firstPlanId(server.url, cookies.alva!);
    const threads = () => one<{ n: number }>("select count(*) as n from comment_threads").n;
    const before = threads();
    const maths = one<{ id: string }>("select id from subjects where code = 'MA' and language_code is null").id;
    const fields = { intent: "start-thread", subjectId: maths, body: "Från en annan sida" };
    const refused: Array<Record<string, string>> = [
      { Origin: "https://evil.example" },
      { Origin: "null" },
      { Origin: `${server.url}.evil.example` },
      { "Sec-Fetch-Site": "cross-site" },
      { "Sec-Fetch-Site": "same-site" },
      { "Sec-Fetch-Site": "cross-site", Origin: server.url },
    ];
    for (const headers of refused) {
      const response = await fetch(`${server.url}/plans/${planId}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.maths!, ...headers },
        body: new URLSearchParams(fields),
      });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).not.toMatch(internals);
    }
    // Sign-in and sign-out from another site are refused too (login CSRF, forced sign-out).
    const login = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: new URLSearchParams({ email: "elev@demo.test", password: "demo" }),
    });
    expect(login.status).toBe(403);
    expect(login.headers.getSetCookie().join()).not.toContain("__session");
    expect(threads()).toBe(before);

    // Our own pages: same origin (by Origin, by the public address, or by Fetch Metadata).
    const accepted: Array<Record<string, string>> = [{ Origin: server.url, "Sec-Fetch-Site": "same-origin" }, { Origin: server.url }, {}];
    for (const headers of accepted) {
      const response = await fetch(`${server.url}/plans/${planId}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.maths!, ...headers },
        body: new URLSearchParams(fields),
      });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    expect(threads()).toBe(before + 3);
  });

  it("refuses an export or calendar download started by another site, and logs nothing", async () => {
    // A message with a calendar file, to a guardian whose identity is not protected: the outbox
    // shows the admin none of a protected family's messages, and ids are random, so the first
    // message by id was now and then one of those (a 404 for the admin's own download).
    const message = one<{ id: string }>(
      "select m.id from outbox_messages m join people p on p.id = m.recipient_id where m.calendar is not null and p.protected_identity = 0 order by m.id limit 1",
    );
    const ics = `${server.url}/admin/outbox/${message.id}/invite.ics`;
    const foreign: Array<Record<string, string>> = [
      { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate" },
      { "Sec-Fetch-Site": "same-site" },
      { Referer: "https://evil.example/page" },
      {},
    ];
    for (const headers of foreign) {
      const response = await fetch(ics, { redirect: "manual", headers: { Cookie: cookies.admin!, ...headers } });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      const text = await response.text();
      expect(text).not.toContain("BEGIN:VCALENDAR");
      expect(text).toContain("Ladda ner filen från");
    }
    const ours: Array<Record<string, string>> = [{ "Sec-Fetch-Site": "same-origin" }, { "Sec-Fetch-Site": "none" }, { Referer: `${server.url}/admin/outbox` }];
    for (const headers of ours) {
      const response = await fetch(ics, { redirect: "manual", headers: { Cookie: cookies.admin!, ...headers } });
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(await response.text()).toContain("BEGIN:VCALENDAR");
    }
  });
});

describe("headers", () => {
  it("sends a Content-Security-Policy whose nonce is on every script of the page, fresh per request", async () => {
    const first = await get(`${server.url}/`, cookies.alva);
    const policy = first.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    const directives = Object.fromEntries(policy.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives["default-src"]).toEqual(["'self'"]);
    expect(directives["script-src"]).not.toContain("'unsafe-inline'");
    expect(directives["script-src"]).not.toContain("'unsafe-eval'");
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["base-uri"]).toEqual(["'none'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["form-action"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toContain("'self'");
    expect(directives["connect-src"]).toContain("wss://iup.example.test");
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    const second = await get(`${server.url}/`, cookies.alva);
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("keeps personal pages, their data, the API and errors out of every cache; the build stays cacheable", async () => {
    const planId = await firstPlanId(server.url, cookies.alva!);
    for (const path of ["/", "/_root.data", `/plans/${planId}`, `/plans/${planId}.data`, "/api/me/plans", "/login", "/no/such/page", "/verify"]) {
      const response = await get(`${server.url}${path}`, cookies.alva);
      expect(response.headers.get("cache-control"), path).toContain("no-store");
      await response.arrayBuffer();
    }
    const html = await (await get(`${server.url}/login`)).text();
    const asset = /"(\/build\/[^"]+\.js)"/.exec(html)![1]!;
    const built = await get(`${server.url}${asset}`);
    expect(built.status).toBe(200);
    expect(built.headers.get("cache-control")).toContain("immutable");
  });

  it("keeps a browser's connection open across requests without a body (and closes it only after refusing an unread one)", async () => {
    const cookie = await signIn(server.url, "elev@demo.test");
    for (const path of ["/healthz", "/", "/login"]) {
      const answer = await rawRequest(`${server.url}${path}`, { headers: { Cookie: cookie } });
      expect(answer.headers.connection, path).toBe("keep-alive");
    }
    const refused = await rawRequest(`${server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(64 * 1024 * 1024) },
      body: "email=x",
      partialBody: true,
    });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe("close");
  });

  it("answers a form it refuses before reading it (an upload that is not this person's to make), then reads the rest: the client gets the answer and keeps its connection", async () => {
    const cookie = await signIn(server.url, "mentor@demo.test");
    const target = new URL(server.url);
    const body = `--b\r\nContent-Disposition: form-data; name="intent"\r\n\r\nupload\r\n--b\r\nContent-Disposition: form-data; name="files"; filename="elever.csv"\r\n\r\n${"x;".repeat(100_000)}\r\n--b--\r\n`;
    const socket = connect(Number(target.port), target.hostname);
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    const answer = () => Buffer.concat(received).toString("latin1");
    socket.write(
      `POST /admin/import HTTP/1.1\r\nHost: ${target.host}\r\nCookie: ${cookie}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 1000)}`,
    );
    // The answer comes while most of the body has not been sent.
    await expect.poll(answer).toMatch(/\r\n\r\n/);
    expect(answer()).toMatch(/^HTTP\/1\.1 404/);
    expect(answer()).not.toMatch(/^connection: close/im);
    // The rest of the body goes in, and the same connection answers the next request.
    socket.write(body.slice(1000));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`);
    await expect.poll(answer).toContain('{"status":"ok"}');
    socket.end();
    await closed;
  });

  it("sends HSTS when the public address is https (behind a TLS proxy, whatever the mode)", async () => {
    expect((await get(`${server.url}/login`)).headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });
});

describe("the accessibility statement", () => {
  it("gives the operator's address for reporting a problem, to anyone, when one is configured", async () => {
    const page = await get(`${server.url}/accessibility`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<a href="mailto:${ACCESSIBILITY_CONTACT}">${ACCESSIBILITY_CONTACT}</a>`);
    expect(html).toContain("Du kan också skriva till oss direkt:");
  });
});

describe("/healthz", () => {
  it("tells anonymous callers only whether the server is well", async () => {
    const response = await get(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("gives operators with the configured token the figures, and a wrong token nothing", async () => {
    const figures = await fetch(`${server.url}/healthz`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(await figures.json()).toMatchObject({ status: "ok", database: true, collaboration: { documents: expect.any(Number), connections: expect.any(Number) }, memory: { rssMB: expect.any(Number), heapUsedMB: expect.any(Number) } });
    const wrong = await fetch(`${server.url}/healthz`, { headers: { Authorization: "Bearer guess" } });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain("collaboration");
  });
});

describe("password guessing against one account", () => {
  const attempt = (email: string, password: string, address: string, cookie?: string) =>
    fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address, ...(cookie ? { Cookie: cookie } : {}) },
      body: new URLSearchParams({ email, password }),
    });

  it("still lets the owner in on a device she has signed in on before, while strangers are held off", async () => {
    const email = "vh2@demo.test";
    // Johan signs in on his phone once: the phone is now a known device.
    const first = await attempt(email, "demo", "10.7.0.1");
    expect(first.status).toBe(302);
    const device = first.headers.getSetCookie().find((c) => c.startsWith("__device="));
    expect(device, "a known-device cookie").toBeTruthy();
    expect(device).toMatch(/HttpOnly/i);
    const deviceCookie = device!.split(";")[0]!;

    // Someone guesses from many addresses (a botnet) until strangers are held off the account for
    // a while. The wait doubles with each failure that was let through, so the guesser sits out the
    // first short wait: a fixed number of quick guesses left a wait of 2 s, which a busy machine
    // could use up before the next request (the right password then got in: a test of the clock).
    let heldOffFor = 0;
    for (let i = 0; heldOffFor < 4; i++) {
      expect(i, "guesses before the account holds strangers off").toBeLessThan(40);
      const guess = await attempt(email, `guess-${i}`, `10.8.${i}.1`);
      expect(guess.status).not.toBe(302);
      if (guess.status !== 429) continue;
      heldOffFor = Number(guess.headers.get("retry-after"));
      if (heldOffFor < 4) await new Promise((resolve) => setTimeout(resolve, heldOffFor * 1000));
    }
    // Strangers are held off, even with the right password...
    const stranger = await attempt(email, "demo", "10.8.99.1");
    expect(stranger.status).toBe(429);
    expect(stranger.headers.getSetCookie().join()).not.toContain("__session");
    // ...but Johan's phone gets in at once, from wherever he is.
    const owner = await attempt(email, "demo", "10.9.0.1", deviceCookie);
    expect(owner.status).toBe(302);
    expect(cookieFrom(owner)).toContain("__session=");
  });

  it("holds off one address guessing one account without locking the owner out elsewhere", async () => {
    const email = "annan.vh@demo.test";
    for (let i = 0; i < 6; i++) await attempt(email, `guess-${i}`, "10.20.0.1");
    expect((await attempt(email, "demo", "10.20.0.1")).status).toBe(429);
    // Petra at home, on a device she has never used: a different address is not held up.
    expect((await attempt(email, "demo", "10.21.0.1")).status).toBe(302);
  });

  it("slows down guessing on a known device too, and a device cookie of another account counts for nothing", async () => {
    const email = "svenska@demo.test";
    const first = await attempt(email, "demo", "10.30.0.1");
    const deviceCookie = first.headers.getSetCookie().find((c) => c.startsWith("__device="))!.split(";")[0]!;
    for (let i = 0; i < 6; i++) await attempt(email, `guess-${i}`, "10.30.0.1", deviceCookie);
    expect((await attempt(email, "demo", "10.30.0.1", deviceCookie)).status).toBe(429);
    // A forged or foreign device cookie is just a stranger.
    for (let i = 0; i < 30; i++) await attempt("mentor@demo.test", `guess-${i}`, `10.31.${i}.1`, deviceCookie);
    expect((await attempt("mentor@demo.test", "demo", "10.31.99.1", deviceCookie)).status).toBe(429);
    expect((await attempt("mentor@demo.test", "demo", "10.31.99.1", "__device=forged")).status).toBe(429);
  });
});

describe("production", () => {
  it("sends HSTS, hides errors, and refuses to start without its secrets and public address", async () => {
    const secrets = {
      NODE_ENV: "production",
      SEED_DEMO: "true",
      PUBLIC_URL,
      SESSION_SECRET: "a-session-secret-of-at-least-32-characters!",
      SIGNING_KEY_SECRET: "a-signing-key-secret-of-at-least-32-characters",
    };
    const production = await startTestServer({ env: secrets });
    try {
      const response = await get(`${production.url}/login`);
      expect(response.headers.get("strict-transport-security")).toMatch(/max-age=(\d{8,})/);
      expect(Number(/max-age=(\d+)/.exec(response.headers.get("strict-transport-security")!)![1])).toBeGreaterThanOrEqual(31_536_000);
      const form = new FormData();
      form.set("intent", "file");
      form.set("file", new Blob(['{"format":"elevledd-iup/signed-plan@1","record":{},"contentHash":"x","signatures":[]}']), "x.json");
      const verify = await fetch(`${production.url}/verify`, { method: "POST", body: form });
      expect(verify.status).toBeLessThan(500);
      expect(await verify.text()).not.toMatch(internals);
    } finally {
      await production.stop();
      production.cleanup();
    }
    for (const missing of ["PUBLIC_URL", "SESSION_SECRET", "SIGNING_KEY_SECRET"]) {
      const env: Record<string, string> = { ...secrets, [missing]: "" };
      await expect(startTestServer({ env }), missing).rejects.toThrow(missing);
    }
  });
});
