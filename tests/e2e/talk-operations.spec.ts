import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Browser, Locator, Page } from "@playwright/test";
import Database from "better-sqlite3";
import { bookingAroundNow, dayFromNow } from "../support/school";
import { testSmtpServer } from "../support/smtp";
import { pdfText } from "../support/pdf";
import { startTestServer, type TestServer } from "../support/server";
import { expect, test, signedInPageOn } from "./fixtures";

/**
 * The talk day as staff run it, in the browser: siblings kept apart across talk days (and a
 * clash made on purpose, with its reason), telephone as a way of taking part, corrections of a
 * planned day that reach the families, an interpreter as a guest of one talk, closing a call, the
 * one-to-one talks on the mentor's board, asking before the clock restarts, the PDF of the signed
 * plan, and the outbox's resend. The talk days change the school's calendar, so the file has a
 * server of its own (a new one after a failure). Each test makes what it needs unless an earlier
 * one already did (ensure…), so each can fail on its own.
 */

let own: TestServer;
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await own?.stop();
  own?.cleanup();
});

const tablet = { width: 1024, height: 768 };
const phone = { width: 390, height: 844 };

const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, server = own, at?: string) =>
  signedInPageOn(server, browser, email, viewport, at);

const stockholm = (date: Date) =>
  Object.fromEntries(
    new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<"year" | "month" | "day" | "hour" | "minute", string>;
const talkDay = dayFromNow(20);

function db() {
  return new Database(own.databasePath, { readonly: true, fileMustExist: true });
}
function query<T>(sql: string, ...params: unknown[]): T {
  const sqlite = db();
  try {
    return sqlite.prepare(sql).get(...params) as T;
  } finally {
    sqlite.close();
  }
}

async function createTalkDay(page: Page, groups: string[], options: { phone?: string } = {}) {
  await page.goto(`${own.url}/talk-days`);
  await page.getByLabel("Dag 1").fill(talkDay);
  await page.getByLabel("Plats", { exact: true }).fill("Matsalen");
  if (options.phone) await page.getByLabel(/Telefonnummer/).fill(options.phone);
  for (const group of groups) await page.getByLabel(group).check();
  await page.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await expect(page.getByRole("heading", { name: "Samtalsplanering" })).toBeVisible();
}

/** The sitting a pupil's row on a board is in, as the select shows it ("… 15:00–16:00"). */
async function sittingOf(row: Locator): Promise<string> {
  const text = await row.getByRole("combobox").locator("option:checked").innerText();
  return text.replace(/ \(\d+(\/\d+)?\)$/, "");
}

/** Jonas's talk day for his 8A group (made by the first test that needs it). */
async function ensureJonasEvent(browser: Browser): Promise<string> {
  const existing = query<{ id: string } | undefined>(
    "select e.id from talk_events e join talk_event_groups eg on eg.event_id = e.id join groups g on g.id = eg.group_id where g.name = '8A – Jonas Ek'",
  );
  if (existing) return existing.id;
  const jonas = await signedInPage(browser, "mentor@demo.test");
  await createTalkDay(jonas, ["8A – Jonas Ek"]);
  const id = new URL(jonas.url()).pathname.split("/").at(-1)!;
  await jonas.context().close();
  return id;
}

/** The invitations of Jonas's talk day are out. */
async function ensureInvited(page: Page, eventId: string) {
  await page.goto(`${own.url}/talk-days/${eventId}`);
  const invite = page.getByRole("button", { name: "Skicka inbjudningar" });
  if (await invite.isVisible()) {
    await invite.click();
    await expect(page.getByText(/inbjudningar har skapats/)).toBeVisible();
  }
}

/** Alva's talk is a one-to-one booking happening now (the interpreter's link works around it). */
async function ensureAlvaTalkNow(browser: Browser) {
  const eventId = await ensureJonasEvent(browser);
  const jonas = await signedInPage(browser, "mentor@demo.test");
  await ensureInvited(jonas, eventId);
  const talk = query<{ sitting_id: string | null; starts_at: string }>("select t.sitting_id, t.starts_at from talks t join people p on p.id = t.pupil_id where p.email = 'elev@demo.test'");
  if (talk.sitting_id === null && talk.starts_at.startsWith(dayFromNow(0))) return jonas;
  const booking = jonas.getByRole("region", { name: "Boka ett enskilt samtal" });
  await booking.getByLabel("Elev").selectOption({ label: "Alva Lindqvist" });
  // Around now, within today: just after midnight "ten minutes ago" is yesterday (then from 00:00).
  const now = bookingAroundNow(10, 40);
  await booking.getByLabel("Datum").fill(now.date);
  await booking.getByLabel("Från", { exact: true }).fill(now.from);
  await booking.getByLabel("Till", { exact: true }).fill(now.to);
  await booking.getByLabel("Plats", { exact: true }).fill("Grupprum 2");
  await booking.getByRole("button", { name: "Boka" }).click();
  await expect(booking.getByText("Samtalet är bokat.")).toBeVisible();
  await jonas.reload();
  return jonas;
}

test("siblings are kept apart across talk days: moving Elis onto Alva's time in another day's board is refused until staff give a reason, and both boards show the clash", async ({ browser }) => {
  const eventId = await ensureJonasEvent(browser);
  const jonas = await signedInPage(browser, "mentor@demo.test");
  const jonasBoard = `${own.url}/talk-days/${eventId}`;
  await jonas.goto(jonasBoard);
  const alvaRow = jonas.getByRole("listitem").filter({ hasText: "Alva Lindqvist" });
  const alvaSitting = await sittingOf(alvaRow);

  // 6A is planned on its own, the same afternoon.
  const admin = await signedInPage(browser, "admin@demo.test");
  await createTalkDay(admin, ["6A – Sofia Wikström", "6A – Peter Strand"]);
  const elisRow = admin.getByRole("listitem").filter({ hasText: "Elis Lindqvist" });
  // Placed automatically, Elis never lands on his sister's time.
  expect(await sittingOf(elisRow)).not.toBe(alvaSitting);

  const select = elisRow.getByRole("combobox");
  const target = (await select.locator("option").allInnerTexts()).find((o) => o.startsWith(alvaSitting))!;
  await select.selectOption({ label: target });
  await elisRow.getByRole("button", { name: "Flytta" }).click();
  await expect(elisRow.getByRole("alert")).toContainText("Ett syskon har samtal vid samma tid.");
  const startOf = (given: string) => query<{ starts_at: string }>("select t.starts_at from talks t join people p on p.id = t.pupil_id where p.given_name = ? and p.family_name = 'Lindqvist'", given).starts_at;
  // Refused: nothing changed.
  expect(startOf("Elis")).not.toBe(startOf("Alva"));

  // On purpose, with a reason: stored with who and when, and shown on both boards.
  await elisRow.getByLabel("Skäl att flytta ändå").fill("Vårdnadshavarna kommer båda, en till varje samtal.");
  await elisRow.getByRole("button", { name: "Flytta ändå" }).click();
  await expect(elisRow).toContainText("Krockar med ett syskons samtal");
  await expect(elisRow).toContainText("Godkänt av Lena Åberg");
  await expect(elisRow).toContainText("Vårdnadshavarna kommer båda, en till varje samtal.");
  expect(startOf("Elis")).toBe(startOf("Alva"));

  await jonas.goto(jonasBoard);
  await expect(jonas.getByRole("listitem").filter({ hasText: "Alva Lindqvist" })).toContainText("Krockar med ett syskons samtal");
  await expect(jonas.getByRole("listitem").filter({ hasText: "Alva Lindqvist" })).toContainText("Godkänt av Lena Åberg");
});

test("the mentor corrects the talk day (longer talks, another number to call); the families are told, and Sara takes part by telephone", async ({ browser }) => {
  const eventId = await ensureJonasEvent(browser);
  const jonas = await signedInPage(browser, "mentor@demo.test");
  await ensureInvited(jonas, eventId);
  const before = query<{ n: number }>("select count(*) as n from outbox_messages where kind = 'talk-change'").n;

  await jonas.getByRole("link", { name: "Ändra samtalsdagarna" }).click();
  await expect(jonas.getByRole("heading", { name: "Ändra samtalsdagarna" })).toBeVisible();
  await expect(jonas.getByLabel("Dag 1")).toHaveValue(talkDay);
  await jonas.getByLabel("Sittningens längd (minuter)").fill("90");
  await jonas.getByLabel("Samtalets längd (minuter)").fill("90");
  await jonas.getByLabel(/Telefonnummer/).fill("08-123 456 78");
  await jonas.getByRole("button", { name: "Spara ändringarna" }).click();
  // Two sittings of 90 minutes instead of three of 60 (a clash staff accepted with a reason stays
  // accepted; a new one would need a reason, see the integration tests).
  await expect(jonas.getByRole("status").filter({ hasText: "Ändringarna är sparade" })).toBeVisible();
  await jonas.getByRole("link", { name: "Till samtalsplaneringen" }).click();
  await expect(jonas.getByText("Matsalen · samtal 90 min · sittningar 90 min")).toBeVisible();
  await expect(jonas.getByRole("table").getByRole("row")).toHaveCount(3);
  const after = query<{ n: number }>("select count(*) as n from outbox_messages where kind = 'talk-change'").n;
  expect(after).toBeGreaterThan(before);

  // Sara is told the new length, sees the number and answers that she calls in.
  const sara = await signedInPage(browser, "vh@demo.test", phone);
  const card = sara.getByRole("article", { name: "Samtal för Alva Lindqvist" });
  await expect(card).toContainText("Samtalet tar 90 minuter.");
  await card.getByLabel("per telefon").check();
  await expect(card).toContainText("Ring 08-123 456 78");
  await card.getByRole("button", { name: "Bekräfta" }).click();
  await expect(card.getByText("Bekräftad – du deltar per telefon")).toBeVisible();

  await jonas.reload();
  await expect(jonas.getByRole("listitem").filter({ hasText: "Alva Lindqvist" })).toContainText("per telefon");

  // The change message to Sara says how to call in.
  const admin = await signedInPage(browser, "admin@demo.test", undefined, undefined, `${own.url}/admin/outbox`);
  const change = admin.getByRole("listitem").filter({ hasText: "Ny tid för utvecklingssamtal för Alva Lindqvist" }).filter({ hasText: "till vh@demo.test" }).first();
  await change.getByText("Ny tid för utvecklingssamtal för Alva Lindqvist").click();
  await expect(change).toContainText("(samtalet tar 90 minuter)");
  await expect(change).toContainText("08-123 456 78");
});

test("an interpreter added to Alva's talk opens it by a link, read-only, following Alva; the link opens nothing else, and the opening is in the plan's log", async ({ browser }) => {
  // Alva's talk today, now: a one-to-one booking.
  const jonas = await ensureAlvaTalkNow(browser);

  // The mentor adds the interpreter on the talk's own page and is shown the link once.
  await jonas.getByRole("link", { name: "Tolk och detaljer för Alva Lindqvist" }).click();
  await expect(jonas.getByRole("heading", { name: "Samtal för Alva Lindqvist" })).toBeVisible();
  const guests = jonas.getByRole("region", { name: "Tolk" });
  await guests.getByLabel("Namn").fill("Amal Haddad");
  await guests.getByLabel("Språk").fill("arabiska");
  await guests.getByLabel("Telefon").fill("070-111 22 33");
  await guests.getByRole("button", { name: "Lägg till tolk" }).click();
  const link = await guests.getByRole("textbox", { name: "Länk till Amal Haddad" }).inputValue();
  expect(link).toMatch(/\/guest\/[A-Za-z0-9_-]{40,}$/);
  await expect(guests).toContainText("Länken visas bara nu");

  // Alva starts the talk and moves through the agenda.
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();

  // The interpreter has no account: the link alone opens the talk, read-only.
  const context = await browser.newContext({ viewport: phone });
  const interpreter = await context.newPage();
  await interpreter.goto(link);
  await expect(interpreter).toHaveURL(`${own.url}/guest`);
  await expect(interpreter.getByRole("heading", { name: "Utvecklingssamtal – Alva Lindqvist" })).toBeVisible();
  await expect(interpreter.getByText("Du deltar som tolk (arabiska)")).toBeVisible();
  await expect(interpreter.getByRole("status").filter({ hasText: "Ansluten – du ser ändringarna direkt" })).toBeVisible();
  await expect(interpreter.getByLabel("Följ Alva i planen")).toBeChecked();
  await expect(interpreter.getByRole("button", { name: "Kalla på lärare" })).toHaveCount(0);
  await expect(interpreter.getByRole("button", { name: "Signera" })).toHaveCount(0);
  await alva.getByRole("button", { name: "Engelska", exact: true }).click();
  await expect(interpreter.locator('.agenda-list [aria-current="step"]')).toContainText("Engelska", { timeout: 5000 });
  const editor = interpreter.getByRole("textbox", { name: "Om mig, elevens text" });
  await expect(editor).toHaveAttribute("contenteditable", "false");

  // Nothing else opens with it: not the plan page, not the home page.
  const planId = query<{ plan_id: string }>("select t.plan_id from talks t join people p on p.id = t.pupil_id where p.email = 'elev@demo.test'").plan_id;
  await interpreter.goto(`${own.url}/plans/${planId}`);
  await expect(interpreter).toHaveURL(/\/login/);
  await interpreter.goto(`${own.url}/`);
  await expect(interpreter).toHaveURL(/\/login/);

  // The plan's log names the interpreter's opening.
  await jonas.goto(`${own.url}/plans/${planId}/log`);
  await expect(jonas.getByRole("row").filter({ hasText: "Amal Haddad (tolk)" }).first()).toContainText("öppnade planen");

  // Withdrawn, the link is dead at once.
  await jonas.goBack();
  await jonas.getByRole("button", { name: "Dra tillbaka länken till Amal Haddad" }).click();
  await expect(jonas.getByRole("region", { name: "Tolk" })).toContainText("Länken är tillbakadragen");
  const dead = await context.newPage();
  const response = await dead.goto(link);
  expect(response?.status()).toBe(404);
  await context.close();
});

test("the one-to-one talk is on the mentor's board; Alva calls the maths teacher and closes the call, and the teacher's notice goes away", async ({ browser }) => {
  await ensureAlvaTalkNow(browser);
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const talkUrl = alva.url();

  const jonas = await signedInPage(browser, "mentor@demo.test", undefined, undefined, talkUrl);
  await jonas.getByRole("link", { name: "Samtalstavla" }).click();
  await expect(jonas.getByRole("heading", { name: /Enskilda samtal/ })).toBeVisible();
  const card = jonas.getByRole("listitem").filter({ has: jonas.getByRole("heading", { name: "Alva Lindqvist" }) });
  await expect(card).toContainText("Eleven har planen öppen");

  const karin = await signedInPage(browser, "matte@demo.test");
  const maths = alva.getByRole("listitem").filter({ hasText: "Matematik" });
  await maths.getByRole("button", { name: "Kalla på lärare" }).click();
  const notices = karin.getByRole("region", { name: "Elever som kallar på dig" });
  await expect(notices).toContainText("Alva Lindqvist kallar på dig – Matematik", { timeout: 5000 });
  await expect(card).toContainText("Alva Lindqvist kallar på läraren i Matematik", { timeout: 5000 });

  await maths.getByRole("button", { name: "Stäng kallelsen" }).click();
  await expect(maths.getByText(/Läraren är kallad/)).toHaveCount(0);
  await expect(notices).toHaveCount(0, { timeout: 5000 });
  await expect(card).not.toContainText("kallar på läraren", { timeout: 5000 });
});

test("restarting the talk's clock asks first; cancelling keeps the time", async ({ browser }) => {
  await ensureAlvaTalkNow(browser);
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  await alva.clock.install();
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await alva.getByRole("button", { name: "Starta samtalet" }).click();
  const clock = alva.locator(".talk-clock-time");
  const minutesLeft = async () => Number((await clock.innerText()).split(":")[0]);
  await expect(alva.getByRole("button", { name: "Starta om klockan" })).toBeVisible();
  const full = await minutesLeft();
  await alva.clock.fastForward("10:00");
  await expect.poll(minutesLeft).toBeLessThanOrEqual(full - 10);
  const running = await minutesLeft();

  await alva.getByRole("button", { name: "Starta om klockan" }).click();
  const dialog = alva.getByRole("dialog", { name: "Starta om klockan?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Avbryt" }).click();
  await expect(dialog).toBeHidden();
  // Still running from where it was (a second may have passed).
  expect(await minutesLeft()).toBeGreaterThanOrEqual(running - 1);
  expect(await minutesLeft()).toBeLessThanOrEqual(running);

  await alva.getByRole("button", { name: "Starta om klockan" }).click();
  await alva.getByRole("dialog", { name: "Starta om klockan?" }).getByRole("button", { name: "Ja, starta om" }).click();
  await expect.poll(minutesLeft).toBeGreaterThanOrEqual(full - 1);
});

test("the PDF of the signed plan names the talk's date, the participants and their roles, the class, the mentor and the school, and leaves out empty sections", async ({ browser }) => {
  // Three people sign in, the mentor locks, three sign and the PDF is read: ~22 s on a quiet
  // machine, the longest journey here. Its budget is its length, not a wait for something slow.
  test.setTimeout(60_000);
  const eventId = await ensureJonasEvent(browser);
  await ensureInvited(await signedInPage(browser, "mentor@demo.test"), eventId);
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const about = alva.getByRole("textbox", { name: "Om mig, elevens text" });
  await about.click();
  await alva.keyboard.type("Jag tycker om NO och bild.");
  await expect(alva.getByRole("status").filter({ hasText: "Sparat på servern" })).toBeVisible();

  const jonas = await signedInPage(browser, "mentor@demo.test", undefined, undefined, alva.url());
  const lockCard = jonas.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  for (const page of [alva, jonas]) {
    const signing = page.getByRole("region", { name: "Signering" });
    await signing.getByRole("button", { name: "Signera" }).click();
    await expect(signing).toContainText(page === alva ? /Alva Lindqvist \(elev\) – signerade/ : /Jonas Ek \(mentor\) – signerade/);
  }
  const sara = await signedInPage(browser, "vh@demo.test", phone, undefined, alva.url());
  const saraSigning = sara.getByRole("region", { name: "Signering" });
  await saraSigning.getByRole("button", { name: "Signera" }).click();
  await expect(saraSigning).toContainText("Planen är signerad av alla.");

  const download = alva.waitForEvent("download");
  await alva.getByRole("link", { name: "Ladda ner PDF" }).click();
  const file = await (await download).path();
  const bytes = readFileSync(file!);
  const text = await pdfText(new Uint8Array(bytes));
  expect(text).toContain("Solbackeskolan");
  expect(text).toContain("Klass: 8A");
  expect(text).toContain("Mentor: Jonas Ek");
  expect(text).toMatch(/Samtal: \p{L}+ \d{1,2} \p{L}+ \d{4}, \d\d:\d\d–\d\d:\d\d/u);
  expect(text).toContain("Alva Lindqvist (elev)");
  expect(text).toMatch(/Sara Lindqvist \(vårdnadshavare(, per telefon|, på plats)?\)/);
  expect(text).toContain("Jonas Ek (mentor)");
  expect(text).toContain("Jag tycker om NO och bild.");
  // Sections with nothing in them are left out.
  expect(text).not.toContain("Inget skrivet.");
  expect(text).not.toContain("Ännu inte bedömd.");
});

test("a message the mail server refused is retried, then marked failed, and the admin sends it again from the outbox", async ({ browser }) => {
  let accept = false;
  const received: string[] = [];
  const smtp = testSmtpServer({
    onRcptTo(address, _session, callback) {
      if (!accept) return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const mailServer = await startTestServer({
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "samtal@solbacken.demo.test", MAIL_RETRY_BASE_MS: "50", MAIL_MAX_ATTEMPTS: "2", MAIL_TICK_MS: "100" },
  });
  try {
    const jonas = await signedInPage(browser, "mentor@demo.test", undefined, mailServer, `${mailServer.url}/talk-days`);
    await jonas.getByLabel("Dag 1").fill(talkDay);
    await jonas.getByLabel("Plats", { exact: true }).fill("Matsalen");
    await jonas.getByLabel("8A – Jonas Ek").check();
    await jonas.getByRole("button", { name: "Skapa och placera eleverna" }).click();
    await jonas.getByRole("button", { name: "Skicka inbjudningar" }).click();
    await expect(jonas.getByText(/inbjudningar har skapats/)).toBeVisible();

    const admin = await signedInPage(browser, "admin@demo.test", undefined, mailServer, `${mailServer.url}/admin/outbox`);
    const toSara = admin.getByRole("listitem").filter({ hasText: "till vh@demo.test" }).first();
    await expect(async () => {
      await admin.reload();
      await expect(toSara).toContainText("kunde inte skickas", { timeout: 500 });
    }).toPass({ timeout: 10_000 });
    await expect(toSara).toContainText("efter 2 försök");

    accept = true;
    await toSara.getByRole("button", { name: "Skicka igen" }).click();
    await expect(async () => {
      await admin.reload();
      await expect(toSara).toContainText("skickat", { timeout: 500 });
    }).toPass({ timeout: 10_000 });
    expect(received).toContain("vh@demo.test");
  } finally {
    await mailServer.stop();
    mailServer.cleanup();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
});
