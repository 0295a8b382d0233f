import type { Browser } from "@playwright/test";
import { expect, expectAccessible, openOwnPlan, signInAs, test, textOf } from "./fixtures";

// Each journey also runs axe at each of its states (one to three seconds a check on two cores).
// The thread journey goes on from the assessment the first journey saved: in order.
test.describe.configure({ mode: "serial", timeout: 60_000 });

const gradeKeys = ["a", "b", "c", "d", "e", "f", "-"];

/** Alva's plan in a browser of her own, with a marker on its window that proves it is never reloaded. */
async function openAlvasPlanKeptOpen(browser: Browser) {
  const alvaContext = await browser.newContext();
  const alva = await alvaContext.newPage();
  await openOwnPlan(alva);
  await alva.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const notReloaded = () => alva.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
  return { alvaContext, alva, planAddress: new URL(alva.url()).pathname, notReloaded };
}

test("the maths teacher assesses 8A from the keyboard, and Alva's open plan shows it live", async ({ page, browser }) => {
  // Alva has her plan open the whole time.
  const { alvaContext, alva, notReloaded } = await openAlvasPlanKeptOpen(browser);
  const alvaMaths = alva.getByRole("region", { name: "Matematik", exact: true });
  await expect(alvaMaths.getByRole("group", { name: "Lärarens bedömning" })).toContainText("Ännu inte bedömd.");

  // The teacher reaches the grid from her home, through "Bedömningar".
  await signInAs(page, "matte@demo.test");
  await page.getByRole("link", { name: "Bedömningar", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bedömningar");
  await page.getByRole("link", { name: /8A Matematik/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Matematik, 8A Matematik");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  const rows = page.locator("table.assessment-grid tbody tr");
  const names = await rows.locator("th").allTextContents();
  expect(names.length).toBeGreaterThan(20);
  expect(names).toContain("Alva Lindqvist");

  // Keyboard only from here: one key per grade, Enter to the next pupil; for Alva also an omdöme.
  await page.getByRole("radiogroup", { name: `Betyg för ${names[0]}` }).getByRole("radio").first().focus();
  const expected = new Map<string, string>();
  for (const [index, name] of names.entries()) {
    const key = name === "Alva Lindqvist" ? "c" : gradeKeys[index % gradeKeys.length]!;
    expected.set(name, key === "-" ? "Underlag saknas (–)" : key.toUpperCase());
    await page.keyboard.press(key);
    if (name === "Alva Lindqvist") {
      await page.keyboard.press("Tab");
      await page.keyboard.type("Du löser ekvationer säkert. Träna på att förklara hur du tänker.");
    }
    await page.keyboard.press("Enter");
  }
  await expect(page.getByText(`${names.length} av ${names.length} elever har en bedömning.`)).toBeVisible();
  await expectAccessible(page, "assessment grid, every pupil assessed");
  for (const name of [names[0]!, names[6]!, "Alva Lindqvist", names.at(-1)!]) {
    await expect(page.getByRole("radiogroup", { name: `Betyg för ${name}` }).getByRole("radio", { checked: true })).toHaveAccessibleName(
      expected.get(name)!,
    );
  }
  const alvaRow = rows.filter({ has: page.getByRole("rowheader", { name: "Alva Lindqvist" }) });
  await expect(alvaRow.locator(".save-state")).toHaveText(/^Sparat \d\d:\d\d$/);
  await expect(rows.last().locator(".save-state")).toHaveText(/^Sparat \d\d:\d\d$/);

  // A reload of the grid shows what was saved.
  await page.reload();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByRole("radiogroup", { name: "Betyg för Alva Lindqvist" }).getByRole("radio", { checked: true })).toHaveAccessibleName("C");
  await expect(page.getByRole("textbox", { name: "Skriftligt omdöme för Alva Lindqvist" })).toHaveValue(
    "Du löser ekvationer säkert. Träna på att förklara hur du tänker.",
  );

  // Alva's open plan shows the assessment without a reload.
  const alvaAssessment = alvaMaths.getByRole("group", { name: "Lärarens bedömning" });
  await expect(alvaAssessment).toContainText("Betyg: C");
  await expect(alvaAssessment).toContainText("Du löser ekvationer säkert.");
  await expect(alvaAssessment).toContainText("Karin Holm");
  expect(await notReloaded()).toBe(true);
  await alvaContext.close();
});

// (One journey with the assessment was most of its minute on two cores: the thread is its own.)
test("the teacher and Alva talk about the assessment in a thread, live; a staff note stays with staff; the guardian reads it on her phone; resolved, it folds away for everyone", async ({
  page,
  browser,
}) => {
  // Alva has her plan open the whole time.
  const { alvaContext, alva, planAddress, notReloaded } = await openAlvasPlanKeptOpen(browser);
  const alvaMaths = alva.getByRole("region", { name: "Matematik", exact: true });

  // The teacher comments on her assessment in Alva's plan.
  await signInAs(page, "matte@demo.test", planAddress);
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const teacherMaths = page.getByRole("region", { name: "Matematik", exact: true });
  await teacherMaths.getByRole("button", { name: "Kommentera", exact: true }).click();
  await teacherMaths.getByLabel("Kommentar", { exact: true }).fill("C för att du löser uppgifterna. För B: visa fler steg.");
  await teacherMaths.getByRole("button", { name: "Skicka" }).click();
  await expect(teacherMaths.getByRole("article")).toContainText("C för att du löser uppgifterna.");

  // Alva sees it live, with the open count beside the subject, and replies.
  const thread = alvaMaths.getByRole("article", { name: /Om bedömningen/ });
  await expect(thread).toContainText("Karin Holm (ämneslärare)");
  await expect(thread).toContainText("C för att du löser uppgifterna.");
  await expect(alva.getByRole("navigation", { name: "Innehåll" })).toContainText("1 öppen tråd");
  await thread.getByLabel("Svar till tråden").fill("Tack! Jag ska visa mina uträkningar.");
  await thread.getByRole("button", { name: "Svara" }).click();
  await expect(thread).toContainText("Alva Lindqvist (elev)");
  await expect(teacherMaths.getByRole("article")).toContainText("Tack! Jag ska visa mina uträkningar.");

  // A staff-only note from the teacher never reaches Alva.
  await teacherMaths.getByRole("button", { name: "Kommentera", exact: true }).click();
  await teacherMaths.getByLabel("Kommentar", { exact: true }).fill("Personalnotering: ta upp provresultatet enskilt.");
  await teacherMaths.getByLabel(/Bara för personal/).check();
  await teacherMaths.getByRole("button", { name: "Skicka" }).click();
  await expect(teacherMaths.getByRole("article").filter({ hasText: "Personalnotering" })).toContainText("Bara personal");
  await expectAccessible(page, "plan as a teacher with threads and a staff-only note");

  // The guardian reads the thread on a phone, cannot write in it, and never sees the staff note.
  const guardianContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const guardian = await guardianContext.newPage();
  await signInAs(guardian, "vh@demo.test", planAddress);
  const guardianMaths = guardian.getByRole("region", { name: "Matematik", exact: true });
  const guardianThread = guardianMaths.getByRole("article", { name: /Om bedömningen/ });
  await expect(guardianThread).toContainText("C för att du löser uppgifterna.");
  await expectAccessible(guardian, "plan with threads, the guardian's phone");
  await expect(guardianThread).toContainText("Tack! Jag ska visa mina uträkningar.");
  await expect(guardianMaths.getByRole("group", { name: "Lärarens bedömning" })).toContainText("Betyg: C");
  await expect(guardianThread.getByRole("button", { name: "Svara" })).toHaveCount(0);
  await expect(guardianMaths.getByRole("button", { name: "Kommentera", exact: true })).toHaveCount(0);
  await expect(guardian.locator("body")).not.toContainText("Personalnotering");
  await expect(alva.locator("body")).not.toContainText("Personalnotering");

  // Alva resolves the thread; it folds away for everyone.
  await thread.getByRole("button", { name: "Markera som löst" }).click();
  await expect(alvaMaths.getByText("Visa 1 löst tråd")).toBeVisible();
  await expect(guardianMaths.getByText("Visa 1 löst tråd")).toBeVisible();

  expect(await notReloaded()).toBe(true);
  await guardianContext.close();
  await alvaContext.close();
});

test("a comment on a passage stays on its words while the pupil writes around them, and is shown as detached when they are deleted", async ({
  page,
  browser,
}) => {
  await openOwnPlan(page);
  const planAddress = new URL(page.url()).pathname;
  const reflection = page.getByRole("textbox", { name: "Matematik: Min reflektion, elevens text" });
  await reflection.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("Jag vill bli bättre på bråk.");

  const teacherContext = await browser.newContext();
  const teacher = await teacherContext.newPage();
  await signInAs(teacher, "matte@demo.test", planAddress);
  await expect(teacher.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const teacherText = teacher.getByRole("textbox", { name: "Matematik: Min reflektion, elevens text" });
  await expect.poll(() => textOf(teacherText)).toBe("Jag vill bli bättre på bråk.");
  // Select "bättre på bråk" in the read-only text, as with the mouse.
  await teacherText.evaluate((element) => {
    const text = element.querySelector("p")!.firstChild!;
    const range = document.createRange();
    range.setStart(text, "Jag vill bli ".length);
    range.setEnd(text, "Jag vill bli bättre på bråk".length);
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
  });
  const teacherMaths = teacher.getByRole("region", { name: "Matematik", exact: true });
  await teacherMaths.getByRole("button", { name: "Kommentera markerad text" }).click();
  await expect(teacherMaths.getByText("Ny kommentar om texten:")).toContainText("bättre på bråk");
  await teacherMaths.getByLabel("Kommentar", { exact: true }).fill("Vilka delar av bråk känns svårast?");
  await teacherMaths.getByRole("button", { name: "Skicka" }).click();

  // The pupil sees the passage highlighted, and it stays on the same words while she writes.
  const highlight = page.locator(".comment-anchor");
  await expect(highlight).toHaveText("bättre på bråk");
  await page.keyboard.press("ControlOrMeta+Home");
  await page.keyboard.type("Ärligt talat: ");
  await expect.poll(() => textOf(reflection)).toBe("Ärligt talat: Jag vill bli bättre på bråk.");
  await expect(highlight).toHaveText("bättre på bråk");
  await expect(teacher.locator(".comment-anchor")).toHaveText("bättre på bråk");

  // Deleting the words leaves the thread visible, marked as detached.
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("Jag tycker om geometri.");
  const teacherThread = teacherMaths.getByRole("article", { name: /Om texten/ });
  await expect(teacherThread).toContainText("Vilka delar av bråk känns svårast?");
  await expect(teacherThread).toContainText("Texten som kommentaren gällde har tagits bort.");
  await expect(teacher.locator(".comment-anchor")).toHaveCount(0);
  await teacherContext.close();
});

test("a teacher comments on a paragraph with the keyboard alone", async ({ page, browser }) => {
  await openOwnPlan(page);
  const planAddress = new URL(page.url()).pathname;
  const reflection = page.getByRole("textbox", { name: "Matematik: Min reflektion, elevens text" });
  await reflection.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("Jag räknar snabbt.");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Jag vill förstå procent bättre.");

  const teacherContext = await browser.newContext();
  const teacher = await teacherContext.newPage();
  await signInAs(teacher, "matte@demo.test", planAddress);
  await expect(teacher.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const picker = teacher.getByRole("combobox", { name: /Välj ett stycke att kommentera i Matematik/ });
  await expect(picker.locator("option")).toHaveText(["Välj stycke …", "Jag räknar snabbt.", "Jag vill förstå procent bättre."]);
  await picker.focus();
  await teacher.keyboard.press("ArrowDown");
  await teacher.keyboard.press("ArrowDown");
  await teacher.keyboard.press("Tab");
  await expect(teacher.getByRole("button", { name: "Kommentera stycket" }).first()).toBeFocused();
  await teacher.keyboard.press("Enter");
  // The form opens with the text field focused.
  await teacher.keyboard.type("Vi övar procent på onsdag.");
  await teacher.keyboard.press("Tab");
  await teacher.keyboard.press("Tab");
  await teacher.keyboard.press("Enter");
  const maths = teacher.getByRole("region", { name: "Matematik", exact: true });
  await expect(maths.getByRole("article", { name: /Om texten/ }).filter({ hasText: "Vi övar procent på onsdag." })).toContainText("Jag vill förstå procent bättre.");
  await expect(page.locator(".comment-anchor")).toHaveText("Jag vill förstå procent bättre.");
  await teacherContext.close();
});
