import type { Page } from "@playwright/test";
import Database from "better-sqlite3";
import { expect, expectAccessible, openOwnPlan, signInAs, test, textOf } from "./fixtures";

/*
 * Writing without a connection: the pupil's edits are kept in the browser (IndexedDB), a reload
 * opens the plan from the device (the service worker), and the status says where the edits are.
 * Each test has a browser context of its own: its own IndexedDB, caches and service worker.
 */

const goalsLabel = "Mina mål, elevens text";
const status = (page: Page) => page.getByRole("status").filter({ hasText: /Ansluten|Offline|Ansluter|Återansluter|Servern kan inte spara/ });

/** Waits until the service worker controls the page and keeps its copy of it for a reload offline. */
async function keptOnDevice(page: Page) {
  const path = new URL(page.url()).pathname;
  await expect
    .poll(() =>
      page.evaluate(async (pagePath) => {
        if (!navigator.serviceWorker.controller) return false;
        for (const key of await caches.keys()) {
          if (key.startsWith("iup-pages-") && (await (await caches.open(key)).match(pagePath))) return true;
        }
        return false;
      }, path),
    )
    .toBe(true);
}

/** What this browser keeps: IndexedDB stores and page caches of people's plans. */
async function keptData(page: Page) {
  return page.evaluate(async () => ({
    stores: (await indexedDB.databases()).map((d) => d.name ?? "").filter((name) => name.startsWith("iup-plan.")),
    pages: (await caches.keys()).filter((key) => key.startsWith("iup-pages-")),
  }));
}

async function openAsMentor(browser: import("@playwright/test").Browser, planAddress: string) {
  const context = await browser.newContext();
  const mentor = await context.newPage();
  await signInAs(mentor, "mentor@demo.test");
  await mentor.goto(planAddress);
  await expect(status(mentor).filter({ hasText: "Ansluten" })).toBeVisible();
  return { context, goals: mentor.getByRole("textbox", { name: goalsLabel }) };
}

