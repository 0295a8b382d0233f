/**
 * Screenshots of signing and verifying, into ./screenshots (not committed): each /verify verdict
 * (by code and by file), the signing form asking for the password again, and a stale signing page
 * after an unlock and a relock. For looking at what we build: `npm run screenshots:signing`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { chromium, type Page } from "@playwright/test";
import { startTestServer } from "../support/server";

const out = "screenshots";
mkdirSync(out, { recursive: true });
const server = await startTestServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const sqlite = new Database(server.databasePath, { fileMustExist: true });
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

async function open(email: string | null, viewport = desktop): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: "sv-SE", acceptDownloads: true });
  const page = await context.newPage();
  if (email) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-post").fill(email);
    await page.getByLabel("Lösenord").fill("demo");
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.waitForURL(`${server.url}/`);
  }
  return page;
}

async function verifyByCode(page: Page, code: string, name: string) {
  await page.goto(`${server.url}/verify`);
  await page.getByLabel("Verifieringskod", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Kontrollera" }).first().click();
  await page.locator("#verify-result").waitFor();
  await page.screenshot({ path: `${out}/verify-${name}.png`, fullPage: true });
}

async function verifyByFile(page: Page, content: string, name: string) {
  const path = `${out}/${name}.json`;
  writeFileSync(path, content);
  await page.goto(`${server.url}/verify`);
  await page.getByLabel("JSON-fil").setInputFiles(path);
  await page.getByRole("button", { name: "Kontrollera" }).nth(1).click();
  await page.locator("#verify-result").waitFor();
  await page.screenshot({ path: `${out}/verify-${name}.png`, fullPage: true });
}

async function exportJson(page: Page): Promise<string> {
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Ladda ner JSON" }).click();
  const download = await downloading;
  const path = `${out}/export-${Date.now()}.json`;
  await download.saveAs(path);
  return (await import("node:fs")).readFileSync(path, "utf8");
}

try {
  const mentor = await open("mentor@demo.test");
  const alva = await open("elev@demo.test");
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await alva.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
  await alva.getByRole("textbox", { name: "Mina mål, elevens text" }).click();
  await alva.keyboard.type("Läsa tjugo minuter varje dag.");
  const planUrl = alva.url();
  await mentor.goto(planUrl);
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  const alvaSigning = alva.getByRole("region", { name: "Signering" });
  await alvaSigning.getByText("Du signerar version 1").first().waitFor();
  await alvaSigning.getByRole("button", { name: "Signera" }).click();
  await alvaSigning.getByText(/Alva Lindqvist \(elev\) – signerade/).waitFor();
  const code = (await alvaSigning.locator("strong").first().textContent())!;

  // Genuine, but not signed by everyone (by code, on a phone, and by file).
  const visitor = await open(null, phone);
  await verifyByCode(visitor, code, "incomplete-code-phone");
  const partial = await exportJson(alva);
  const visitorDesktop = await open(null);
  await verifyByFile(visitorDesktop, partial, "incomplete-file");

  // The mentor's sign-in is old: the form asks for the password.
  sqlite
    .prepare("update sessions set data = json_set(data, '$.authenticatedAt', ?) where person_id = (select id from people where email = 'mentor@demo.test')")
    .run(Date.now() - 20 * 60_000);
  await mentor.reload();
  const mentorSigning = mentor.getByRole("region", { name: "Signering" });
  await mentorSigning.getByLabel("Ditt lösenord").waitFor();
  await mentorSigning.screenshot({ path: `${out}/signing-password-again-desktop.png` });
  await mentorSigning.getByLabel("Ditt lösenord").fill("demo");
  await mentorSigning.getByRole("button", { name: "Signera" }).click();
  await mentorSigning.getByText(/Jonas Ek \(mentor\) – signerade/).waitFor();
  const sara = await open("vh@demo.test", phone);
  await sara.goto(planUrl);
  await sara.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await sara.getByText("Planen är signerad av alla.").waitFor();

  // Genuine and complete; and doctored copies of the same export.
  await verifyByCode(visitorDesktop, code, "complete-code");
  const complete = await exportJson(alva);
  await verifyByFile(visitorDesktop, complete, "complete-file");
  const stripped = JSON.parse(complete) as { signatures: unknown[] };
  stripped.signatures.splice(1, 1);
  await verifyByFile(visitorDesktop, JSON.stringify(stripped), "not-genuine-stripped");
  const duplicated = JSON.parse(complete) as { signatures: unknown[] };
  duplicated.signatures[1] = duplicated.signatures[0];
  await verifyByFile(visitorDesktop, JSON.stringify(duplicated), "not-genuine-duplicate");
  await verifyByFile(visitorDesktop, complete.replace("Läsa tjugo", "Läsa trettio"), "not-genuine-edited");

  // A stale page: Sara's phone shows version 1 while the mentor unlocks and locks again.
  const saraPhone = await open("vh@demo.test", phone);
  await saraPhone.route(/\/events\b/, (route) => route.fulfill({ status: 200, contentType: "text/event-stream", body: "retry: 600000\n\n" }));
  await saraPhone.routeWebSocket(/\/collab/, () => {});
  const unlock = mentor.locator("details.unlock");
  await unlock.locator("summary").click();
  await unlock.getByLabel("Varför behövs rättelsen?").fill("Målet i svenska skrevs fel.");
  await unlock.getByRole("button", { name: "Lås upp" }).click();

  // Voided: to anyone (no reason), and to the mentor (with the reason).
  await verifyByCode(visitorDesktop, code, "voided-code");
  await verifyByFile(visitorDesktop, complete, "voided-file");
  const mentorVerifying = await open("mentor@demo.test");
  await verifyByCode(mentorVerifying, code, "voided-code-mentor");

  // (An unlock may make open plan pages reload themselves; let that happen first.)
  await mentor.waitForTimeout(2000);
  await mentor.goto(planUrl);
  await mentor.getByRole("region", { name: "Låsa och signera" }).getByRole("button", { name: "Lås planen" }).click();
  await mentor.getByRole("region", { name: "Signering" }).getByText("Du signerar version 2").first().waitFor();
  // The phone opened the plan just before the relock and heard nothing since.
  await mentor.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).waitFor();
  await saraPhone.goto(planUrl);
  const staleSigning = saraPhone.getByRole("region", { name: "Signering" });
  await staleSigning.getByText("Du signerar version 2").first().waitFor();
  const unlock2 = mentor.locator("details.unlock");
  await unlock2.locator("summary").click();
  await unlock2.getByLabel("Varför behövs rättelsen?").fill("En rättelse till.");
  await unlock2.getByRole("button", { name: "Lås upp" }).click();
  await mentor.getByRole("region", { name: "Låsa och signera" }).getByRole("button", { name: "Lås planen" }).click();
  await mentor.getByRole("region", { name: "Signering" }).getByText("Du signerar version 3").first().waitFor();
  await staleSigning.getByRole("button", { name: "Signera" }).click();
  await staleSigning.getByText("Du signerar version 3").first().waitFor();
  await staleSigning.scrollIntoViewIfNeeded();
  await staleSigning.screenshot({ path: `${out}/signing-stale-version-phone.png` });

  // Not genuine: an unknown file.
  await verifyByFile(visitorDesktop, JSON.stringify({ ...JSON.parse(complete), verificationCode: "AAAAA-AAAAA" }), "not-genuine-unknown");
  console.log(`screenshots in ./${out}`);
} finally {
  sqlite.close();
  await browser.close();
  await server.stop();
  server.cleanup();
}
