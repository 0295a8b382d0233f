import { readFileSync } from "node:fs";
import { readSs12000Files } from "../../app/services/roster-import/ss12000-files.server";
import { schoolYearStartYear, stockholmToday } from "../../db/school-calendar";
import { DEMO_REFERENCE_YEAR } from "../../db/seed/demo-school-data";
import { shiftYears } from "../../db/seed/demo-school";
import { asUploadFile } from "../support/big-school";
import { startTestServer, type TestServer } from "../support/server";
import { expect, expectAccessibleAtBothWidths, signInAs, test as base } from "./fixtures";

// This journey changes the roster, so it has a server of its own (the other specs share one).
const test = base.extend<object, { importServer: TestServer }>({
  importServer: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startTestServer();
      await use(server);
      await server.stop();
      server.cleanup();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ importServer }, use) => use(importServer.url),
});

/** Solbackeskolan as its administration system has it today, with a new pupil in Jonas Ek's mentor group. */
function rosterWithNewPupil(): string {
  const read = readSs12000Files([{ name: "demo.json", text: readFileSync(new URL("../../db/seed/demo-school.ss12000.json", import.meta.url), "utf8") }]);
  if (!read.ok) throw new Error("fixture");
  const data = shiftYears(read.data, schoolYearStartYear(stockholmToday()) - DEMO_REFERENCE_YEAR);
  const unit = data.organisations.find((o) => o.displayName === "Solbackeskolan")!;
  const yearStart = data.groups.find((g) => g.displayName === "8A")!.startDate;
  data.persons.push(
    { id: "0b6f6c1e-5a7d-4c1e-9b1a-000000000001", givenName: "Hedda", familyName: "Nyqvist", birthDate: `${Number(yearStart.slice(0, 4)) - 14}-04-02`, securityMarking: "Ingen", emails: [{ value: "hedda.nyqvist@elev.solbacken.demo.test", type: "Skola elev" }], enrolments: [{ enroledAt: { id: unit.id }, schoolType: "GR", schoolYear: 8, startDate: yearStart }], responsibles: [{ person: { id: "0b6f6c1e-5a7d-4c1e-9b1a-000000000002" }, relationType: "Vårdnadshavare" }] },
    { id: "0b6f6c1e-5a7d-4c1e-9b1a-000000000002", givenName: "Ingrid", familyName: "Nyqvist", securityMarking: "Ingen", emails: [{ value: "ingrid.nyqvist@hem.demo.test", type: "Privat" }] },
  );
  for (const name of ["8A", "8A – Jonas Ek"]) data.groups.find((g) => g.displayName === name)!.groupMemberships!.push({ person: { id: "0b6f6c1e-5a7d-4c1e-9b1a-000000000001" }, startDate: yearStart });
  return asUploadFile(data);
}

test("the admin uploads the roster, reads the dry run, applies it, and the new pupil's mentor sees her", async ({ page, browser }) => {
  await signInAs(page, "admin@demo.test");
  await page.getByRole("link", { name: "Skolans uppgifter" }).first().click();
  await page.getByRole("link", { name: "Läs in elever och personal" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Läs in elever och personal");
  await expectAccessibleAtBothWidths(page, "roster import");

  await page.getByLabel("Filer", { exact: true }).setInputFiles({ name: "solbackeskolan.json", mimeType: "application/json", buffer: Buffer.from(rosterWithNewPupil()) });
  await page.getByRole("button", { name: "Ladda upp och förhandsgranska" }).click();

  // The dry run: one new pupil and her guardian, her class and mentor group; nothing changed yet.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Förhandsgranskning");
  const summary = page.getByRole("region", { name: "Sammanfattning" });
  await expect(summary.getByRole("row", { name: /^Elever/ })).toHaveText(/Elever\s*1\s*0\s*0/);
  await expect(summary.getByRole("row", { name: /^Vårdnadshavare/ })).toHaveText(/Vårdnadshavare\s*1\s*0\s*0/);
  await expect(summary.getByRole("row", { name: /^Grupp\u00ad?medlemskap/ })).toHaveText(/medlemskap\s*2\s*0\s*0/);
  const people = page.getByRole("region", { name: "Personer" });
  await expect(people.getByText("Nya (2)")).toBeVisible();
  const hedda = people.locator("li.import-person").filter({ has: page.locator("strong", { hasText: "Hedda Nyqvist" }) });
  await expect(hedda).toContainText("elev");
  await expect(hedda).toContainText("Grupper: + 8A, + 8A – Jonas Ek");
  await expect(hedda).toContainText("Vårdnadshavare: + Ingrid Nyqvist");
  await expectAccessibleAtBothWidths(page, "import dry run");

  await page.getByRole("button", { name: "Genomför inläsningen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Inläsningen är genomförd" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Inläsning");
  await expectAccessibleAtBothWidths(page, "import applied");

  // Her mentor finds her in his mentor group.
  const mentorContext = await browser.newContext();
  const mentor = await mentorContext.newPage();
  await signInAs(mentor, "mentor@demo.test");
  const group = mentor.getByRole("region", { name: "Mina mentorsgrupper" }).locator(".group-block").filter({ hasText: "8A – Jonas Ek" });
  await expect(group.getByRole("link", { name: /Hedda Nyqvist/ })).toBeVisible();
  await group.getByRole("link", { name: /Hedda Nyqvist/ }).click();
  await expect(mentor.getByRole("heading", { level: 1 })).toHaveText("Hedda Nyqvist");
  await mentorContext.close();
});