test.describe("offline drafting", () => {
  // While the network is away the browser reports each failed reconnect, and Remix logs that it
  // could not look up the routes of the page's links ahead of a click (it asks again on a click).
  test.use({ expectedPageErrors: [/WebSocket connection to .* failed|Failed to fetch manifest patches/] });

  test("the pupil writes offline, reloads, writes more, and the mentor sees every word once she is back", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openOwnPlan(page);
    const planAddress = new URL(page.url()).pathname;
    await expect(status(page)).toContainText("Sparat på servern");
    await keptOnDevice(page);

    // The suite's server is shared: another journey may have written goals already.
    const goals = page.getByRole("textbox", { name: goalsLabel });
    const before = await textOf(goals);
    const offlineWords = before ? `${before} Läsa en bok i månaden.` : "Läsa en bok i månaden.";

    await context.setOffline(true);
    await expect(status(page)).toContainText("Offline");
    await goals.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(before ? " Läsa en bok i månaden." : "Läsa en bok i månaden.");
    await expect(status(page)).toContainText("Sparat bara på den här enheten");

    // A reload without a connection: the page comes from the device, the text from its store.
    await page.reload();
    const reloadedGoals = page.getByRole("textbox", { name: goalsLabel });
    await expect.poll(() => textOf(reloadedGoals)).toBe(offlineWords);
    await expect(status(page)).toContainText("Sparat bara på den här enheten");
    await reloadedGoals.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Träna på glosor.");
    await expect(status(page)).toContainText("Sparat bara på den här enheten");

    await context.setOffline(false);
    await expect(status(page)).toContainText("Ansluten", { timeout: 15_000 });
    await expect(status(page)).toContainText("Sparat på servern");

    const mentor = await openAsMentor(browser, planAddress);
    await expect.poll(() => textOf(mentor.goals)).toBe(`${offlineWords} Träna på glosor.`);
    await mentor.context.close();
    await context.close();
  });

  test("offline, she writes and closes the tab; later, online, her words are there and reach the mentor", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openOwnPlan(page);
    const planAddress = new URL(page.url()).pathname;
    const before = await textOf(page.getByRole("textbox", { name: "Det här gör jag, elevens text" }));

    await context.setOffline(true);
    const section = page.getByRole("textbox", { name: "Det här gör jag, elevens text" });
    await section.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Fråga när jag inte förstår.");
    await expect(status(page)).toContainText("Sparat bara på den här enheten");
    await page.close();

    await context.setOffline(false);
    const later = await context.newPage();
    await later.goto(planAddress);
    await expect(status(later)).toContainText("Ansluten");
    await expect(status(later)).toContainText("Sparat på servern");
    await expect.poll(() => textOf(later.getByRole("textbox", { name: "Det här gör jag, elevens text" }))).toBe(`${before} Fråga när jag inte förstår.`);

    const mentor = await openAsMentor(browser, planAddress);
    const mentorSection = mentor.context.pages()[0]!.getByRole("textbox", { name: "Det här gör jag, elevens text" });
    await expect.poll(() => textOf(mentorSection)).toBe(`${before} Fråga när jag inte förstår.`);
    await mentor.context.close();
    await context.close();
  });

  test("after she signs out, nothing of hers stays on the device, and the next person offline gets a notice, not her page", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openOwnPlan(page);
    const planAddress = new URL(page.url()).pathname;
    await keptOnDevice(page);
    await page.getByRole("textbox", { name: goalsLabel }).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Hennes egna ord.");
    await expect(status(page)).toContainText("Sparat på servern");
    expect(await keptData(page)).toEqual({ stores: [expect.stringMatching(/^iup-plan\./)], pages: [expect.stringMatching(/^iup-pages-/)] });

    await page.getByRole("button", { name: "Logga ut" }).click();
    await expect(page).toHaveURL(/\/login/);
    await expect.poll(() => keptData(page)).toEqual({ stores: [], pages: [] });

    // Her guardian signs in on the same device, reads the plan, and loses the connection.
    await signInAs(page, "vh@demo.test");
    await page.goto(planAddress);
    await expect(status(page)).toContainText("Ansluten");
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Du är offline" })).toBeVisible();
    expect(await keptData(page)).toEqual({ stores: [], pages: [] });
    await context.setOffline(false);
    await context.close();
  });

  test("signing out while her words are not on the server asks first; offline it waits, and nothing is deleted", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The plan's live connection goes through the test, which can cut it from the server while
    // the page still thinks it is connected (as behind Wi-Fi without internet).
    let reachesServer = true;
    let socket: import("@playwright/test").WebSocketRoute | null = null;
    await page.routeWebSocket(/\/collab/, (ws) => {
      socket = ws;
      if (reachesServer) ws.connectToServer();
    });
    await openOwnPlan(page);
    await keptOnDevice(page);
    const goals = page.getByRole("textbox", { name: goalsLabel });
    const signOut = page.getByRole("button", { name: "Logga ut" });

    // Offline: she cannot sign out (the post would not reach the server); she is told, and stays.
    await context.setOffline(true);
    await expect(status(page)).toContainText("Offline");
    await signOut.click();
    const offlineDialog = page.getByRole("dialog", { name: "Du är inte ansluten" });
    await expect(offlineDialog).toBeVisible();
    await expect(offlineDialog).toHaveAccessibleDescription(/när enheten är ansluten igen/);
    await expectAccessible(page, "sign-out while offline");
    await offlineDialog.getByRole("button", { name: "Okej" }).click();
    await expect(offlineDialog).toBeHidden();
    await expect(page).toHaveURL(/\/plans\//);
    expect(await keptData(page)).toEqual({ stores: [expect.stringMatching(/^iup-plan\./)], pages: [expect.stringMatching(/^iup-pages-/)] });
    await context.setOffline(false);

    // The connection no longer reaches the server; she writes: her words are on the device only.
    reachesServer = false;
    socket!.close();
    await goals.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Skrivet utan server.");
    await expect(status(page)).toContainText("Sparat bara på den här enheten");
    await signOut.click();
    const unsaved = page.getByRole("dialog", { name: "Allt du skrivit är inte sparat på servern än" });
    await expect(unsaved).toBeVisible();
    await unsaved.screenshot({ path: "test-results/screenshots/sign-out-unsaved.png" });
    await expectAccessible(page, "sign-out with unsaved words");
    await unsaved.getByRole("button", { name: "Stanna kvar" }).click();
    await expect(page).toHaveURL(/\/plans\//);
    await expect(goals).toContainText("Skrivet utan server.");
    expect((await keptData(page)).stores).toHaveLength(1);

    // The server is reached again: once her words are stored she signs out without a question,
    // and nothing of hers stays.
    reachesServer = true;
    socket!.close();
    await expect(status(page)).toContainText("Sparat på servern");
    await signOut.click();
    await expect(page).toHaveURL(/\/login/);
    await expect.poll(() => keptData(page)).toEqual({ stores: [], pages: [] });
    await context.close();
  });

  test("a page kept for a session that has since ended is not opened offline, for anyone", async ({ browser, server }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openOwnPlan(page);
    // Her session ends in a few seconds (as it does twelve hours after she signed in); the page is
    // kept with that end.
    const endsAt = Date.now() + 5000;
    const sqlite = new Database(server.databasePath);
    sqlite
      .prepare("update sessions set expires_at = ? where rowid = (select max(rowid) from sessions where person_id = (select id from people where email = 'elev@demo.test'))")
      .run(endsAt);
    sqlite.close();
    await page.reload();
    await expect(status(page)).toContainText("Ansluten");
    await keptOnDevice(page);
    // While it lasts, offline, the page comes from the device.
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole("textbox", { name: goalsLabel })).toBeVisible();

    // Past its end she has left without signing out; offline, the device does not open her plan.
    await page.waitForTimeout(Math.max(0, endsAt - Date.now()) + 200);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Du är offline" })).toBeVisible();
    await expect(page.getByText("Inloggad som Alva Lindqvist")).toHaveCount(0);
    expect((await keptData(page)).pages).toEqual([]);
    await context.setOffline(false);
    await context.close();
  });

  test("when her session ends without a sign-out, the next person to sign in on the device never gets her kept page", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openOwnPlan(page);
    const planAddress = new URL(page.url()).pathname;
    await keptOnDevice(page);
    const hers = (await keptData(page)).pages;

    // Her session is gone (ended elsewhere, or expired); her mentor signs in here.
    await context.clearCookies();
    await signInAs(page, "mentor@demo.test");
    await expect.poll(async () => (await keptData(page)).pages.filter((key) => hers.includes(key))).toEqual([]);
    await page.goto(planAddress);
    await expect(status(page)).toContainText("Ansluten");
    await keptOnDevice(page);
    await context.setOffline(true);
    await page.reload();
    // His own page, kept for his session: signed in as him, his store, not hers.
    await expect(page.getByText("Inloggad som Jonas Ek")).toBeVisible();
    await expect(page.getByText("Inloggad som Alva Lindqvist")).toHaveCount(0);
    await context.setOffline(false);
    await context.close();
  });
});
