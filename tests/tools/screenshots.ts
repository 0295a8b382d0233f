/**
 * Takes screenshots of the main pages as each persona, at desktop and phone widths, into
 * ./screenshots (not committed). For looking at what we build: `npm run screenshots`.
 */
import { mkdirSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";
import { startTestServer } from "../support/server";

const out = "screenshots";
mkdirSync(out, { recursive: true });
const server = await startTestServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("E-post").fill(email);
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL(`${server.url}/`);
}

try {
  for (const [size, viewport] of Object.entries(viewports)) {
    const context = await browser.newContext({ viewport, locale: "sv-SE" });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.screenshot({ path: `${out}/login-${size}.png`, fullPage: true });
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.screenshot({ path: `${out}/login-errors-${size}.png`, fullPage: true });
    for (const [name, email] of [
      ["pupil", "elev@demo.test"],
      ["guardian", "vh@demo.test"],
      ["mentor", "mentor@demo.test"],
      ["teacher", "matte@demo.test"],
      ["admin", "admin@demo.test"],
    ] as const) {
      await context.clearCookies();
      await signIn(page, email);
      await page.screenshot({ path: `${out}/home-${name}-${size}.png`, fullPage: true });
    }
    await context.clearCookies();
    await signIn(page, "vh@demo.test");
    await page.getByRole("link", { name: /Alva Lindqvist/ }).click();
    await page.getByRole("heading", { name: "Alva Lindqvist" }).waitFor();
    await page.screenshot({ path: `${out}/pupil-guardian-${size}.png`, fullPage: true });
    await context.clearCookies();
    await signIn(page, "admin@demo.test");
    await page.goto(`${server.url}/admin`);
    await page.screenshot({ path: `${out}/admin-${size}.png`, fullPage: true });
    await page.goto(`${server.url}/no-such-page`);
    await page.screenshot({ path: `${out}/not-found-${size}.png`, fullPage: true });
    await context.close();
  }

  // The live plan: the pupil writing, the guardian and the mentor reading along.
  for (const [size, viewport] of Object.entries(viewports)) {
    const pupilContext = await browser.newContext({ viewport: viewports.desktop, locale: "sv-SE" });
    const pupil = await pupilContext.newPage();
    await signIn(pupil, "elev@demo.test");
    await pupil.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
    await pupil.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    const about = pupil.getByRole("textbox", { name: "Om mig, elevens text" });
    if (((await about.textContent()) ?? "").trim() === "") {
      await about.click();
      await pupil.keyboard.type("Jag heter Alva och går i 8A. Jag tycker om NO och bild, men matte är svårt ibland.");
      await pupil.getByRole("textbox", { name: "Mina mål, elevens text" }).click();
      await pupil.keyboard.type("Klara E i matte. Läsa en bok i månaden.");
    }
    const planUrl = pupil.url();
    for (const [who, email] of [["guardian", "vh@demo.test"], ["mentor", "mentor@demo.test"]] as const) {
      const context = await browser.newContext({ viewport, locale: "sv-SE" });
      const page = await context.newPage();
      await signIn(page, email);
      await page.goto(planUrl);
      await page.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/plan-${who}-${size}.png`, fullPage: size === "phone" ? false : true });
      await context.close();
    }
    await about.click();
    await pupil.keyboard.press("End");
    await pupil.screenshot({ path: `${out}/plan-pupil-${size}.png` });
    await pupilContext.close();
  }
  console.log(`screenshots in ./${out}`);
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}
