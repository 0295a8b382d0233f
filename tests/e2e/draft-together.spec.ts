import { expect, expectAccessible, openOwnPlan, signInAs, test, textOf } from "./fixtures";

// Each journey also runs axe at its states (one to three seconds a check on two cores).
test.describe.configure({ timeout: 60_000 });

test("the pupil writes and the guardian sees each word appear, read-only, both present", async ({ page, browser }) => {
  await openOwnPlan(page);
  const planAddress = new URL(page.url()).pathname;
  const aboutMe = page.getByRole("textbox", { name: "Om mig, elevens text" });

  const guardianContext = await browser.newContext();
  const guardian = await guardianContext.newPage();
  await signInAs(guardian, "vh@demo.test");
  await guardian.goto(planAddress);
  await expect(guardian.getByRole("status").filter({ hasText: "Ansluten – du ser ändringarna direkt" })).toBeVisible();
  const guardianAboutMe = guardian.getByRole("textbox", { name: "Om mig, elevens text" });

  // Both see each other in the presence list, with names and roles from the server.
  await expect(page.getByRole("region", { name: "I dokumentet nu" })).toContainText("Sara (vårdnadshavare)");
  await expect(guardian.getByRole("region", { name: "I dokumentet nu" })).toContainText("Alva (elev)");

  await aboutMe.click();
  for (const word of ["Jag ", "tycker ", "om ", "NO."]) {
    await page.keyboard.type(word);
    await expect.poll(() => textOf(guardianAboutMe)).toContain(word.trim());
  }
  await expect.poll(() => textOf(guardianAboutMe)).toBe("Jag tycker om NO.");
  // The pupil's caret shows in the guardian's view with her name, role and the pupil colour.
  const caretLabel = guardian.locator(".collaboration-carets__label", { hasText: "Alva (elev)" });
  await expect(caretLabel).toBeVisible();
  await expect(caretLabel).toHaveCSS("background-color", "rgb(31, 95, 168)");

  // The guardian cannot type into the plan.
  await expect(guardianAboutMe).toHaveAttribute("contenteditable", "false");
  await guardianAboutMe.click();
  await guardian.keyboard.type("Hej");
  await expect.poll(() => textOf(guardianAboutMe)).toBe("Jag tycker om NO.");
  await expect(guardian.getByRole("toolbar")).toHaveCount(0);
  await expect.poll(() => textOf(aboutMe)).toBe("Jag tycker om NO.");
  await expectAccessible(guardian, "plan as a reader, the writer present");
  await expectAccessible(page, "plan as its writer, a reader present");

  // After a reload the text is still there: it was stored on the server.
  await page.reload();
  await expect.poll(() => textOf(page.getByRole("textbox", { name: "Om mig, elevens text" }))).toBe("Jag tycker om NO.");
  await guardianContext.close();
});

test("the plan follows the pupil's subjects, and headings and assessments are not editable", async ({ page }) => {
  await openOwnPlan(page);
  for (const heading of ["Om mig", "Svenska", "Matematik", "Moderna språk, spanska", "Idrott och hälsa", "Mina mål", "Det här gör jag", "Det här gör skolan", "Det här gör mina vårdnadshavare"]) {
    await expect(page.getByRole("heading", { level: 2, name: heading, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("heading", { level: 2, name: "Moderna språk, tyska" })).toHaveCount(0);
  // (Svenska: the assessment spec in the same worker assesses maths.)
  const swedish = page.getByRole("region", { name: "Svenska", exact: true });
  await expect(swedish.getByRole("group", { name: "Lärarens bedömning" })).toContainText("Ännu inte bedömd.");
  await expect(swedish.getByRole("group", { name: "Lärarens bedömning" })).toContainText("Erik Sandberg");
  const maths = page.getByRole("region", { name: "Matematik", exact: true });
  // The heading and the assessment are outside the editable text.
  const editable = maths.locator("[contenteditable=true]");
  await expect(editable).toHaveCount(1);
  await expect(editable).not.toContainText("Matematik");
});

test.describe("losing the connection", () => {
  test.use({ expectedPageErrors: [/WebSocket connection to .* failed/] });

  test("a pupil who loses the connection keeps writing, and nothing is lost on reconnect", async ({ page, browser, server }) => {
  await openOwnPlan(page);
  const planAddress = new URL(page.url()).pathname;
  const goals = page.getByRole("textbox", { name: "Mina mål, elevens text" });

  // The browser reports the network gone: the page says so at once.
  await page.context().setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: "Offline" })).toBeVisible();
  await page.context().setOffline(false);
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();

  // The connection really drops (the server goes away) while the pupil is writing.
  await server.stop();
  await expect(page.getByRole("status").filter({ hasText: /Återansluter|Offline/ })).toBeVisible();
  await goals.click();
  await page.keyboard.type("Bli bättre på ekvationer.");
  await expect(page.getByRole("status").filter({ hasText: "Offline – dina ändringar sparas" })).toBeVisible();
  await server.restart();
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible({ timeout: 15_000 });

  const mentorContext = await browser.newContext();
  const mentor = await mentorContext.newPage();
  await signInAs(mentor, "mentor@demo.test");
  await mentor.goto(planAddress);
  await expect.poll(() => textOf(mentor.getByRole("textbox", { name: "Mina mål, elevens text" }))).toBe("Bli bättre på ekvationer.");
  await mentorContext.close();
});
});
