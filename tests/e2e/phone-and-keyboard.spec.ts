import type { Locator, Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { dayFromNow } from "../support/school";
import { desktop, expect, expectAccessible, expectAccessibleAtBothWidths, phone, signedInPageOn, test } from "./fixtures";

// Phone first and the keyboard: the plan's section switcher, the folded agenda, skip links and
// their Tab budgets, live regions that speak once, focus after each action, and the lock from
// the sitting board bringing the signing step to the top. The talk day and the lock change the
// school for everyone: a server of its own, and the tests run in order.
let own: TestServer;
// Each journey runs axe at several states and widths (one to three seconds a check on two cores).
test.describe.configure({ mode: "serial", timeout: 90_000 });
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await own.stop();
  own.cleanup();
});

const connected = (page: Page) => expect(page.getByRole("status").filter({ hasText: /^Ansluten/ })).toBeVisible();

/**
 * Presses Tab from the top of the page, following the skip link named `skipLink` with Enter when
 * Tab reaches it, until `target` has focus. Returns how many times Tab was pressed (fails past 10).
 */
async function tabsTo(page: Page, target: Locator, skipLink: string): Promise<number> {
  await page.locator("body").focus();
  for (let tabs = 1; tabs <= 10; tabs++) {
    await page.keyboard.press("Tab");
    const focused = page.locator(":focus");
    if ((await focused.textContent()) === skipLink) await page.keyboard.press("Enter");
    if (await target.evaluate((element) => element === document.activeElement)) return tabs;
  }
  throw new Error(`no focus on the target after 10 Tab presses (skip link "${skipLink}")`);
}

let planUrl = "";
let talkUrl = "";

