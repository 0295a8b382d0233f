import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { postForm, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { startTestSmtp, type ReceivedMail, type TestSmtp } from "../support/smtp";

/**
 * With SMTP_URL set, invitations leave through SMTP, several at once: a real SMTP server
 * (smtp-server, the nodemailer project's) receives them here, each with its calendar file, and
 * the outbox marks them sent.
 */

let smtp: TestSmtp;
let server: TestServer;
let received: ReceivedMail[];
let cookies: Record<string, string>;

beforeAll(async () => {
  smtp = await startTestSmtp({ holdFirstUntilAnother: true });
  received = smtp.received;
  server = await startTestServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: "samtal@solbacken.demo.test" } });
  cookies = await signInEach(server.url, { mentor: "mentor@demo.test", admin: "admin@demo.test" });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
  await smtp?.close();
});

it("sends the invitations through SMTP, each with its .ics, and marks them sent", async () => {
  const db = new Database(server.databasePath, { readonly: true, fileMustExist: true });
  const group = db.prepare("select id from groups where name = ?").get("8A – Jonas Ek") as { id: string };
  const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  const fields = new URLSearchParams([
    ["dates", day],
    ["windowStart", "15:00"],
    ["windowEnd", "18:00"],
    ["sittingMinutes", "60"],
    ["talkMinutes", "30"],
    ["place", "Matsalen"],
    ["videoUrl", ""],
    ["capacity", "24"],
    ["groupIds", group.id],
  ]);
  const created = await fetch(`${server.url}/talk-days`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.mentor! },
    body: fields,
  });
  expect(created.status).toBe(302);
  const eventId = created.headers.get("location")!.split("/").at(-1)!;
  expect((await postForm(`${server.url}/talk-days/${eventId}`, { intent: "invite" }, cookies.mentor)).status).toBe(200);

  // One message per guardian with an address, all of them delivered.
  const expected = (db.prepare("select count(*) as n from outbox_messages").get() as { n: number }).n;
  expect(expected).toBeGreaterThan(10);
  await expect.poll(() => received.length, { timeout: 10_000 }).toBe(expected);
  // Over several connections at once: a talk day's invitations do not wait on each other's round trips.
  expect(smtp.mostAtOnce).toBeGreaterThan(1);
  await expect.poll(() => (db.prepare("select count(*) as n from outbox_messages where sent_at is not null and transport = 'smtp'").get() as { n: number }).n, { timeout: 5000 }).toBe(expected);

  const toSara = received.find((m) => m.to.includes("vh@demo.test"));
  expect(toSara).toBeDefined();
  expect(toSara!.from).toBe("samtal@solbacken.demo.test");
  expect(toSara!.raw).toContain("Content-Type: text/calendar");
  expect(toSara!.raw).toMatch(/BEGIN:VCALENDAR/);
  expect(toSara!.raw).toMatch(/Subject: =\?UTF-8\?|Subject: Inbjudan/);
  // Another family's address is never in Sara's message.
  const others = db.prepare("select to_address from outbox_messages where to_address not in ('vh@demo.test', 'vh2@demo.test')").all() as Array<{ to_address: string }>;
  for (const other of others) expect(toSara!.raw).not.toContain(other.to_address);

  // The admin's outbox says they were sent.
  const outbox = await fetch(`${server.url}/admin/outbox`, { headers: { Cookie: cookies.admin! } });
  const html = await outbox.text();
  expect(html).toContain("E-post skickas via skolans e-postserver");
  expect(html).toContain("skickat");
  db.close();
});
