/**
 * The phone-first and keyboard parts, at 390 px and 1280 px, in Swedish and Arabic: the plan with
 * its section switcher (closed, open, far down), the talk view with the agenda folded and whole,
 * the sitting board with "Lås planen", and after the lock the signing step at the top of the talk
 * view and the plan page (pupil and guardian) and the board. Into ./screenshots/phone (not
 * committed). `npm run screenshots:phone`.
 */
import { mkdirSync } from "node:fs";
import Database from "better-sqlite3";
import { chromium, type Browser, type Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";

const out = "screenshots/phone";
mkdirSync(out, { recursive: true });
const widths = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
type Width = keyof typeof widths;
const server: TestServer = await startTestServer();
const browser: Browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const sqlite = new Database(server.databasePath, { fileMustExist: true });
const day = (n: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm" }).format(new Date(Date.now() + n * 86_400_000));

/** Signs in through the form (in Swedish); the account's language then becomes the page's. */
async function signedIn(email: string, width: Width, locale: "sv" | "ar"): Promise<Page> {
  sqlite.prepare("update people set preferred_locale = ? where email = ?").run(locale, email);
  const page = await (await browser.newContext({ viewport: widths[width], timezoneId: "Europe/Stockholm" })).newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("E-post").fill(email);
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL(`${server.url}/`);
  await page.locator(`html[lang="${locale}"][data-hydrated]`).waitFor();
  return page;
}

async function live(page: Page, path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.locator('.connection-status[data-state="connected"]').waitFor();
}

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: `${out}/${name}.png`, fullPage });

try {
  const mentor = await signedIn("mentor@demo.test", "desktop", "sv");
  await mentor.getByRole("link", { name: "Samtalsdagar" }).first().click();
  await mentor.getByLabel("Dag 1").fill(day(7));
  await mentor.getByLabel("Dag 2").fill(day(8));
  await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
  await mentor.getByLabel("8A – Jonas Ek").check();
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await mentor.getByText(/inbjudningar har skapats/).waitFor();
  const ids = sqlite
    .prepare("select t.id as talkId, t.plan_id as planId, t.event_id as eventId, t.sitting_id as sittingId from talks t join people p on p.id = t.pupil_id where p.email = 'elev@demo.test'")
    .get() as { talkId: string; planId: string; eventId: string; sittingId: string };
  const talk = `/talks/${ids.talkId}`;
  const plan = `/plans/${ids.planId}`;
  const board = `/talk-days/${ids.eventId}/sittings/${ids.sittingId}`;

  // The talk is at Matematik (the pupil moved there), so the fold shows an item with its call button.
  const leader = await signedIn("elev@demo.test", "desktop", "sv");
  await live(leader, talk);
  await leader.getByRole("button", { name: "Matematik", exact: true }).click();
  // Stored (not only shown while the form is on its way) before the pupil's page closes.
  for (let i = 0; i < 100; i++) {
    const { current } = sqlite.prepare("select current_section as current from talks where id = ?").get(ids.talkId) as { current: string | null };
    if (current) break;
    await leader.waitForTimeout(100);
  }
  await leader.context().close();

  for (const locale of ["sv", "ar"] as const) {
    for (const width of ["phone", "desktop"] as const) {
      const alva = await signedIn("elev@demo.test", width, locale);
      await live(alva, plan);
      await shot(alva, `${locale}-${width}-1-plan-top`);
      if (width === "phone") {
        await alva.locator(".section-switcher-toggle").click();
        await shot(alva, `${locale}-${width}-2-plan-switcher-open`);
        await alva.locator(".section-switcher a").nth(8).click();
      } else {
        await alva.locator(".section-switcher a").nth(8).click();
      }
      await shot(alva, `${locale}-${width}-3-plan-section-chosen`);
      await live(alva, talk);
      await shot(alva, `${locale}-${width}-4-talk-folded`);
      if (width === "phone") {
        await alva.locator(".agenda-toggle").click();
        await shot(alva, `${locale}-${width}-5-talk-agenda-open`);
      }
      await alva.context().close();
      const jonas = await signedIn("mentor@demo.test", width, locale);
      await jonas.goto(`${server.url}${board}`);
      await shot(jonas, `${locale}-${width}-6-board-lock`, true);
      await jonas.context().close();
    }
  }

  // The lock, from the board.
  await mentor.goto(`${server.url}${board}`);
  const card = mentor.getByRole("listitem").filter({ has: mentor.getByRole("heading", { name: "Alva Lindqvist" }) });
  await card.getByRole("button", { name: "Lås planen" }).click();
  await card.getByText(/av \d har signerat/).waitFor();

  for (const locale of ["sv", "ar"] as const) {
    for (const width of ["phone", "desktop"] as const) {
      const alva = await signedIn("elev@demo.test", width, locale);
      await live(alva, talk);
      await shot(alva, `${locale}-${width}-7-talk-locked-signing-at-top`);
      await alva.locator(".signing-callout a").click();
      await shot(alva, `${locale}-${width}-8-talk-after-till-signeringen`);
      await live(alva, plan);
      await shot(alva, `${locale}-${width}-9-plan-locked-signing-at-top`);
      await alva.context().close();
      const sara = await signedIn("vh@demo.test", width, locale);
      await live(sara, plan);
      await shot(sara, `${locale}-${width}-10-guardian-plan-locked`);
      await sara.context().close();
      const jonas = await signedIn("mentor@demo.test", width, locale);
      await jonas.goto(`${server.url}${board}`);
      await shot(jonas, `${locale}-${width}-11-board-after-lock`, true);
      await jonas.context().close();
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  sqlite.close();
  await browser.close();
  await server.stop();
  server.cleanup();
}
