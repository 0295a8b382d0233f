import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { pdfText } from "../support/pdf";
import { expect, expectAccessible, test, textOf, signedInPageOn } from "./fixtures";

// Each journey also runs axe at each of its states (one to three seconds a check on two cores).
// The second journey goes on from where the first left the plan: in order, the second only after the first passed.
test.describe.configure({ mode: "serial", timeout: 60_000 });

// This journey locks Alva's plan for good, so it gets a server and database of its own.
let own: TestServer;
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await own.stop();
  own.cleanup();
});

const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, at?: string) => signedInPageOn(own, browser, email, viewport, at);

// What the first journey leaves for the second (the tests run in order, on this file's server).
let planAddress = "";
let hash = "";

test("the end of a talk: the mentor locks, Alva's editor turns read-only, pupil, guardian and mentor sign, and everyone sees it signed", async ({ browser }) => {
  const alva = await signedInPage(browser, "elev@demo.test");
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  planAddress = new URL(alva.url()).pathname;
  const goals = alva.getByRole("textbox", { name: "Mina mål, elevens text" });
  await goals.click();
  await alva.keyboard.type("Jag ska läsa 20 minuter varje dag.");

  // Her browser keeps the page for a reload without a connection (service-worker/sw.ts).
  const pageKeptOnDevice = () =>
    alva.evaluate(async (path) => {
      for (const key of await caches.keys()) {
        if (key.startsWith("iup-pages-") && (await (await caches.open(key)).match(new URL(path, location.origin).href))) return true;
      }
      return false;
    }, planAddress);
  await expect.poll(pageKeptOnDevice).toBe(true);

  const mentor = await signedInPage(browser, "mentor@demo.test", undefined, `${own.url}${planAddress}`);
  await expect(mentor.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await expect.poll(() => textOf(mentor.getByRole("textbox", { name: "Mina mål, elevens text" }))).toBe("Jag ska läsa 20 minuter varje dag.");
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  // Only Sara takes part in this talk; Johan is unticked.
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();

  // Alva's open editor turns read-only and says why; what she types goes nowhere.
  await expect(alva.getByRole("status").filter({ hasText: "Planen är låst för signering" })).toBeVisible({ timeout: 2000 });
  await expect(goals).toHaveAttribute("contenteditable", "false");
  await goals.click();
  await alva.keyboard.type(" Och mer.");
  expect(await textOf(goals)).toBe("Jag ska läsa 20 minuter varje dag.");
  // What her browser kept of the plan for offline writing is gone with the lock.
  await expect
    .poll(() => alva.evaluate(async () => (await indexedDB.databases()).filter((d) => d.name?.startsWith("iup-plan.")).length))
    .toBe(0);
  // And so is the page it kept: offline, it would open an editor whose words could never be stored.
  await expect.poll(pageKeptOnDevice).toBe(false);

  // Alva signs with a drawn signature.
  const alvaSigning = alva.getByRole("region", { name: "Signering" });
  await expect(alvaSigning).toContainText("Sara Lindqvist (vårdnadshavare) – har inte signerat");
  await expectAccessible(alva, "plan locked, before signing");
  const pad = alvaSigning.getByRole("img", { name: "Rita din namnteckning (valfritt)" });
  const box = (await pad.boundingBox())!;
  await alva.mouse.move(box.x + 20, box.y + 60);
  await alva.mouse.down();
  for (const [x, y] of [[60, 30], [100, 70], [140, 30], [200, 65]]) await alva.mouse.move(box.x + x!, box.y + y!);
  await alva.mouse.up();
  await alvaSigning.getByRole("button", { name: "Signera" }).click();
  await expect(alvaSigning).toContainText(/Alva Lindqvist \(elev\) – signerade/);

  // Sara signs on her phone; the mentor on his computer.
  const sara = await signedInPage(browser, "vh@demo.test", { width: 390, height: 844 }, `${own.url}${planAddress}`);
  await expectAccessible(sara, "plan locked, the guardian's phone");
  await sara.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await expect(sara.getByRole("region", { name: "Signering" })).toContainText(/Sara Lindqvist \(vårdnadshavare\) – signerade/);
  await mentor.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();

  // Everyone's view shows the plan as signed, without reloading.
  for (const page of [alva, sara, mentor]) await expect(page.getByText("Planen är signerad av alla.")).toBeVisible();
  await expect(alva.locator(".badge-status-signed")).toHaveText("Signerad");
  await expectAccessible(alva, "plan signed");
  hash = (await alvaSigning.locator("code.hash").textContent())!;
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
});

// The journey goes on from the signed plan (one test was most of its minute on two cores).
test("the signed plan: its PDF holds it all and its code checks out at /verify; after an unlock Alva's open page takes edits again", async ({ browser }) => {
  const alva = await signedInPage(browser, "elev@demo.test", undefined, `${own.url}${planAddress}`);
  await expect(alva.getByText("Planen är signerad av alla.")).toBeVisible();
  const alvaSigning = alva.getByRole("region", { name: "Signering" });
  const goals = alva.getByRole("textbox", { name: "Mina mål, elevens text" });

  // The PDF downloads and holds Alva's words, the signers and the hash.
  const downloading = alva.waitForEvent("download");
  await alvaSigning.getByRole("link", { name: "Ladda ner PDF" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^iup-v1-[0-9A-Z]{5}-[0-9A-Z]{5}\.pdf$/);
  const text = await pdfText(new Uint8Array(await readFile((await download.path())!)));
  expect(text).toContain("Jag ska läsa 20 minuter varje dag.");
  expect(text).not.toContain("Och mer.");
  for (const signer of ["Alva Lindqvist (elev)", "Sara Lindqvist (vårdnadshavare)", "Jonas Ek (mentor)"]) expect(text).toContain(signer);
  expect(text).toContain(hash);

  // And the code on it checks out at /verify, for anyone.
  const code = (await alvaSigning.locator("strong").first().textContent())!;
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${own.url}/verify`);
  await visitor.getByLabel("Verifieringskod", { exact: true }).fill(code);
  await visitor.getByRole("button", { name: "Kontrollera" }).first().click();
  await expect(visitor.getByRole("heading", { name: "Äkta och oförändrad" })).toBeVisible();
  await expect(visitor.getByRole("status")).toContainText("Jonas Ek");
  await expectAccessible(visitor, "verify with a result");

  // A correction: the mentor unlocks; Alva's open page can be written in again, without reloading
  // (her read-only connection is let go of with 4409, connects again as a writer's, and the page's
  // data reloads in place: a full reload would lose what she had open, and this mark).
  await alva.evaluate(() => ((window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));
  const mentor = await signedInPage(browser, "mentor@demo.test", undefined, `${own.url}${planAddress}`);
  const unlock = mentor.locator("details.unlock");
  await unlock.locator("summary").click();
  await unlock.getByLabel("Varför behövs rättelsen?").fill("Fel i målen.");
  await unlock.getByRole("button", { name: "Lås upp" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await expect(goals).toHaveAttribute("contenteditable", "true");
  await goals.click();
  await alva.keyboard.press("End");
  await alva.keyboard.type(" Rättat.");
  await expect.poll(() => textOf(mentor.getByRole("textbox", { name: "Mina mål, elevens text" }))).toBe("Jag ska läsa 20 minuter varje dag. Rättat.");
  expect(await alva.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
});
