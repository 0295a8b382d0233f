import type { Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { expect, openOwnPlan, signInAs, test as base, textOf } from "./fixtures";

// The server here can be told to refuse writes (FAULT_INJECTION), so it is a server of its own.
const test = base.extend<object, { faultServer: TestServer }>({
  faultServer: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startTestServer({ env: { FAULT_INJECTION: "true" } });
      await use(server);
      await server.stop();
      server.cleanup();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ faultServer }, use) => use(faultServer.url),
});

const status = (page: Page) => page.getByRole("status").filter({ hasText: /Ansluten|Offline|Ansluter|Återansluter|Servern kan inte spara/ });

async function databaseFault(server: TestServer, database: "readOnly" | "none") {
  const response = await fetch(`${server.url}/__faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ database }) });
  expect(response.status).toBe(204);
}

test.describe("when the server cannot save", () => {
  // The server sends the page away (4500) while it cannot store; the browser reports nothing else.
  test.use({ expectedPageErrors: [/WebSocket connection to .* failed/] });

  test("the pupil sees that saving failed, her edits wait on the device, and they are stored once the server can write again", async ({ page, browser, faultServer }) => {
    await openOwnPlan(page);
    const planAddress = new URL(page.url()).pathname;
    const label = "Det här gör skolan, elevens text";
    const text = page.getByRole("textbox", { name: label });
    await expect(status(page)).toContainText("Sparat på servern");

    const mentorContext = await browser.newContext();
    const mentor = await mentorContext.newPage();
    await signInAs(mentor, "mentor@demo.test", planAddress);
    await expect(status(mentor)).toContainText("Ansluten");
    const mentorText = mentor.getByRole("textbox", { name: label });

    await databaseFault(faultServer, "readOnly");
    try {
      await text.click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("Hjälp med läxorna.");
      await expect(status(page)).toContainText("Servern kan inte spara just nu");
      await expect(status(page)).toContainText("Sparat bara på den här enheten");
      await expect(status(page)).toHaveAttribute("data-save", "device");
      // Nothing the server did not store reaches anyone.
      expect(await textOf(mentorText)).not.toContain("Hjälp med läxorna.");
    } finally {
      await databaseFault(faultServer, "none");
    }
    await expect(status(page)).toContainText("Sparat på servern", { timeout: 15_000 });
    await expect(status(page)).toContainText("Ansluten");
    await expect.poll(() => textOf(mentorText), { timeout: 15_000 }).toContain("Hjälp med läxorna.");
    await mentorContext.close();
  });

  test("without a store in the browser, an edit made offline is 'not saved', and says so until it reaches the server", async ({ browser }) => {
    const context = await browser.newContext();
    // A browser that refuses IndexedDB (some private modes, a full disk, a policy).
    await context.addInitScript(() => {
      Object.defineProperty(window, "indexedDB", { value: undefined, configurable: true });
    });
    const page = await context.newPage();
    await openOwnPlan(page);
    await expect(status(page)).toContainText("Sparat på servern");
    await context.setOffline(true);
    const goals = page.getByRole("textbox", { name: "Mina mål, elevens text" });
    await goals.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Bara i fliken.");
    await expect(status(page)).toContainText("Inte sparat");
    await expect(status(page)).toHaveAttribute("data-save", "none");
    await context.setOffline(false);
    await expect(status(page)).toContainText("Sparat på servern", { timeout: 15_000 });
    await context.close();
  });
});
