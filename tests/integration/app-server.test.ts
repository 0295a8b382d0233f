import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto } from "../support/collab-client";
import { cookieFrom, firstPlanId, get, postForm, signIn } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

/** The first link to a pupil page on a page, as a guardian would click it. */
async function firstPupilLink(cookie: string, name: string): Promise<string> {
  const html = await (await get(`${server.url}/`, cookie)).text();
  const match = new RegExp(`href="(/pupils/[^"]+)"[^>]*>(?:<[^>]+>)*${name}`).exec(html);
  if (!match) throw new Error(`no link to ${name}`);
  return match[1]!;
}

describe("operations", () => {
  it("answers /healthz with the server's state", async () => {
    const response = await get(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("logs requests without personal data", async () => {
    await postForm(`${server.url}/login`, { email: "elev@demo.test", password: "wrong-secret" });
    await expect.poll(() => server.logs.join("\n")).toContain('"path":"/login"');
    const logs = server.logs.join("\n");
    expect(logs).not.toContain("elev@demo.test");
    expect(logs).not.toContain("wrong-secret");
    expect(logs).not.toContain("Lindqvist");
  });

  it("logs writing in a plan, a refused message and a store that fails without names, text or cookies", async () => {
    const cookie = await signIn(server.url, "elev@demo.test");
    const planId = await firstPlanId(server.url, cookie);
    expect((await get(`${server.url}/plans/${planId}?q=Hemligt`, cookie)).status).toBe(200);
    const typist = connectToPlan(server.url, planId, cookie, { acks: true, snapshot: (doc) => sectionText(doc, "about") });
    await typist.synced();
    typeInto(typist.doc, "about", "Min hemliga text.");
    await expect.poll(() => typist.acknowledged()).toContain("Min hemliga text.");
    // A store that fails (logged as an error) and a message refused (logged as a warning).
    const sqlite = new Database(server.databasePath);
    sqlite.exec("create trigger refuse_all before insert on plan_updates begin select raise(abort, 'refused'); end");
    try {
      typeInto(typist.doc, "about", " Ännu hemligare.");
      await expect.poll(() => typist.closeCodes).toContain(4500);
    } finally {
      sqlite.exec("drop trigger refuse_all");
      sqlite.close();
    }
    const reader = connectToPlan(server.url, planId, await signIn(server.url, "vh@demo.test"));
    await reader.synced();
    typeInto(reader.doc, "about", "Förfalskat av läsaren.");
    await expect.poll(() => reader.closeCodes).toContain(4403);
    typist.destroy();
    reader.destroy();
    await expect.poll(() => server.logs.join("\n")).toContain("collab could not store an update");
    await expect.poll(() => server.logs.join("\n")).toContain("collab connection refused a message");
    const logs = server.logs.join("\n");
    for (const secret of ["Min hemliga", "hemligare", "Förfalskat", "Hemligt", "Alva", "Lindqvist", "Sara", "demo.test", cookie.split("=")[1]!.slice(0, 20)]) {
      expect(logs).not.toContain(secret);
    }
  });

  it("has no /metrics without a configured token", async () => {
    expect((await get(`${server.url}/metrics`)).status).toBe(404);
  });

  it("sends no HSTS when the public address is plain http (development)", async () => {
    expect((await get(`${server.url}/login`)).headers.get("strict-transport-security")).toBeNull();
  });

  it("shows a Swedish 404 page for unknown addresses", async () => {
    const response = await get(`${server.url}/no/such/page`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Sidan finns inte");
  });
});

describe("sign-in", () => {
  it("sends a visitor without a session to the sign-in page", async () => {
    const response = await get(`${server.url}/`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login");
  });

  it("refuses a wrong password with a clear message and no session", async () => {
    const response = await postForm(`${server.url}/login`, { email: "vh@demo.test", password: "fel" });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("Fel e-postadress eller lösenord");
    expect(response.headers.getSetCookie().join()).not.toContain("__session");
  });

  it("explains invalid input next to the field and changes nothing", async () => {
    const response = await postForm(`${server.url}/login`, { email: "inte-en-adress", password: "" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Skriv en giltig e-postadress");
    expect(html).toContain("Fyll i ditt lösenord");
    expect(html).toMatch(/aria-invalid="true"/);
  });

  it("answers a body that is not a form with 415, not an error", async () => {
    const response = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "elev@demo.test", password: "demo" }),
    });
    expect(response.status).toBe(415);
    const badEncoding = await get(`${server.url}/pupils/%E0%A4%A`);
    expect(badEncoding.status).toBeLessThan(500);
  });

  it("signs in with an httpOnly SameSite session cookie and lands on the home page", async () => {
    const response = await postForm(`${server.url}/login`, { email: "elev@demo.test", password: "demo" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("__session="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const home = await get(`${server.url}/`, cookieFrom(response));
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Hej Alva!");
  });

  it("sends the person back to the page they asked for, but never off the site", async () => {
    const back = await postForm(`${server.url}/login`, { email: "admin@demo.test", password: "demo", redirectTo: "/admin" });
    expect(back.headers.get("location")).toBe("/admin");
    const away = await postForm(`${server.url}/login`, { email: "admin@demo.test", password: "demo", redirectTo: "//evil.example/" });
    expect(away.headers.get("location")).toBe("/");
  });

  it("ignores a forged session cookie", async () => {
    const response = await get(`${server.url}/`, "__session=forged.value");
    expect(response.status).toBe(302);
  });

  it("ends the session on the server at sign-out", async () => {
    const cookie = await signIn(server.url, "vh2@demo.test");
    expect((await get(`${server.url}/`, cookie)).status).toBe(200);
    const out = await postForm(`${server.url}/logout`, {}, cookie);
    expect(out.status).toBe(302);
    // The old cookie is worthless even if a browser kept it.
    expect((await get(`${server.url}/`, cookie)).status).toBe(302);
  });

  it("slows down repeated failures for one account", async () => {
    for (let i = 0; i < 5; i++) await postForm(`${server.url}/login`, { email: "svenska@demo.test", password: `gissning${i}` });
    const response = await postForm(`${server.url}/login`, { email: "svenska@demo.test", password: "demo" });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await response.text()).toContain("För många misslyckade försök");
  });
});

describe("access to a pupil's page", () => {
  it("shows Alva to her guardian and a 404 revealing nothing to another family", async () => {
    const guardian = await signIn(server.url, "vh@demo.test");
    const alvaPage = await firstPupilLink(guardian, "Alva Lindqvist");
    const seen = await get(`${server.url}${alvaPage}`, guardian);
    expect(seen.status).toBe(200);
    expect(await seen.text()).toContain("Alva Lindqvist");

    const stranger = await signIn(server.url, "annan.vh@demo.test");
    const refused = await get(`${server.url}${alvaPage}`, stranger);
    expect(refused.status).toBe(404);
    const body = await refused.text();
    expect(body).toContain("Sidan finns inte");
    expect(body).not.toContain("Alva");
    expect(body).not.toContain("Lindqvist");
    // The data request behind client-side navigation is refused the same way.
    const data = await get(`${server.url}${alvaPage}.data`, stranger);
    expect(data.status).toBe(404);
    expect(await data.text()).not.toContain("Lindqvist");
  });

  it("keeps the school set-up to the admin", async () => {
    const admin = await signIn(server.url, "admin@demo.test");
    const page = await get(`${server.url}/admin`, admin);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Solbackeskolan");
    const teacher = await signIn(server.url, "matte@demo.test");
    expect((await get(`${server.url}/admin`, teacher)).status).toBe(404);
  });
});

describe("language", () => {
  it("switches to English and back, and remembers the choice in a cookie", async () => {
    const toEnglish = await postForm(`${server.url}/language`, { locale: "en", redirectTo: "/login" });
    expect(toEnglish.status).toBe(302);
    const cookie = cookieFrom(toEnglish);
    const english = await (await get(`${server.url}/login`, cookie)).text();
    expect(english).toContain('lang="en"');
    expect(english).toContain(">Email<");
    const swedish = await (await get(`${server.url}/login`)).text();
    expect(swedish).toContain(">E-post<");
  });

  it("renders Arabic and Persian right to left, the other languages left to right", async () => {
    for (const [locale, dir] of [["ar", "rtl"], ["fa", "rtl"], ["so", "ltr"], ["ti", "ltr"], ["uk", "ltr"]] as const) {
      const cookie = cookieFrom(await postForm(`${server.url}/language`, { locale, redirectTo: "/login" }));
      const page = await (await get(`${server.url}/login`, cookie)).text();
      expect(page).toContain(`<html lang="${locale}" dir="${dir}"`);
    }
  });

  it("refuses an unsupported language with 400", async () => {
    const response = await postForm(`${server.url}/language`, { locale: "xx" });
    expect(response.status).toBe(400);
  });
});

describe("start-up", () => {
  it("keeps the generated session secret and seeds the demo school only once", async () => {
    const cookie = await signIn(server.url, "mentor@demo.test");
    await server.stop();
    server = await startTestServer({ databasePath: server.databasePath });
    expect((await get(`${server.url}/`, cookie)).status).toBe(200);
    const db = new Database(server.databasePath, { readonly: true });
    try {
      const { n } = db.prepare("select count(*) as n from pupils join people on people.id = pupils.person_id where people.school_id = (select school_id from people where email = 'admin@demo.test')").get() as { n: number };
      expect(n).toBe(120);
    } finally {
      db.close();
    }
  });

  it("refuses to start in production without PUBLIC_URL, naming it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "iup-test-"));
    try {
      const starting = startTestServer({ databasePath: join(folder, "app.sqlite"), env: { NODE_ENV: "production", COOKIE_SECURE: "false" } });
      await expect(starting).rejects.toThrow(/PUBLIC_URL: required in production/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("creates no demo accounts in production unless asked", async () => {
    const production = await startTestServer({
      env: {
        NODE_ENV: "production",
        COOKIE_SECURE: "false",
        PUBLIC_URL: "http://localhost",
        SESSION_SECRET: "a-session-secret-of-at-least-32-characters!",
        SIGNING_KEY_SECRET: "a-signing-key-secret-of-at-least-32-characters",
      },
    });
    try {
      const response = await postForm(`${production.url}/login`, { email: "elev@demo.test", password: "demo" });
      expect(response.status).toBe(401);
    } finally {
      await production.stop();
      production.cleanup();
    }
  });
});
