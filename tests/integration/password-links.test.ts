import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieFrom, get, postForm, requestWithHost, signIn } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { startTestSmtp, type ReceivedMail, type TestSmtp } from "../support/smtp";

/**
 * Passwords for small schools and the demo: switched on per role, invitation links from the
 * admin, "forgot password" links. Real servers, real SQLite, a real SMTP server (smtp-server).
 */

const PUBLIC_URL = "https://iup.sjovik.example";
const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");
const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
const heading = (html: string) => /<h1[^>]*>(.*?)<\/h1>/.exec(html)?.[1];

interface OutboxRow {
  id: string;
  to_address: string;
  kind: string;
  locale: string;
  subject: string;
  body: string;
}

/** The link in a mail's text, if any. */
const linkIn = (body: string) => /https?:\/\/\S+\/password\/set\?token=([A-Za-z0-9_-]+)/.exec(body);

describe("without SMTP: links reach people through the admin's outbox", () => {
  let server: TestServer;
  let db: Database.Database;
  let admin: string;
  const idOf = (email: string) => (db.prepare("select id from people where email = ?").get(email) as { id: string }).id;
  const outboxFor = (email: string) =>
    db.prepare("select * from outbox_messages where to_address = ? and kind like 'password-%' order by created_at, rowid").all(email) as OutboxRow[];
  const lastLinkFor = (email: string) => {
    const rows = outboxFor(email);
    return linkIn(rows[rows.length - 1]!.body)!;
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { PUBLIC_URL } });
    db = new Database(server.databasePath, { fileMustExist: true });
    admin = await signIn(server.url, "admin@demo.test");
    // A teacher who reads English and has no password yet.
    db.prepare("update people set preferred_locale = 'en' where email = 'matte@demo.test'").run();
    db.prepare("delete from credentials where person_id = ?").run(idOf("matte@demo.test"));
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    server?.cleanup();
  });

  const invite = (personIds: string[], host?: string) => {
    const body = new URLSearchParams([["intent", "invite"], ...personIds.map((id) => ["personId", id])]).toString();
    return requestWithHost(`${server.url}/admin/accounts`, host ?? `127.0.0.1:${server.port}`, {
      method: "POST",
      headers: { Cookie: admin, "Content-Type": "application/x-www-form-urlencoded", ...(host ? { "X-Forwarded-Host": host } : {}) },
      body,
    });
  };

  it("an admin invites a teacher: a mail in her language, a link on PUBLIC_URL whatever the Host, only the link's hash stored", async () => {
    const page = await get(`${server.url}/admin/accounts`, admin);
    expect(text(await page.text())).toMatch(/Karin Holm Inget lösenord/);

    const answer = await invite([idOf("matte@demo.test")], "evil.example");
    expect(answer.status).toBe(200);
    const [mail] = outboxFor("matte@demo.test");
    expect(mail).toMatchObject({ kind: "password-invitation", locale: "en", subject: "Choose your password for Elevledd IUP" });
    expect(mail!.body).toMatch(/^Hello Karin!/);
    expect(mail!.body).toContain("Solbackeskolan has invited you");
    expect(mail!.body).toContain("valid for one hour");
    // Like talk mail: how to choose another language, in hers, and every language named in itself.
    expect(mail!.body).toContain(`Would you like these messages in another language? Sign in at ${PUBLIC_URL}`);
    expect(mail!.body).toContain("Svenska · English · العربية · Soomaali · ትግርኛ · فارسی / دری · Українська");
    expect(mail!.body).not.toContain("evil.example");
    const link = linkIn(mail!.body)!;
    expect(link[0].startsWith(`${PUBLIC_URL}/password/set?token=`)).toBe(true);
    const token = link[1]!;
    expect(Buffer.from(token, "base64url")).toHaveLength(32);

    const stored = db.prepare("select * from password_tokens where person_id = ?").all(idOf("matte@demo.test")) as Array<Record<string, unknown>>;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(sha256(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(Number(stored[0]!.expires_at) - Number(stored[0]!.created_at)).toBe(60 * 60 * 1000);

    const after = await get(`${server.url}/admin/accounts`, admin);
    expect(text(await after.text())).toMatch(/Karin Holm Inget lösenord · Länk skickad, gäller till/);
  });

  it("the link sets a password once: short or unequal passwords are explained, then the person is signed in", async () => {
    const token = lastLinkFor("matte@demo.test")[1]!;
    const page = await get(`${server.url}/password/set?token=${token}`);
    expect(page.status).toBe(200);
    expect(heading(await page.text())).toBe("Välj ditt lösenord");

    const short = await postForm(`${server.url}/password/set?token=${token}`, { token, password: "kort", repeat: "kort" });
    expect(short.status).toBe(400);
    expect(text(await short.text())).toContain("Lösenordet måste vara minst 10 tecken långt.");
    const unequal = await postForm(`${server.url}/password/set?token=${token}`, { token, password: "ett långt lösenord", repeat: "ett annat lösenord" });
    expect(unequal.status).toBe(400);
    expect(text(await unequal.text())).toContain("Lösenorden är inte lika.");
    expect(db.prepare("select count(*) as n from credentials where person_id = ?").get(idOf("matte@demo.test"))).toEqual({ n: 0 });

    const done = await postForm(`${server.url}/password/set?token=${token}`, { token, password: "fyra ord som minns", repeat: "fyra ord som minns" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/");
    // Signed in by the link, the page takes the account's language (she reads English).
    const home = await get(`${server.url}/`, cookieFrom(done));
    expect(heading(await home.text())).toBe("Hello Karin!");

    const again = await get(`${server.url}/password/set?token=${token}`);
    expect(again.status).toBe(410);
    expect(heading(await again.text())).toBe("Länken gäller inte längre");
    const reuse = await postForm(`${server.url}/password/set?token=${token}`, { token, password: "ett annat långt lösenord", repeat: "ett annat långt lösenord" });
    expect(reuse.status).toBe(410);
    expect((await postForm(`${server.url}/login`, { email: "matte@demo.test", password: "fyra ord som minns" })).status).toBe(302);
    expect((await postForm(`${server.url}/login`, { email: "matte@demo.test", password: "ett annat långt lösenord" })).status).toBe(401);
  });

  it("a new link voids the person's earlier ones; using it ends their other sessions", async () => {
    const elsewhere = await signIn(server.url, "mentor@demo.test");
    await invite([idOf("mentor@demo.test")]);
    await invite([idOf("mentor@demo.test")]);
    const [first, second] = outboxFor("mentor@demo.test").map((m) => linkIn(m.body)![1]!);
    expect(first).not.toBe(second);
    // The newer link voids the older at once, before either is used.
    expect((await get(`${server.url}/password/set?token=${first}`)).status).toBe(410);
    expect((await get(`${server.url}/password/set?token=${second}`)).status).toBe(200);

    const done = await postForm(`${server.url}/password/set`, { token: second!, password: "mentorns nya lösenord", repeat: "mentorns nya lösenord" });
    expect(done.status).toBe(302);
    expect((await get(`${server.url}/`, elsewhere)).headers.get("location")).toBe("/login");
    expect((await get(`${server.url}/`, cookieFrom(done))).status).toBe(200);
    expect((await get(`${server.url}/password/set?token=${first}`)).status).toBe(410);
    expect(db.prepare("select count(*) as n from password_tokens where person_id = ?").get(idOf("mentor@demo.test"))).toEqual({ n: 0 });
    expect((await postForm(`${server.url}/login`, { email: "mentor@demo.test", password: "demo" })).status).toBe(401);
  });

  it("a link runs out after an hour", async () => {
    await invite([idOf("svenska@demo.test")]);
    const token = lastLinkFor("svenska@demo.test")[1]!;
    expect((await get(`${server.url}/password/set?token=${token}`)).status).toBe(200);
    // An hour later (the stored expiry moved back, rather than the test waiting).
    db.prepare("update password_tokens set expires_at = ? where token_hash = ?").run(Date.now() - 1, sha256(token));
    expect((await get(`${server.url}/password/set?token=${token}`)).status).toBe(410);
    const late = await postForm(`${server.url}/password/set`, { token, password: "för sent ändå nu", repeat: "för sent ändå nu" });
    expect(late.status).toBe(410);
    expect((await postForm(`${server.url}/login`, { email: "svenska@demo.test", password: "demo" })).status).toBe(302);
  });

  it("a tampered or made-up token is not a link", async () => {
    const token = lastLinkFor("svenska@demo.test")[1]!;
    expect((await get(`${server.url}/password/set?token=${token.slice(0, -1)}A`)).status).toBe(410);
    expect((await get(`${server.url}/password/set?token=${sha256(token)}`)).status).toBe(410);
    expect((await get(`${server.url}/password/set`)).status).toBe(410);
  });

  it("an admin cannot invite people of another school or send links as someone else", async () => {
    const teacher = await signIn(server.url, "svenska@demo.test");
    const asTeacher = await postForm(`${server.url}/admin/accounts`, { intent: "invite", personId: idOf("vh@demo.test") }, teacher);
    expect(asTeacher.status).toBe(404);
    const unknown = await invite(["no-such-person"]);
    expect(unknown.status).toBe(200);
    expect(text(unknown.body)).toContain("0 inbjudningar skickade.");
    expect(text(unknown.body)).toContain("1 kunde inte bjudas in");
  });

  it('"forgot password" answers the same whatever the address, and mails only a known one, in Swedish by default', async () => {
    const before = (db.prepare("select count(*) as n from outbox_messages").get() as { n: number }).n;
    const known = await postForm(`${server.url}/password/forgot`, { email: "VH@demo.test" });
    const unknown = await postForm(`${server.url}/password/forgot`, { email: "ingen@demo.test" });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const visible = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0].replace(/VH@demo\.test|ingen@demo\.test/gi, "");
    const [knownHtml, unknownHtml] = [await known.text(), await unknown.text()];
    expect(text(visible(knownHtml))).toBe(text(visible(unknownHtml)));
    expect(text(knownHtml)).toContain("Om adressen finns hos oss");
    expect((db.prepare("select count(*) as n from outbox_messages").get() as { n: number }).n).toBe(before + 1);
    const [mail] = outboxFor("vh@demo.test");
    expect(mail).toMatchObject({ kind: "password-reset", locale: "sv", subject: "Nytt lösenord till Elevledd IUP" });
    expect(mail!.body).toMatch(/^Hej Sara!/);
    expect(linkIn(mail!.body)![0].startsWith(`${PUBLIC_URL}/password/set?token=`)).toBe(true);
    const page = await get(`${server.url}/password/set?token=${linkIn(mail!.body)![1]}`);
    expect(heading(await page.text())).toBe("Välj ett nytt lösenord");
  });

  it("reset requests are limited: a few mails an hour per person (silently), and a flood from one address is told to wait", async () => {
    const from = (address: string) => ({ "X-Forwarded-For": address, "Content-Type": "application/x-www-form-urlencoded" });
    const ask = (email: string, address: string) =>
      requestWithHost(`${server.url}/password/forgot`, `127.0.0.1:${server.port}`, { method: "POST", headers: from(address), body: `email=${encodeURIComponent(email)}` });
    for (let i = 0; i < 5; i++) expect((await ask("vh2@demo.test", `10.9.0.${i}`)).status).toBe(200);
    expect(outboxFor("vh2@demo.test")).toHaveLength(3);

    for (let i = 0; i < 20; i++) expect((await ask(`ingen${i}@demo.test`, "10.9.1.1")).status).toBe(200);
    const flooded = await ask("annan.vh@demo.test", "10.9.1.1");
    expect(flooded.status).toBe(429);
    expect(text(flooded.body)).toMatch(/För många förfrågningar\. Vänta \d+ sekunder/);
    expect(outboxFor("annan.vh@demo.test")).toHaveLength(0);
    expect((await ask("annan.vh@demo.test", "10.9.1.2")).status).toBe(200);
    expect(outboxFor("annan.vh@demo.test")).toHaveLength(1);
  });

  it("the accounts page names no protected family to the admin, and still lets them be invited", async () => {
    const nora = db.prepare("select id, school_id from people where given_name = 'Nora' and family_name = 'Karlsson'").get() as { id: string };
    const klass = (db.prepare("select g.id from groups g join group_members m on m.group_id = g.id where m.pupil_id = ? and g.type = 'class'").get(nora.id) as { id: string }).id;
    const guardians = db
      .prepare("select p.given_name || ' ' || p.family_name as name from guardianships g join people p on p.id = g.guardian_id where g.pupil_id = ?")
      .all(nora.id) as Array<{ name: string }>;
    const page = text(await (await get(`${server.url}/admin/accounts?class=${klass}`, admin)).text());
    expect(page).not.toContain("Nora Karlsson");
    for (const guardian of guardians) expect(page).not.toContain(guardian.name);
    expect(page).toContain("Elev med skyddade personuppgifter");
    expect(page).toContain("Vårdnadshavare med skyddade personuppgifter");
  });

  it("the admin's outbox shows the invitation with its link, for handing on", async () => {
    const outbox = await get(`${server.url}/admin/outbox`, admin);
    const html = await outbox.text();
    expect(html).toContain("Choose your password for Elevledd IUP");
    expect(html).toContain(`${PUBLIC_URL}/password/set?token=`);
  });
});

describe("with SMTP and password sign-in for staff and guardians only", () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let db: Database.Database;
  let received: ReceivedMail[];

  beforeAll(async () => {
    smtp = await startTestSmtp();
    received = smtp.received;
    server = await startTestServer({
      env: {
        PUBLIC_URL,
        PASSWORD_SIGN_IN: "staff,guardian",
        SMTP_URL: smtp.url,
        MAIL_FROM: "no-reply@solbacken.demo.test",
      },
    });
    db = new Database(server.databasePath, { fileMustExist: true });
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    server?.cleanup();
    await smtp?.close();
  });

  it("the password form refuses a pupil with a clear message, and still signs in staff and guardians", async () => {
    const pupil = await postForm(`${server.url}/login`, { email: "elev@demo.test", password: "demo" });
    expect(pupil.status).toBe(403);
    expect(pupil.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(false);
    expect(text(await pupil.text())).toContain("Ditt konto loggar inte in med lösenord.");
    // A wrong password says nothing about the role.
    const wrong = await postForm(`${server.url}/login`, { email: "elev@demo.test", password: "fel" });
    expect(text(await wrong.text())).toContain("Fel e-postadress eller lösenord.");
    expect((await postForm(`${server.url}/login`, { email: "vh@demo.test", password: "demo" })).status).toBe(302);
    expect((await postForm(`${server.url}/login`, { email: "mentor@demo.test", password: "demo" })).status).toBe(302);
  });

  it("no links for a role whose password sign-in is off: the admin's invitation is refused, a reset request is answered but not mailed", async () => {
    const admin = await signIn(server.url, "admin@demo.test");
    const alva = (db.prepare("select id from people where email = 'elev@demo.test'").get() as { id: string }).id;
    const klass = (db.prepare("select g.id from groups g join group_members m on m.group_id = g.id where m.pupil_id = ? and g.type = 'class'").get(alva) as { id: string }).id;
    const page = text(await (await get(`${server.url}/admin/accounts?class=${klass}`, admin)).text());
    expect(page).toMatch(/Alva Lindqvist Loggar inte in med lösenord/);
    expect(page).toMatch(/Lösenord: personal och vårdnadshavare/);

    const invited = await postForm(`${server.url}/admin/accounts`, { intent: "invite", personId: alva }, admin);
    expect(text(await invited.text())).toContain("0 inbjudningar skickade.");
    const asked = await postForm(`${server.url}/password/forgot`, { email: "elev@demo.test" });
    expect(text(await asked.text())).toContain("Om adressen finns hos oss");
    expect(db.prepare("select count(*) as n from password_tokens").get()).toEqual({ n: 0 });
    expect(db.prepare("select count(*) as n from outbox_messages where recipient_id = ?").get(alva)).toEqual({ n: 0 });
  });

  it("a reset link leaves by SMTP, and the outbox keeps the mail without the link", async () => {
    await postForm(`${server.url}/password/forgot`, { email: "vh2@demo.test" });
    await expect.poll(() => received.filter((m) => m.to.includes("vh2@demo.test")).length).toBe(1);
    const raw = received.find((m) => m.to.includes("vh2@demo.test"))!.raw;
    // Quoted-printable may fold long lines: undo it before reading the link.
    const unfolded = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const token = /\/password\/set\?token=([A-Za-z0-9_-]{43})/.exec(unfolded)![1]!;
    expect(unfolded).toContain(`${PUBLIC_URL}/password/set?token=${token}`);

    const stored = db.prepare("select body, transport, sent_at from outbox_messages where to_address = 'vh2@demo.test'").get() as { body: string; transport: string; sent_at: number | null };
    await expect.poll(() => (db.prepare("select transport from outbox_messages where to_address = 'vh2@demo.test'").get() as { transport: string }).transport).toBe("smtp");
    expect(stored.body).not.toContain(token);
    expect(stored.body).toContain("[Länken skickades med e-post och sparas inte här.]");

    const done = await postForm(`${server.url}/password/set`, { token, password: "johans nya lösenord", repeat: "johans nya lösenord" });
    expect(done.status).toBe(302);
    expect((await postForm(`${server.url}/login`, { email: "vh2@demo.test", password: "johans nya lösenord" })).status).toBe(302);
  });
});

describe("with password sign-in off for everyone", () => {
  let server: TestServer;

  beforeAll(async () => {
    // The provider is never contacted here: the sign-in page only names it.
    server = await startTestServer({
      env: { PASSWORD_SIGN_IN: "none", OIDC_STAFF_ISSUER: "http://127.0.0.1:9/", OIDC_STAFF_CLIENT_ID: "iup", OIDC_STAFF_NAME: "Sjöviks kommun" },
    });
  });

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
  });

  it("hides the password form and the reset link, and refuses a password sent anyway", async () => {
    const html = text(await (await get(`${server.url}/login`)).text());
    expect(html).toContain("Logga in med Sjöviks kommun");
    expect(html).not.toContain("Lösenord");
    expect(html).not.toContain("Glömt lösenordet?");
    const posted = await postForm(`${server.url}/login`, { email: "mentor@demo.test", password: "demo" });
    expect(posted.status).toBe(403);
    expect(posted.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(false);
    expect((await get(`${server.url}/password/forgot`)).status).toBe(404);
  });
});
