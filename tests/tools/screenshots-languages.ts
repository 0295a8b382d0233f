/**
 * Every page a guardian sees, in each of the seven languages, on a phone (390 px): sign-in, home
 * with the booking card, the child's page, the plan (top, and the signing step after the lock),
 * the talk view, and the accessibility statement; with identity providers set up: the sign-in
 * page's provider buttons, "no matching person", forgot password (asked and sent) and set
 * password (empty and with an error). Into ./screenshots/languages (not committed).
 * `npm run screenshots:languages`.
 */
import { mkdirSync } from "node:fs";
import Database from "better-sqlite3";
import { chromium, type Browser, type Page } from "@playwright/test";
import { supportedLocales } from "../../app/i18n";
import { startTestProvider } from "../support/oidc-provider";
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
  // Choosing stores the language, then the page loads again in it.
  const reloaded = page.waitForEvent("load");
  await page.locator(`.language-choice button[value="${locale}"]`).click();
  await reloaded;
  await page.locator("html[data-hydrated]").waitFor();
  await fontsReady(page);
    await page.screenshot({ path: `${out}/${locale}-1-sign-in.png`, fullPage: true });
  await page.locator('input[type="email"]').fill("vh@demo.test");
  await page.locator('input[type="password"]').fill("demo");
  await page.locator('form:has(input[type="password"]) button[type="submit"]').click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

/** The pages a guardian meets before signing in, where the school signs in through providers. */
async function signInPages(): Promise<void> {
  const idp = await startTestProvider({
    name: "E-legitimation",
    accounts: [{ sub: "ny", username: "ny.person", password: "x", claims: { email: "ny.person@sjovik.example", email_verified: true } }],
  });
  const withProviders = await startTestServer({
    env: {
      OIDC_STAFF_ISSUER: idp.issuer,
      OIDC_STAFF_CLIENT_ID: "not-used",
      OIDC_GUARDIAN_ISSUER: idp.issuer,
      OIDC_GUARDIAN_CLIENT_ID: idp.clientId,
      OIDC_GUARDIAN_CLIENT_SECRET: idp.clientSecret,
    },
  });
  await idp.registerClient({ redirectUri: `${withProviders.url}/auth/guardian/callback`, postLogoutRedirectUri: `${withProviders.url}/login` });
  try {
    // One reset link for all languages: looking at its page does not use it up.
    const asker = await (await browser.newContext({ viewport: phone })).newPage();
    await asker.goto(`${withProviders.url}/password/forgot`);
    await asker.locator('input[type="email"]').fill("vh@demo.test");
    await asker.locator('form:has(input[type="email"]) button[type="submit"]').click();
    await asker.getByRole("status").waitFor();
    await asker.context().close();
    const db = new Database(withProviders.databasePath, { readonly: true });
    const body = (db.prepare("select body from outbox_messages where kind = 'password-reset' order by created_at desc limit 1").get() as { body: string }).body;
    db.close();
    const link = /https?:\/\/\S+\/password\/set\?token=\S+/.exec(body)![0];

    for (const locale of supportedLocales) {
      const page = await (await browser.newContext({ viewport: phone, timezoneId: "Europe/Stockholm" })).newPage();
      await page.goto(`${withProviders.url}/login`);
      const reloaded = page.waitForEvent("load");
      await page.locator(`.language-choice button[value="${locale}"]`).click();
      await reloaded;
      await page.locator(`html[lang="${locale}"][data-hydrated]`).waitFor();
      await fontsReady(page);
      await page.screenshot({ path: `${out}/${locale}-0a-sign-in-providers.png`, fullPage: true });
      await page.locator('form[action="/auth/guardian"] button').click();
      await page.getByLabel("Användarnamn").fill("ny.person");
      await page.getByLabel("Lösenord").fill("x");
      await page.getByRole("button", { name: "Logga in" }).click();
      await page.waitForURL(/\/auth\/guardian\/callback/);
      await fontsReady(page);
      await page.screenshot({ path: `${out}/${locale}-0b-no-match.png`, fullPage: true });
      await page.goto(`${withProviders.url}/password/forgot`);
      await fontsReady(page);
      await page.screenshot({ path: `${out}/${locale}-0c-forgot.png`, fullPage: true });
      await page.locator('input[type="email"]').fill("vh@demo.test");
      await page.locator('form:has(input[type="email"]) button[type="submit"]').click();
      await page.getByRole("status").waitFor();
      await fontsReady(page);
      await page.screenshot({ path: `${out}/${locale}-0d-forgot-sent.png`, fullPage: true });
      await page.goto(link);
      await page.locator("html[data-hydrated]").waitFor();
      await fontsReady(page);
      await page.screenshot({ path: `${out}/${locale}-0e-set-password.png`, fullPage: true });
      await page.locator('input[autocomplete="new-password"]').first().fill("kort");
      await page.locator('input[autocomplete="new-password"]').last().fill("annat");
      await page.locator('form:has(input[autocomplete="new-password"]) button[type="submit"]').click();
      await page.locator(".field-error p").first().waitFor();
      await fontsReady(page);
      await page.screenshot({ path: `${out}/${locale}-0f-set-password-errors.png`, fullPage: true });
      await page.context().close();
    }
  } finally {
    await withProviders.stop();
    withProviders.cleanup();
    await idp.close();
  }
}

try {
  await signInPages();
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
