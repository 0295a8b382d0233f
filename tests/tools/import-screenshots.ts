import type { Browser, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { readSs12000Files } from "../../app/services/roster-import/ss12000-files.server";
import { schoolYearStartYear, stockholmToday } from "../../db/school-calendar";
import { DEMO_REFERENCE_YEAR } from "../../db/seed/demo-school-data";
import { shiftYears } from "../../db/seed/demo-school";
import { asUploadFile } from "../support/big-school";

/**
 * The roster import pages for `npm run screenshots`: the import page, a dry run with a change set
 * (a custody ends, a pupil changes class, a new marking, a new pupil) and a refused CSV. Dry runs
 * only: nothing is applied, so the other screenshots see the demo school as it is.
 */
export async function importScreenshots(browser: Browser, baseUrl: string, out: string, signIn: (page: Page, email: string) => Promise<void>) {
  const read = readSs12000Files([{ name: "demo.json", text: readFileSync(new URL("../../db/seed/demo-school.ss12000.json", import.meta.url), "utf8") }]);
  if (!read.ok) throw new Error("fixture");
  const data = shiftYears(read.data, schoolYearStartYear(stockholmToday()) - DEMO_REFERENCE_YEAR);
  const byMail = (mail: string) => data.persons.find((p) => p.emails?.[0]?.value === mail)!;
  const alva = byMail("elev@demo.test");
  alva.responsibles = alva.responsibles!.filter((r) => r.person.id !== byMail("vh@demo.test").id);
  const liam = data.persons.find((p) => p.givenName === "Liam" && p.familyName === "Johansson")!;
  const sevenA = data.groups.find((g) => g.displayName === "7A")!;
  sevenA.groupMemberships = sevenA.groupMemberships!.filter((m) => m.person.id !== liam.id);
  data.groups.find((g) => g.displayName === "6A")!.groupMemberships!.push({ person: { id: liam.id }, startDate: sevenA.startDate });
  byMail("annan.vh@demo.test").securityMarking = "Sekretessmarkering";
  const file = asUploadFile(data);
  const csv = "id;roll;förnamn;efternamn;e-post;födelsedatum;skyddad;årskurs;klass;mentorsgrupp;grupper;vårdnadshavare;undervisar\ne1;elev;Test;Elev;fel-adress;2012-13-01;;8;8A;;;v1;\n";

  for (const [size, viewport] of Object.entries({ desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } })) {
    const context = await browser.newContext({ viewport, locale: "sv-SE" });
    const page = await context.newPage();
    await signIn(page, "admin@demo.test");
    await page.goto(`${baseUrl}/admin/import`);
    await page.screenshot({ path: `${out}/import-${size}.png`, fullPage: true });
    await page.getByLabel("Filer", { exact: true }).setInputFiles({ name: "solbackeskolan.json", mimeType: "application/json", buffer: Buffer.from(file) });
    await page.getByRole("button", { name: "Ladda upp och förhandsgranska" }).click();
    await page.getByRole("heading", { level: 1, name: "Förhandsgranskning" }).waitFor();
    await page.screenshot({ path: `${out}/import-dry-run-${size}.png`, fullPage: true });
    await page.goto(`${baseUrl}/admin/import`);
    await page.getByLabel("Filer", { exact: true }).setInputFiles({ name: "elever.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Ladda upp och förhandsgranska" }).click();
    await page.getByRole("heading", { name: "Inläsningen kan inte göras" }).waitFor();
    await page.screenshot({ path: `${out}/import-csv-errors-${size}.png`, fullPage: true });
    await context.close();
  }
}
