import type { Page } from "@playwright/test";
import { postForm, signIn } from "../support/http";
import { createTalkDay, openSchoolDatabase, postFields } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";
import { expect, signedInPageOn, test } from "./fixtures";

/*
 * A plan page kept on the pupil's device for writing offline (service-worker/sw.ts) must not
 * outlive her right to write: once the plan is locked, a copy opened offline would show an editor
 * whose words could never be stored. The plan has two such addresses, its own and the talk's.
 * This locks Alva's plan for good: a server of its own.
 */

let own: TestServer;
let planId = "";
let talkId = "";
test.beforeAll(async () => {
  own = await startTestServer();
  const school = openSchoolDatabase(own.databasePath);
  const admin = await signIn(own.url, "admin@demo.test");
  const eventId = await createTalkDay(own.url, admin, { groupIds: [school.groupId("8A – Jonas Ek")] });
  expect((await postFields(`${own.url}/talk-days/${eventId}`, [["intent", "invite"]], admin)).status).toBe(200);
  const alva = school.personId("elev@demo.test");
  planId = school.planOf(alva);
  talkId = school.talkOf(eventId, alva)!.id;
  school.close();
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

test("a plan locked while the pupil was elsewhere is opened from her device offline at neither of its addresses, once she has seen it locked at one", async ({ browser }) => {
  const planPath = `/plans/${planId}`;
  const talkPath = `/talks/${talkId}`;
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  // She writes in her plan, and in the talk's view of it: her device keeps both pages.
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await alva.goto(`${own.url}${talkPath}`);
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await expect.poll(() => keptCopy(alva, planPath)).toBe(true);
  await expect.poll(() => keptCopy(alva, talkPath)).toBe(true);

  // She goes back to her home; her mentor locks the plan meanwhile.
  await alva.goto(`${own.url}/`);
  expect((await postForm(`${own.url}${planPath}`, { intent: "lock" }, await signIn(own.url, "mentor@demo.test"))).status).toBe(200);

  // She opens the talk's view again, online: the plan is locked, read-only; what her device kept
  // for writing goes, at both addresses.
  await alva.goto(`${own.url}${talkPath}`);
  await expect(alva.getByRole("status").filter({ hasText: "Planen är låst och väntar på signaturer." })).toBeVisible();
  await expect.poll(() => keptCopy(alva, talkPath)).toBe(false);
  await expect.poll(() => keptCopy(alva, planPath)).toBe(false);

  // Offline, neither opens a writable plan from before the lock: the notice.
  await alva.context().setOffline(true);
  for (const path of [talkPath, planPath]) {
    await alva.goto(`${own.url}${path}`);
    await expect(alva.getByRole("heading", { name: "Du är offline" })).toBeVisible();
    await expect(alva.getByRole("textbox", { name: "Mina mål, elevens text" })).toHaveCount(0);
  }
  await alva.context().setOffline(false);
});
