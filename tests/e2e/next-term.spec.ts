import type { Browser, Page } from "@playwright/test";
import { demoTermDays, serverClockAt } from "../support/clock";
import { connectToPlan, sectionText, typeInto } from "../support/collab-client";
import { firstPlanId, signInEach } from "../support/http";
import { lockAndSign } from "../support/plan-journey";
import { openSchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";
import { expect, test, signedInPageOn } from "./fixtures";

// A term passes here: the autumn plan is written and signed with the server's clock in the autumn,
// then the same database is served with the clock in the spring.
const { autumn, spring } = demoTermDays();
let own: TestServer;
const written = {
  goals: "Jag ska läsa 20 minuter varje dag.",
  pupilActions: "Jag lånar en bok i veckan.",
  schoolActions: "Mentorn ger mig lästips.",
  guardianActions: "Mamma frågar vad jag läser.",
};

test.beforeAll(async () => {
  const autumnServer = await startTestServer(serverClockAt(autumn));
  const cookies = await signInEach(autumnServer.url, { alva: "elev@demo.test", sara: "vh@demo.test", jonas: "mentor@demo.test" });
  const planId = await firstPlanId(autumnServer.url, cookies.alva!);
  const writer = connectToPlan(autumnServer.url, planId, cookies.alva!);
  await writer.synced();
  for (const [section, text] of Object.entries(written)) typeInto(writer.doc, section, text);
  // Stored and sent on: a second connection has it all.
  const check = connectToPlan(autumnServer.url, planId, cookies.jonas!);
  await check.synced();
  await expect.poll(() => sectionText(check.doc, "guardianActions")).toBe(written.guardianActions);
  writer.destroy();
  check.destroy();
  const school = openSchoolDatabase(autumnServer.databasePath);
  await lockAndSign(autumnServer.url, school, planId, { mentor: cookies.jonas!, guardianIds: [school.personId("vh@demo.test")], signers: [cookies.alva!, cookies.sara!] });
  school.close();
  await autumnServer.stop();
  own = await startTestServer({ databasePath: autumnServer.databasePath, ...serverClockAt(spring) });
});
test.afterAll(async () => {
  await own.stop();
  own.cleanup();
});

const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, at?: string) => signedInPageOn(own, browser, email, viewport, at);

test("in the spring, Alva's new plan shows what she and the others promised in the autumn, read-only beside Mina mål, with a prompt to say how it went", async ({ browser }) => {
  const alva = await signedInPage(browser, "elev@demo.test");
  await expect(alva.getByText(/Aktuell termin: Vårtermin \d{4}/)).toBeVisible();
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const goals = alva.getByRole("region", { name: "Mina mål", exact: true });
  const previous = goals.getByRole("complementary", { name: /^Förra terminen/ });
  await expect(previous).toContainText(/Förra terminen: Hösttermin \d{4}/);
  await expect(previous).toContainText("Signerad");
  for (const text of Object.values(written)) await expect(previous).toContainText(text);
  await expect(previous.getByRole("heading", { name: "Det här gör skolan" })).toBeVisible();
  await expect(previous).toContainText("Hur gick det? Skriv om det i dina mål för den här terminen.");
  // Last term's text is not an editor: nothing in it can be typed into.
  await expect(previous.getByRole("textbox")).toHaveCount(0);
  // This term's goals are still hers to write.
  const newGoals = goals.getByRole("textbox", { name: "Mina mål, elevens text" });
  await newGoals.click();
  await alva.keyboard.type("Jag läste nästan varje dag. Nu ska jag läsa en bok på engelska.");
  await expect(newGoals).toContainText("Nu ska jag läsa en bok på engelska.");
  await alva.screenshot({ path: "screenshots/issue-19/next-term.png", fullPage: false });
  await goals.screenshot({ path: "screenshots/issue-19/next-term-goals.png" });

  // Sara reads it too, on her phone.
  const sara = await signedInPage(browser, "vh@demo.test", { width: 390, height: 844 }, alva.url());
  const saraPrevious = sara.getByRole("region", { name: "Mina mål", exact: true }).getByRole("complementary", { name: /^Förra terminen/ });
  await expect(saraPrevious).toContainText(written.guardianActions);
  await sara.getByRole("region", { name: "Mina mål", exact: true }).screenshot({ path: "screenshots/issue-19/next-term-phone.png" });
});
