/**
 * Screenshots of the talk day's operations, to look at (`npm run screenshots:talks`, into
 * ./screenshots, not committed): a clash across talk days refused and accepted with a reason on
 * both boards, the correction form, telephone on the guardian's card, a talk's page with its
 * interpreter's link, the interpreter's view, the clock's question before it restarts, the
 * one-to-one board, the outbox with a failed message to send again, and the signed plan's PDF
 * pages as PNG (pdftoppm).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "@playwright/test";
import { bookingAroundNow } from "../support/school";
import { testSmtpServer } from "../support/smtp";
import { startTestServer, type TestServer } from "../support/server";

const out = "screenshots";
mkdirSync(out, { recursive: true });
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };
const tablet = { width: 1024, height: 768 };
const stockholm = (date: Date) =>
  Object.fromEntries(
    new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
const dayFromNow = (days: number) => {
  const p = stockholm(new Date(Date.now() + days * 86_400_000));
  return `${p.year}-${p.month}-${p.day}`;
};

const browser: Browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function open(server: TestServer, email: string | null, viewport = desktop): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: "sv-SE", timezoneId: "Europe/Stockholm", acceptDownloads: true });
  const page = await context.newPage();
  if (email) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-post").fill(email);
    await page.getByLabel("Lösenord").fill("demo");
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.waitForURL(`${server.url}/`);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  }
  return page;
}

async function createTalkDay(server: TestServer, page: Page, groups: string[], phoneNumber?: string) {
  await page.goto(`${server.url}/talk-days`);
  await page.getByLabel("Dag 1").fill(dayFromNow(20));
  await page.getByLabel("Plats", { exact: true }).fill("Matsalen");
  if (phoneNumber) await page.getByLabel(/Telefonnummer/).fill(phoneNumber);
  for (const group of groups) await page.getByLabel(group).check();
  await page.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await page.getByRole("heading", { name: "Samtalsplanering" }).waitFor();
}

const server = await startTestServer();
try {
  // Siblings across talk days: the refusal, the reason, both boards.
  const jonas = await open(server, "mentor@demo.test");
  await createTalkDay(server, jonas, ["8A – Jonas Ek"], "08-123 456 78");
  const jonasBoard = jonas.url();
  const alvaRow = jonas.getByRole("listitem").filter({ hasText: "Alva Lindqvist" });
  const alvaSitting = (await alvaRow.getByRole("combobox").locator("option:checked").innerText()).replace(/ \(\d+(\/\d+)?\)$/, "");
  const admin = await open(server, "admin@demo.test");
  await createTalkDay(server, admin, ["6A – Sofia Wikström", "6A – Peter Strand"]);
  const elisRow = admin.getByRole("listitem").filter({ hasText: "Elis Lindqvist" });
  const select = elisRow.getByRole("combobox");
  await select.selectOption({ label: (await select.locator("option").allInnerTexts()).find((o) => o.startsWith(alvaSitting))! });
  await elisRow.getByRole("button", { name: "Flytta" }).click();
  await elisRow.getByLabel("Skäl att flytta ändå").waitFor();
  await elisRow.scrollIntoViewIfNeeded();
  await elisRow.screenshot({ path: `${out}/talks-move-refused-sibling-desktop.png` });
  await elisRow.getByLabel("Skäl att flytta ändå").fill("Båda vårdnadshavarna kommer, en till varje samtal.");
  await elisRow.getByRole("button", { name: "Flytta ändå" }).click();
  await elisRow.getByText("Godkänt av Lena Åberg").waitFor();
  await admin.screenshot({ path: `${out}/talks-board-clash-accepted-desktop.png`, fullPage: true });
  await jonas.goto(jonasBoard);
  await jonas.getByRole("listitem").filter({ hasText: "Alva Lindqvist" }).getByText("Godkänt av Lena Åberg").waitFor();
  await jonas.screenshot({ path: `${out}/talks-board-other-day-clash-desktop.png`, fullPage: true });

  // Invitations, the correction form and its answer, telephone on the guardian's card.
  await jonas.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await jonas.getByText(/inbjudningar har skapats/).waitFor();
  await jonas.getByRole("link", { name: "Ändra samtalsdagarna" }).click();
  await jonas.getByRole("heading", { name: "Ändra samtalsdagarna" }).waitFor();
  await jonas.screenshot({ path: `${out}/talks-correct-form-desktop.png`, fullPage: true });
  await jonas.getByLabel("Sittningens längd (minuter)").fill("90");
  await jonas.getByLabel("Samtalets längd (minuter)").fill("90");
  await jonas.getByRole("button", { name: "Spara ändringarna" }).click();
  await jonas.getByRole("status").or(jonas.getByRole("alert")).first().waitFor();
  await jonas.screenshot({ path: `${out}/talks-correct-answer-desktop.png`, fullPage: true });
  if (await jonas.getByLabel("Skäl att spara ändå").isVisible()) {
    await jonas.getByLabel("Skäl att spara ändå").fill("Syskonens samtal flyttas med.");
    await jonas.getByRole("button", { name: "Spara ändå" }).click();
    await jonas.getByRole("status").filter({ hasText: "Ändringarna är sparade" }).waitFor();
    await jonas.screenshot({ path: `${out}/talks-correct-saved-desktop.png`, fullPage: true });
  }
  const sara = await open(server, "vh@demo.test", phone);
  const card = sara.getByRole("article", { name: "Samtal för Alva Lindqvist" });
  await card.getByLabel("per telefon").check();
  await card.screenshot({ path: `${out}/talks-guardian-telephone-phone.png` });
  await card.getByRole("button", { name: "Bekräfta" }).click();
  await card.getByText("Bekräftad – du deltar per telefon").waitFor();

  // Alva's talk now (one-to-one), its page with the interpreter's link, the interpreter's view.
  await jonas.goto(jonasBoard);
  const booking = jonas.getByRole("region", { name: "Boka ett enskilt samtal" });
  await booking.getByLabel("Elev").selectOption({ label: "Alva Lindqvist" });
  const now = bookingAroundNow(10, 40);
  await booking.getByLabel("Datum").fill(now.date);
  await booking.getByLabel("Från", { exact: true }).fill(now.from);
  await booking.getByLabel("Till", { exact: true }).fill(now.to);
  await booking.getByLabel("Plats", { exact: true }).fill("Grupprum 2");
  await booking.getByRole("button", { name: "Boka" }).click();
  await booking.getByText(/Samtalet är bokat|syskon/).waitFor();
  if (await booking.getByLabel("Skäl att flytta ändå").isVisible()) {
    await booking.getByLabel("Skäl att flytta ändå").fill("Bokat nu.");
    await booking.getByRole("button", { name: "Boka ändå" }).click();
    await booking.getByText("Samtalet är bokat.").waitFor();
  }
  await jonas.reload();
  await jonas.getByRole("link", { name: "Tolk och detaljer för Alva Lindqvist" }).click();
  const guests = jonas.getByRole("region", { name: "Tolk" });
  await guests.getByLabel("Namn").fill("Amal Haddad");
  await guests.getByLabel("Språk").fill("arabiska");
  await guests.getByLabel("Telefon").fill("070-111 22 33");
  await guests.getByRole("button", { name: "Lägg till tolk" }).click();
  const link = await guests.getByRole("textbox", { name: "Länk till Amal Haddad" }).inputValue();
  await jonas.screenshot({ path: `${out}/talks-talk-page-interpreter-link-desktop.png`, fullPage: true });

  const alva = await open(server, "elev@demo.test", tablet);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await alva.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
  await alva.getByRole("button", { name: "Starta samtalet" }).click();
  await alva.getByRole("button", { name: "Starta om klockan" }).click();
  await alva.getByRole("dialog", { name: "Starta om klockan?" }).waitFor();
  await alva.screenshot({ path: `${out}/talks-clock-confirm-tablet.png` });
  await alva.getByRole("dialog").getByRole("button", { name: "Avbryt" }).click();
  await alva.getByRole("button", { name: "Engelska" }).click();

  const interpreter = await open(server, null, phone);
  await interpreter.goto(link);
  await interpreter.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
  await interpreter.waitForTimeout(800);
  await interpreter.screenshot({ path: `${out}/talks-interpreter-view-phone.png` });
  await interpreter.screenshot({ path: `${out}/talks-interpreter-view-phone-top.png`, fullPage: true, clip: { x: 0, y: 0, width: phone.width, height: 1200 } });
  const maths = alva.getByRole("listitem").filter({ hasText: "Matematik" });
  await maths.getByRole("button", { name: "Kalla på lärare" }).click();
  await maths.getByRole("button", { name: "Stäng kallelsen" }).waitFor();
  await alva.screenshot({ path: `${out}/talks-view-call-close-tablet.png` });
  await jonas.goto(alva.url());
  await jonas.getByRole("link", { name: "Samtalstavla" }).click();
  await jonas.getByRole("heading", { name: /Enskilda samtal/ }).waitFor();
  await jonas.waitForTimeout(500);
  await jonas.screenshot({ path: `${out}/talks-one-to-one-board-desktop.png`, fullPage: true });

  // Lock, sign, the PDF as PNG pages, the plan's log naming the interpreter.
  await alva.getByRole("textbox", { name: "Om mig, elevens text" }).click();
  await alva.keyboard.type("Jag heter Alva och går i 8A. Jag tycker om NO och bild, men matte är svårt ibland.");
  await alva.getByRole("textbox", { name: "Mina mål, elevens text" }).click();
  await alva.keyboard.type("Klara E i matte. Läsa en bok i månaden.");
  await alva.getByRole("status").filter({ hasText: "Sparat på servern" }).waitFor();
  await jonas.goto(alva.url());
  const lockCard = jonas.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  for (const page of [alva, jonas]) await page.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await sara.goto(alva.url());
  await sara.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await alva.getByText("Planen är signerad av alla.").waitFor();
  const downloading = alva.waitForEvent("download");
  await alva.getByRole("link", { name: "Ladda ner PDF" }).click();
  await (await downloading).saveAs(`${out}/talks-signed-plan.pdf`);
  execFileSync("pdftoppm", ["-png", "-r", "70", `${out}/talks-signed-plan.pdf`, `${out}/talks-signed-plan-page`]);
  await alva.getByRole("link", { name: "Vem har öppnat planen?" }).click();
  await alva.getByRole("heading", { level: 1 }).waitFor();
  await alva.screenshot({ path: `${out}/talks-plan-log-desktop.png`, fullPage: true });
  await Promise.all([jonas, admin, sara, alva, interpreter].map((p) => p.context().close()));
} finally {
  await server.stop();
  server.cleanup();
}

// The outbox with a message the mail server refused: failed after its attempts, to send again.
const smtp = testSmtpServer({
  onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 })),
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
const mailServer = await startTestServer({
  env: { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, MAIL_RETRY_BASE_MS: "50", MAIL_MAX_ATTEMPTS: "2", MAIL_TICK_MS: "100" },
});
try {
  const jonas = await open(mailServer, "mentor@demo.test");
  await createTalkDay(mailServer, jonas, ["8A – Jonas Ek"]);
  await jonas.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await jonas.getByText(/inbjudningar har skapats/).waitFor();
  const admin = await open(mailServer, "admin@demo.test");
  await admin.waitForTimeout(3000);
  await admin.goto(`${mailServer.url}/admin/outbox`);
  await admin.screenshot({ path: `${out}/talks-outbox-failed-resend-desktop.png`, fullPage: true });
  await Promise.all([jonas, admin].map((p) => p.context().close()));
} finally {
  await mailServer.stop();
  mailServer.cleanup();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await browser.close();
}
console.log(`screenshots in ./${out}`);