test("on a phone the plan's section switcher stays at the top, says which section is being read, and moves to the one chosen", async ({ browser }) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test", phone);
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await connected(alva);
  planUrl = alva.url();
  const contents = alva.getByRole("navigation", { name: "Innehåll" });
  const toggle = contents.getByRole("button", { name: "Avsnitt: Om mig" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  // Folded on a phone: the 22 sections do not stand between the pupil and her text.
  await expect(contents.getByRole("link", { name: "Matematik" })).toBeHidden();
  await expectAccessible(alva, "plan with the section switcher closed, phone");

  await toggle.click();
  await expect(contents.getByRole("button", { name: /^Avsnitt/ })).toHaveAttribute("aria-expanded", "true");
  await expect(contents.getByRole("listitem")).toHaveCount(22);
  await expect(contents.getByRole("link", { name: "Om mig" })).toHaveAttribute("aria-current", "location");
  await expectAccessible(alva, "plan with the section switcher open, phone");
  await contents.getByRole("link", { name: "Matematik" }).click();

  // Focus is in the chosen section, which is in view below the bar; the bar names it.
  const maths = alva.getByRole("region", { name: "Matematik" });
  await expect(maths).toBeFocused();
  await expect(maths.getByRole("heading", { name: "Matematik" })).toBeInViewport();
  await expect(contents.getByRole("button", { name: "Avsnitt: Matematik" })).toHaveAttribute("aria-expanded", "false");
  const bar = (await contents.boundingBox())!;
  const heading = (await maths.getByRole("heading", { name: "Matematik" }).boundingBox())!;
  expect(heading.y).toBeGreaterThanOrEqual(bar.y + bar.height);

  // Far down the plan the bar is still at the top, and follows the reading.
  await alva.getByRole("region", { name: "Det här gör mina vårdnadshavare" }).scrollIntoViewIfNeeded();
  await expect(contents.getByRole("button", { name: /^Avsnitt: / })).toBeInViewport();
  expect((await contents.boundingBox())!.y).toBeLessThan(2);
  await expect(contents.getByRole("button", { name: /^Avsnitt: (Det här gör|Mina mål)/ })).toBeVisible();

  // An empty section's hint wraps on a phone; its box grows to hold it rather than letting the
  // hint run over what follows (the hint is drawn by CSS, so its height is measured from a copy).
  const hints = await alva.locator(".section-text p.is-editor-empty:first-child").evaluateAll((paragraphs) =>
    paragraphs.map((p) => {
      const box = p.closest(".section-text")!;
      const style = getComputedStyle(p);
      const copy = document.createElement("div");
      Object.assign(copy.style, { position: "absolute", visibility: "hidden", width: `${p.clientWidth}px`, font: style.font, lineHeight: style.lineHeight });
      copy.textContent = p.getAttribute("data-placeholder");
      document.body.append(copy);
      const hint = copy.getBoundingClientRect().height;
      copy.remove();
      const room = box.getBoundingClientRect().bottom - p.getBoundingClientRect().top;
      return { hint, room };
    }),
  );
  expect(hints.length).toBeGreaterThan(0);
  expect(hints.some((h) => h.hint > 40), "a hint wraps on a phone").toBe(true);
  for (const { hint, room } of hints) expect(room).toBeGreaterThanOrEqual(hint);
  await alva.locator(".section-editor", { has: alva.locator("p.is-editor-empty") }).first().screenshot({ path: "screenshots/issue-20/empty-section-hint-phone.png" });

  // On a wide screen it is the list beside the plan, with the bar's button gone.
  await alva.setViewportSize(desktop);
  await expect(contents.getByRole("button")).toBeHidden();
  await expect(contents.getByRole("link", { name: "Matematik" })).toBeVisible();
  await expectAccessible(alva, "plan with the contents list");
});

test("from the top of the plan, at most 3 Tab presses reach the first editor (both widths)", async ({ browser }) => {
  for (const viewport of [desktop, phone]) {
    const alva = await signedInPageOn(own, browser, "elev@demo.test", viewport, planUrl);
    await connected(alva);
    const firstEditor = alva.getByRole("textbox", { name: "Om mig, elevens text" });
    expect(await tabsTo(alva, firstEditor, "Hoppa till planen")).toBeLessThanOrEqual(3);
    await alva.keyboard.type("Jag tycker om att rita.");
    await expect(firstEditor).toContainText("Jag tycker om att rita.");
    await alva.context().close();
  }
  // A reader has no editor: the skip link takes a guardian to the plan's first section.
  const sara = await signedInPageOn(own, browser, "vh@demo.test", phone, planUrl);
  await connected(sara);
  expect(await tabsTo(sara, sara.getByRole("region", { name: "Om mig" }), "Hoppa till planen")).toBeLessThanOrEqual(3);
});

test("the lock at the end of the plan stays where it is shown when the mentor jumps to it, also after the pupil wrote more in a section he had not looked at since", async ({ browser }) => {
  // Sections were laid out only near the screen (content-visibility): one that grew while out of
  // view kept its old height until the frame after the jump, then took its real one, and the lock
  // button moved from under a pointer already on its way (in one run, after an unlock had given
  // every section its toolbar back, a click meant for "Lås planen" landed on a guardian's checkbox).
  const alva = await signedInPageOn(own, browser, "elev@demo.test", desktop, planUrl);
  await connected(alva);
  const hers = alva.getByRole("textbox", { name: "Det här gör mina vårdnadshavare, elevens text" });
  for (const viewport of [desktop, phone]) {
    const mentor = await signedInPageOn(own, browser, "mentor@demo.test", viewport, planUrl);
    await connected(mentor);
    // Editors are made a few at a time, and a section still waiting for its editor grows when it
    // comes: this is about a page at rest.
    await expect(mentor.getByText("Laddar dokumentet …")).toHaveCount(0);
    const lock = mentor.getByRole("region", { name: "Låsa och signera" }).getByRole("button", { name: "Lås planen" });
    const jumpToLock = () =>
      lock.evaluate(async (button) => {
        const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        button.scrollIntoView({ block: "center", behavior: "instant" });
        const shown = button.getBoundingClientRect().top;
        await nextFrame();
        await nextFrame();
        return button.getBoundingClientRect().top - shown;
      });
    expect(await jumpToLock(), `the lock button moved at ${viewport.width}px`).toBe(0);

    // Back at the top; meanwhile Alva writes four more lines just above the lock.
    await mentor.evaluate(() => window.scrollTo({ top: 0, behavior: "instant" }));
    await hers.click();
    await alva.keyboard.press("End");
    for (const line of ["Fråga hur det går.", "Läsa med mig.", "Påminna om läxorna.", `Komma på samtalet (${viewport.width}).`]) {
      await alva.keyboard.press("Enter");
      await alva.keyboard.type(line);
    }
    await expect(mentor.getByRole("textbox", { name: "Det här gör mina vårdnadshavare, elevens text" })).toContainText(`Komma på samtalet (${viewport.width}).`);
    expect(await jumpToLock(), `the lock button moved at ${viewport.width}px after the section grew out of view`).toBe(0);
    await mentor.context().close();
  }
  await alva.context().close();
});

test("an empty section is as tall while its editor is on its way as once it is there: for the pupil, a guardian and a subject teacher, on a phone and a computer", async ({ browser }) => {
  // Before the scripts run, and while editors are made a few at a time, a section shows a frame
  // of its editor; when it was shorter, everything below moved as the editors came.
  const heightsOfSections = (page: Page, only?: string[]) =>
    page.locator("section.plan-section").evaluateAll((sections, ids) => {
      const heights: Record<string, number> = {};
      for (const section of sections) {
        const text = section.querySelector('[role="textbox"]');
        if (ids ? ids.includes(section.id) : text?.textContent === "") heights[section.id] = section.getBoundingClientRect().height;
      }
      return heights;
    }, only);
  for (const [email, viewport] of [["elev@demo.test", phone], ["elev@demo.test", desktop], ["vh@demo.test", phone], ["matte@demo.test", desktop]] as const) {
    const live = await signedInPageOn(own, browser, email, viewport, planUrl);
    await connected(live);
    await expect(live.getByText("Laddar dokumentet …")).toHaveCount(0);
    const withEditors = await heightsOfSections(live);
    expect(Object.keys(withEditors).length, `empty sections for ${email}`).toBeGreaterThan(5);
    // An empty section says so to a reader; a writer sees its prompt.
    expect(Object.keys(withEditors)).toContain("section-schoolActions");
    const hint = await live.locator('#section-schoolActions [role="textbox"] p').evaluate((paragraph) => getComputedStyle(paragraph, "::before").content);
    expect(hint).toBe(email === "elev@demo.test" ? '"Vilket stöd behöver du från skolan och dina lärare?"' : '"Inget skrivet ännu."');
    // The same plan as the server sends it, before any script has run.
    const served = await browser.newContext({ javaScriptEnabled: false, viewport, storageState: await live.context().storageState() });
    const before = await served.newPage();
    await before.goto(planUrl);
    await expect(before.getByText("Laddar dokumentet …").first()).toBeVisible();
    expect(await heightsOfSections(before, Object.keys(withEditors)), `${email} at ${viewport.width}px`).toEqual(withEditors);
    await served.close();
    await live.context().close();
  }
});

test("a guardian books on her phone and focus goes to the answer; the talk view folds the agenda to the current item", async ({ browser }) => {
  const mentor = await signedInPageOn(own, browser, "mentor@demo.test");
  await mentor.getByRole("link", { name: "Samtalsdagar" }).first().click();
  await mentor.getByLabel("Dag 1").fill(dayFromNow(7));
  await mentor.getByLabel("Dag 2").fill(dayFromNow(8));
  await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
  await mentor.getByLabel("8A – Jonas Ek").check();
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await expect(mentor.getByText(/inbjudningar har skapats/)).toBeVisible();

  const sara = await signedInPageOn(own, browser, "vh@demo.test", phone);
  const card = sara.getByRole("article", { name: "Samtal för Alva Lindqvist" });
  await card.getByRole("button", { name: "Bekräfta" }).click();
  const answer = card.getByRole("status").filter({ hasText: "Tack! Ditt svar är sparat." });
  await expect(answer).toBeFocused();

  const alva = await signedInPageOn(own, browser, "elev@demo.test", phone);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await connected(alva);
  talkUrl = alva.url();
  const agenda = alva.getByRole("region", { name: "Dagordning" });
  const all = agenda.getByRole("button", { name: "Hela dagordningen" });
  // Before the talk has moved on, the first item is shown; the other 21 wait behind the disclosure.
  await expect(agenda.getByRole("button", { name: "Om mig" })).toBeVisible();
  await expect(agenda.getByRole("button", { name: "Matematik", exact: true })).toBeHidden();
  await expect(agenda.getByText("Punkt 1 av 22")).toBeVisible();
  await expect(all).toHaveAttribute("aria-expanded", "false");
  // The plan is not pushed down below a 22-item list: its first section starts within the first screen.
  expect((await alva.getByRole("region", { name: "Om mig" }).boundingBox())!.y).toBeLessThan(phone.height);
  await expectAccessible(alva, "talk view with the agenda folded, phone");

  await all.click();
  await expect(all).toHaveAttribute("aria-expanded", "true");
  await expect(agenda.getByRole("listitem")).toHaveCount(22);
  for (const item of await agenda.getByRole("listitem").all()) await expect(item).toBeVisible();
  await expectAccessible(alva, "talk view with the whole agenda, phone");
  await agenda.getByRole("button", { name: "Matematik", exact: true }).click();
  await expect(agenda.locator('[aria-current="step"]')).toContainText("Matematik");
  // Choosing an item folds the agenda again: the chosen section, not the list, is what is in view.
  await expect(all).toHaveAttribute("aria-expanded", "false");
  await expect(agenda.getByRole("button", { name: "Matematik", exact: true })).toBeVisible();
  const mathsHeading = alva.getByRole("region", { name: "Matematik" }).getByRole("heading", { name: "Matematik" });
  await expect(mathsHeading).toBeInViewport();
  // Near the top, just below the talk bar (the scroll is smooth: it gets there).
  await expect.poll(async () => (await mathsHeading.boundingBox())!.y).toBeLessThan(phone.height / 3);
  await alva.screenshot({ path: "screenshots/issue-20/talk-agenda-chosen-phone.png" });
  await expect(agenda.getByRole("button", { name: "Om mig" })).toBeHidden();
  await expect(agenda.getByText("Punkt 3 av 22")).toBeVisible();

  // A guardian following on her phone sees the same item, folded, and no buttons of the pupil's.
  await sara.goto(talkUrl);
  await expect(sara.getByRole("region", { name: "Dagordning" }).locator('[aria-current="step"]')).toContainText("Matematik");
  await expect(sara.getByRole("region", { name: "Dagordning" }).getByRole("link", { name: "Om mig" })).toBeHidden();
  await expectAccessible(sara, "talk view as guardian, agenda folded, phone");

  // On a wide screen the whole agenda is there, without the disclosure.
  await alva.setViewportSize(desktop);
  await expect(all).toBeHidden();
  await expect(agenda.getByRole("button", { name: "Om mig" })).toBeVisible();
});

test("from the top of the talk view, at most 3 Tab presses reach the current section's 'Kalla på lärare'; calling moves focus to the call's state and the teacher hears it once", async ({ browser }) => {
  const teacher = await signedInPageOn(own, browser, "matte@demo.test");
  // Always in the teacher's page and empty, so that a call filling it is announced.
  const announcement = teacher.locator("[aria-live]").filter({ hasText: /kallar på dig/ });
  await expect(announcement).toHaveCount(0);

  for (const viewport of [desktop, phone]) {
    const alva = await signedInPageOn(own, browser, "elev@demo.test", viewport, talkUrl);
    await connected(alva);
    const current = alva.locator('.agenda-list [aria-current="step"]');
    await expect(current).toContainText("Matematik");
    const call = current.getByRole("button", { name: "Kalla på lärare" });
    expect(await tabsTo(alva, call, "Hoppa till dagordningen")).toBeLessThanOrEqual(3);
    if (viewport === phone) {
      await alva.keyboard.press("Enter");
      const state = current.getByRole("status").filter({ hasText: /Läraren är kallad .* – väntar på svar/ });
      await expect(state).toBeFocused();
      await expectAccessibleAtBothWidths(alva, "talk view after calling a teacher");
    }
    await alva.context().close();
  }
  await expect(announcement).toHaveText("Alva Lindqvist kallar på dig – Matematik", { timeout: 5000 });
  await expect(teacher.locator("[aria-live]").filter({ hasText: /kallar på dig/ })).toHaveCount(1);
});

test("the five-minute warning is announced once: its live region is set when the warning starts and not changed by the ticking clock", async ({ browser }) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  await alva.clock.install();
  await alva.goto(talkUrl);
  await connected(alva);
  await alva.getByRole("button", { name: /Starta (samtalet|om klockan)/ }).click();
  const clock = alva.locator(".talk-clock");
  const time = clock.locator(".talk-clock-time");
  const warning = clock.getByRole("status");
  // The live region is there, empty, before the warning.
  await expect(warning).toHaveText("");
  // The ticking time is in no live region.
  expect(await time.evaluate((element) => element.closest('[aria-live], [role="status"], [role="alert"], [role="log"], [role="timer"]') === null)).toBe(true);

  await alva.clock.fastForward("25:01");
  await expect(warning).toHaveText("Fem minuter kvar – dags att sammanfatta och komma överens om målen.");
  // Count every change to the live region while the clock ticks on for ten seconds.
  await warning.evaluate((element) => {
    const changes: string[] = [];
    new MutationObserver((records) => changes.push(...records.map((r) => r.type))).observe(element, { childList: true, subtree: true, characterData: true, attributes: true });
    (window as unknown as { warningChanges: string[] }).warningChanges = changes;
  });
  const before = await time.textContent();
  await alva.clock.runFor("00:10");
  await expect(time).not.toHaveText(before!);
  expect(await alva.evaluate(() => (window as unknown as { warningChanges: string[] }).warningChanges)).toEqual([]);
  await expect(warning).toHaveText("Fem minuter kvar – dags att sammanfatta och komma överens om målen.");
  await expectAccessible(alva, "talk view with the five-minute warning");
});

