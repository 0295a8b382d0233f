/**
 * Screenshots of where a pupil's edits are, into ./screenshots (not committed): "Sparat på
 * servern", "Sparat bara på den här enheten" (offline, and while the server cannot store), "Inte
 * sparat" (offline in a browser without IndexedDB), the plan opened from the device without a
 * connection, and the notice for a page not kept. Desktop and phone. `npm run screenshots:saving`.
 */
import { mkdirSync } from "node:fs";
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { startTestServer } from "../support/server";

const out = "screenshots";
mkdirSync(out, { recursive: true });
const server = await startTestServer({ env: { FAULT_INJECTION: "true" } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

async function pupil(viewport: typeof desktop, withoutIndexedDb = false): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: "sv-SE" });
  if (withoutIndexedDb) await context.addInitScript(() => Object.defineProperty(window, "indexedDB", { value: undefined, configurable: true }));
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("E-post").fill("elev@demo.test");
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL(`${server.url}/`);
  await page.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await page.locator("[role=status][data-save=server]").waitFor();
  return { context, page };
}

const status = (page: Page) => page.locator("[role=status][data-save]");
async function type(page: Page, text: string) {
  await page.getByRole("textbox", { name: "Mina mål, elevens text" }).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}
async function shoot(page: Page, name: string) {
  await status(page).screenshot({ path: `${out}/saving-${name}-status.png` });
  await page.screenshot({ path: `${out}/saving-${name}.png` });
}
async function databaseFault(database: "readOnly" | "none") {
  await fetch(`${server.url}/__faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ database }) });
}

for (const [size, viewport] of [["desktop", desktop], ["phone", phone]] as const) {
  const { context, page } = await pupil(viewport);
  await shoot(page, `server-${size}`);
  await context.setOffline(true);
  await type(page, " Skriver utan nät.");
  await page.locator("[role=status][data-save=device]").waitFor();
  await shoot(page, `device-offline-${size}`);
  await page.reload();
  await page.locator("[role=status][data-save=device]").waitFor();
  await page.getByRole("textbox", { name: "Mina mål, elevens text" }).getByText("Skriver utan nät.").waitFor();
  await shoot(page, `reloaded-offline-${size}`);
  await page.goto(`${server.url}/talk-days`).catch(() => {});
  await page.screenshot({ path: `${out}/saving-offline-notice-${size}.png` });
  await context.setOffline(false);
  await page.goBack();
  await page.locator("[role=status][data-save=server]").waitFor({ timeout: 15_000 });

  await databaseFault("readOnly");
  await type(page, " Servern är full.");
  await page.locator("[role=status][data-state=storageFailed][data-save=device]").waitFor();
  await shoot(page, `device-storage-failed-${size}`);
  await databaseFault("none");
  await page.locator("[role=status][data-save=server]").waitFor({ timeout: 15_000 });
  await context.close();

  const bare = await pupil(viewport, true);
  await bare.context.setOffline(true);
  await type(bare.page, " Bara i fliken.");
  await bare.page.locator("[role=status][data-save=none]").waitFor();
  await shoot(bare.page, `none-${size}`);
  await bare.context.setOffline(false);
  await bare.page.locator("[role=status][data-save=server]").waitFor({ timeout: 15_000 });
  await bare.context.close();
}

await browser.close();
await server.stop();
server.cleanup();
console.log(`screenshots in ${out}/saving-*.png`);
