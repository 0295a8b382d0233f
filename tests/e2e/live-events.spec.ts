import { postForm, signIn } from "../support/http";
import { openSchoolDatabase } from "../support/school";
import { expect, expectAccessible, signInAs, test } from "./fixtures";

/**
 * A page shows what happened even when it happened between loading the page and its event stream
 * starting to listen (a busy machine, a slow phone): the stream opens by saying how many changes
 * there have been, and a page whose data has seen fewer reloads. Before this, such a change was
 * lost until the next one (the cause of a flaky browser test on a busy machine).
 */
test("a guardian's open plan catches up with an assessment saved before its event stream was listening", async ({ page, server }) => {
  const school = openSchoolDatabase(server.databasePath);
  const alva = school.personId("elev@demo.test");
  const duty = school.one<{ id: string }>(
    `select d.id from teaching_duties d join groups g on g.id = d.group_id join terms t on t.id = d.term_id join people p on p.id = d.teacher_id
      where g.name = '8A Matematik' and p.email = 'matte@demo.test' and t.starts_on <= date('now') order by t.starts_on desc`,
  ).id;
  school.close();

  // The guardian's event stream is held back until the teacher has saved.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/events?**", async (route) => {
    await released;
    await route.continue();
  });

  await signInAs(page, "vh@demo.test");
  await page.getByRole("link", { name: /Alva Lindqvist/ }).first().click();
  await page.getByRole("link", { name: "Öppna utvecklingsplanen" }).click();
  const maths = page.getByRole("region", { name: "Matematik", exact: true });
  await expect(maths).toBeVisible();
  const assessment = maths.getByRole("group", { name: "Lärarens bedömning" });
  await expect(assessment).not.toContainText("Betyg: B");

  const teacher = await signIn(server.url, "matte@demo.test");
  const saved = await postForm(`${server.url}/assessments/${duty}`, { intent: "save", pupilId: alva, level: "B", written: "Visar sina steg tydligt." }, teacher);
  expect(saved.status).toBe(200);

  release();
  await expect(assessment).toContainText("Betyg: B");
  await expect(assessment).toContainText("Visar sina steg tydligt.");
  await expectAccessible(page, "guardian's plan after catching up");
});