test("the mentor locks from the sitting board; the signing step comes to the top of each signer's view with one button", async ({ browser }) => {
  const mentor = await signedInPageOn(own, browser, "mentor@demo.test", desktop, talkUrl);
  await mentor.getByRole("link", { name: "Sittningstavla" }).click();
  const alvaCard = mentor.getByRole("listitem").filter({ has: mentor.getByRole("heading", { name: "Alva Lindqvist" }) });
  await expect(alvaCard.getByRole("button", { name: "Lås planen" })).toBeVisible();
  await expectAccessibleAtBothWidths(mentor, "sitting board with the lock");

  const alva = await signedInPageOn(own, browser, "elev@demo.test", phone, talkUrl);
  await connected(alva);
  await expect(alva.getByRole("region", { name: "Din signatur behövs" })).toHaveCount(0);

  await alvaCard.getByLabel("Johan Berg").uncheck();
  await alvaCard.getByRole("button", { name: "Lås planen" }).click();
  // Focus goes to where signing stands now, with the way to the signing form.
  await expect(alvaCard.locator(".board-signing")).toBeFocused();
  await expect(alvaCard.locator(".board-signing")).toContainText("0 av 3 har signerat");
  await expect(alvaCard.getByRole("button", { name: "Lås planen" })).toHaveCount(0);
  await expectAccessibleAtBothWidths(mentor, "sitting board after the lock");

  // Alva's open talk view turns: her signing step is at the top, above the clock and the agenda.
  const callout = alva.getByRole("region", { name: "Din signatur behövs" });
  await expect(callout).toBeVisible({ timeout: 5000 });
  const calloutBox = (await callout.boundingBox())!;
  expect(calloutBox.y).toBeLessThan((await alva.locator(".talk-bar").boundingBox())!.y);
  expect(calloutBox.y).toBeLessThan(phone.height);
  await expectAccessibleAtBothWidths(alva, "talk view locked, signing step at the top");
  await callout.getByRole("link", { name: "Till signeringen" }).click();
  const form = alva.locator(".sign-form").first();
  await expect(form).toBeFocused();
  await expect(form.getByRole("button", { name: "Signera" })).toBeInViewport();

  // A wrong password on the shared form: focus goes to the password to fix.
  const shared = alva.locator("details.shared-signing");
  await shared.locator("summary").click();
  await shared.getByLabel("Vem signerar?").selectOption({ label: "Jonas Ek (mentor)" });
  await shared.getByLabel("Lösenord för den som signerar").fill("fel");
  await shared.getByRole("button", { name: "Signera" }).click();
  await expect(shared.getByText("Lösenordet stämmer inte.")).toBeVisible();
  await expect(shared.getByLabel("Lösenord för den som signerar")).toBeFocused();

  await form.getByRole("button", { name: "Signera" }).click();
  const state = alva.getByRole("region", { name: "Signering" }).getByRole("status").first();
  await expect(state).toBeFocused();
  await expect(alva.getByRole("region", { name: "Signering" })).toContainText(/Alva Lindqvist \(elev\) – signerade/);
  await expect(callout).toHaveCount(0);
});

