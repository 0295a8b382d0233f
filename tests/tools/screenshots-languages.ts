/**
 * Every page a guardian sees, in each of the seven languages, on a phone (390 px): sign-in, home
 * with the booking card, the child's page, the plan (top, and the signing step after the lock),
 * the talk view, and the accessibility statement. Into ./screenshots/languages (not committed).
 * `npm run screenshots:languages`.
 */
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "@playwright/test";
import { supportedLocales } from "../../app/i18n";
import { startTestServer, type TestServer } from "../support/server";

const out = "screenshots/languages";
mkdirSync(out, { recursive: true });
const phone = { width: 390, height: 844 };
const server: TestServer = await startTestServer();
const browser: Browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const day = (n: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm" }).format(new Date(Date.now() + n * 86_400_000));

/** Web fonts (Ethiopic) load on demand: wait for them before a picture. */
async function fontsReady(target: Page | { page(): Page }): Promise<void> {
  const page = "screenshot" in target && "goto" in target ? (target as Page) : (target as { page(): Page }).page();
  await page.evaluate(async () => {
    await Promise.all(["400", "700"].map((weight) => document.fonts.load(`${weight} 16px "Noto Sans Ethiopic"`, "ሀ")));
    await document.fonts.ready;
  });
}

async function swedish(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport, timezoneId: "Europe/Stockholm" })).newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("E-post").fill(email);
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

/** The language chosen on the sign-in page, as a guardian would; the page signs in by its form. */
async function guardianIn(locale: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: phone, timezoneId: "Europe/Stockholm" })).newPage();
  await page.goto(`${server.url}/login`);
  await page.locator(`.language-choice button[value="${locale}"]`).click();
  await page.waitForLoadState("networkidle");
  await fontsReady(page);
    await page.screenshot({ path: `${out}/${locale}-1-sign-in.png`, fullPage: true });
  await page.locator('input[type="email"]').fill("vh@demo.test");
  await page.locator('input[type="password"]').fill("demo");
  await page.locator('form:has(input[type="password"]) button[type="submit"]').click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

try {
  // The school's side, in Swedish: a talk day with invitations, Alva's words, then the lock.
  const mentor = await swedish("mentor@demo.test");
  await mentor.goto(`${server.url}/talk-days`);
  await mentor.getByLabel("Dag 1").fill(day(7));
  await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
  await mentor.getByLabel(/Länk till skolans videotjänst/).fill("https://video.example.se/solbacken");
  await mentor.getByLabel("8A – Jonas Ek").check();
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await mentor.getByText(/inbjudningar har skapats/).waitFor();
  const alva = await swedish("elev@demo.test");
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await alva.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
  await alva.getByRole("textbox", { name: "Om mig, elevens text" }).click();
  await alva.keyboard.type("Jag heter Alva och går i 8A. Jag tycker om NO och bild.");
  const planUrl = alva.url();
  await alva.goto(`${server.url}/`);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await alva.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
  await alva.getByRole("button", { name: "Starta samtalet" }).click();
  await alva.getByRole("button", { name: "Matematik", exact: true }).click();

  for (const locale of supportedLocales) {
    const sara = await guardianIn(locale);
    await fontsReady(sara);
    await sara.screenshot({ path: `${out}/${locale}-2-home.png`, fullPage: true });
    await sara.locator(".talk-card").first().screenshot({ path: `${out}/${locale}-3-booking-card.png` });
    await sara.locator('a.tile[href^="/pupils/"]').first().click();
    await sara.waitForLoadState("networkidle");
    await fontsReady(sara);
    await sara.screenshot({ path: `${out}/${locale}-4-child.png`, fullPage: true });
    await sara.goto(planUrl);
    await sara.locator(".connection-ok").waitFor();
    await fontsReady(sara);
    await sara.screenshot({ path: `${out}/${locale}-5-plan.png` });
    await sara.goto(`${server.url}/`);
    await sara.locator('.talk-card a[href^="/talks/"]').first().click();
    await sara.locator(".connection-ok").waitFor();
    await sara.waitForTimeout(500);
    await fontsReady(sara);
    await sara.screenshot({ path: `${out}/${locale}-6-talk.png` });
    await sara.goto(`${server.url}/accessibility`);
    await fontsReady(sara);
    await sara.screenshot({ path: `${out}/${locale}-8-accessibility.png`, fullPage: true });
    await sara.context().close();
  }

  // After the lock: the signing step, in each language.
  await mentor.goto(planUrl);
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  await mentor.getByRole("region", { name: "Signering" }).waitFor();
  for (const locale of supportedLocales) {
    const sara = await guardianIn(locale);
    await sara.goto(planUrl);
    const signing = sara.locator("section.signing");
    await signing.scrollIntoViewIfNeeded();
    await sara.waitForTimeout(300);
    await fontsReady(signing);
    await signing.screenshot({ path: `${out}/${locale}-7-signing.png` });
    await sara.context().close();
  }
  console.log(`screenshots in ./${out}`);
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}
