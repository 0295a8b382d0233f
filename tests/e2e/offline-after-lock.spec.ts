import type { Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { postForm, signIn } from "../support/http";
import { expect, signedInPageOn, test } from "./fixtures";

/*
 * A plan page kept on the pupil's device for writing offline (service-worker/sw.ts) must not
 * outlive her right to write: once the plan is locked, a copy opened offline would show an editor
 * whose words could never be stored. This locks Alva's plan for good: a server of its own.
 */

let own: TestServer;
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await own.stop();
  own.cleanup();
});

/** Whether the service worker keeps a copy of the page at `path` (for any session). */
function keptCopy(page: Page, path: string): Promise<boolean> {
  return page.evaluate(async (pagePath) => {
    for (const key of await caches.keys()) {
      if (key.startsWith("iup-pages-") && (await (await caches.open(key)).match(new URL(pagePath, location.origin).href))) return true;
    }
    return false;
  }, path);
}

// While the network is away the browser reports each failed reconnect.
test.use({ expectedPageErrors: [/WebSocket connection to .* failed/] });

test("a plan locked while the pupil was elsewhere is not opened from her device offline, once she has seen it locked", async ({ browser }) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const planAddress = new URL(alva.url()).pathname;
  await expect.poll(() => keptCopy(alva, planAddress)).toBe(true);

  // She goes back to her home; her mentor locks the plan meanwhile.
  await alva.goto(`${own.url}/`);
  const planId = planAddress.split("/").at(-1)!;
  expect((await postForm(`${own.url}/plans/${planId}`, { intent: "lock" }, await signIn(own.url, "mentor@demo.test"))).status).toBe(200);

  // She opens it again, online: locked, read-only; the copy her device kept for writing goes.
  await alva.goto(`${own.url}${planAddress}`);
  await expect(alva.getByText("Planen är låst och kan inte längre ändras.")).toBeVisible();
  await expect.poll(() => keptCopy(alva, planAddress)).toBe(false);

  // Offline, a reload gives the notice, not a writable plan from before the lock.
  await alva.context().setOffline(true);
  await alva.reload();
  await expect(alva.getByRole("heading", { name: "Du är offline" })).toBeVisible();
  await expect(alva.getByRole("textbox", { name: "Mina mål, elevens text" })).toHaveCount(0);
  await alva.context().setOffline(false);
});