test("a guardian finds the signing step at the top of the plan page; the board links to signing; the plan page's own lock moves focus to the signing step", async ({ browser }) => {
  // Sara, on her phone, finds it at the top of the plan page too.
  const sara = await signedInPageOn(own, browser, "vh@demo.test", phone, planUrl);
  await connected(sara);
  const saraCallout = sara.getByRole("region", { name: "Din signatur behövs" });
  await expect(saraCallout).toBeInViewport();
  await expectAccessibleAtBothWidths(sara, "plan page locked, signing step at the top");
  await saraCallout.getByRole("link", { name: "Till signeringen" }).click();
  await expect(sara.locator(".sign-form").first()).toBeFocused();

  // On the board the mentor's card links to signing; after unlocking, the plan page's own lock
  // also moves focus to the signing step.
  const mentor = await signedInPageOn(own, browser, "mentor@demo.test", desktop, talkUrl);
  await mentor.getByRole("link", { name: "Sittningstavla" }).click();
  const alvaCard = mentor.getByRole("listitem").filter({ has: mentor.getByRole("heading", { name: "Alva Lindqvist" }) });
  await expect(alvaCard.getByRole("link", { name: "Till signeringen" })).toHaveAttribute("href", /#signing$/);
  await mentor.goto(planUrl);
  await connected(mentor);
  const unlock = mentor.locator("details.unlock");
  await unlock.locator("summary").click();
  await unlock.getByLabel("Varför behövs rättelsen?").fill("Fel i målen.");
  // The unlock changes the rights of the page's read-only connection (4409): it connects again
  // as a writer's, and the page's data reloads, in place.
  await unlock.getByRole("button", { name: "Lås upp" }).click();
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  await expect(lockCard).toBeVisible();
  await connected(mentor);
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  await expect(mentor.getByRole("heading", { name: "Signering" })).toBeFocused();
});
