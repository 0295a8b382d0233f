import type { Locator, WebSocketRoute } from "@playwright/test";
import { connectToPlan, sectionText } from "../support/collab-client";
import { collabMessage, openRawSocket } from "../support/collab-raw";
import { firstPlanId, signIn } from "../support/http";
import { expect, expectAccessible, openOwnPlan, signInAs, test, textOf } from "./fixtures";

// Each journey also runs axe at its states (one to three seconds a check on two cores).
test.describe.configure({ timeout: 60_000 });

test("the pupil writes and the guardian sees each word appear, read-only, both present", async ({ page, browser }) => {
  await openOwnPlan(page);
  const planAddress = new URL(page.url()).pathname;
  const aboutMe = page.getByRole("textbox", { name: "Om mig, elevens text" });

  const guardianContext = await browser.newContext();
  const guardian = await guardianContext.newPage();
  await signInAs(guardian, "vh@demo.test", planAddress);
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

test("a reader's malformed carets break nobody's editor: the pupil keeps seeing the mentor's edits and typing, and the mentor's line stays", async ({ page, browser, server }) => {
  // The pupil's socket goes through the test, which can also hand her page what a careless or
  // hostile server might relay: the browser must hold even if the server did not filter.
  const relays: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/collab\//, (socket) => {
    socket.connectToServer();
    relays.push(socket);
  });
  await openOwnPlan(page);
  const planAddress = new URL(page.url()).pathname;
  const label = "Det här gör skolan, elevens text";
  const pupilText = page.getByRole("textbox", { name: label });

  const mentorContext = await browser.newContext();
  const mentor = await mentorContext.newPage();
  await signInAs(mentor, "mentor@demo.test", planAddress);
  await expect(mentor.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const mentorText = mentor.getByRole("textbox", { name: label });
  await mentorText.click();
  await mentor.keyboard.type("Jonas rad: extra stöd i bråk.");
  await expect.poll(() => textOf(pupilText)).toBe("Jonas rad: extra stöd i bråk.");
  // Both carets are in the section: the pupil's editor draws the mentor's.
  await pupilText.click();
  await expect(page.locator(".collaboration-carets__label", { hasText: "Jonas (mentor)" })).toBeVisible();

  const bad = [
    { user: { name: "Sara", role: "guardian", color: "#7a3b8f" }, cursor: { anchor: null, head: null } },
    { user: { name: "Sara", role: "guardian", color: "#7a3b8f" }, cursor: {} },
    { user: { name: "Sara", role: "guardian", color: "#7a3b8f" }, cursor: "garbage" },
    { user: "garbage", cursor: { anchor: { tname: null, type: null }, head: 1 } },
    "garbage",
  ];
  // The guardian (read-only) sends them to the server, from a socket of her own.
  const planId = await firstPlanId(server.url, await signIn(server.url, "elev@demo.test"));
  const guardianCookie = await signIn(server.url, "vh@demo.test");
  for (const [i, state] of bad.entries()) {
    const guardian = openRawSocket(server.url, planId, guardianCookie);
    expect(await guardian.outcome).toEqual({ open: true });
    guardian.send(collabMessage.awareness([{ clientId: 900_000 + i, clock: 1, state }]));
    expect(await guardian.closed).toBe(4400);
  }
  // And the pupil's page is handed the same states as if a server had relayed them.
  const relay = relays.at(-1)!;
  for (const [i, state] of bad.entries()) relay.send(Buffer.from(collabMessage.awareness([{ clientId: 910_000 + i, clock: 1, state }])));

  // The mentor writes on; the pupil's editor draws it; the pupil writes on.
  await mentorText.press("End");
  await mentor.keyboard.press("Enter");
  await mentor.keyboard.type("Andra raden.");
  await expect.poll(() => textOf(pupilText)).toContain("Andra raden.");
  // Wait until the mentor's caret, which follows his text in a message of its own, is drawn after
  // his last word: ProseMirror redraws a moved caret from the selection it last read, so one drawn
  // between her Control+End and the browser's selectionchange event puts her caret back on line 1.
  await expect.poll(() => textBeforeCaret(pupilText)).toBe("Jonas rad: extra stöd i bråk.Andra raden.");
  await pupilText.press("Control+End");
  // And until her editor has read the caret she moved (the mentor sees it at the end), so that her
  // Enter does not come before the browser's selectionchange event on a busy machine.
  await expect.poll(() => textBeforeCaret(mentorText)).toBe("Jonas rad: extra stöd i bråk.Andra raden.");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Alva skriver vidare.");
  await expect.poll(() => textOf(mentorText)).toContain("Alva skriver vidare.");
  for (const editor of [pupilText, mentorText]) {
    await expect.poll(() => textOf(editor)).toBe("Jonas rad: extra stöd i bråk.Andra raden.Alva skriver vidare.");
  }
  // The bad "Sara" is still shown as present (her user was well-formed), without a caret.
  await expect(page.locator(".collaboration-carets__label", { hasText: "Jonas (mentor)" })).toBeVisible();
  await expect(page.locator(".collaboration-carets__label", { hasText: "Sara" })).toHaveCount(0);
  await expectAccessible(page, "plan with a collaborator's caret after malformed carets");

  // What the server stored, as a client that connects now receives it.
  const reader = connectToPlan(server.url, planId, guardianCookie);
  await reader.synced();
  expect(sectionText(reader.doc, "schoolActions")).toBe("Jonas rad: extra stöd i bråk.\nAndra raden.\nAlva skriver vidare.");
  reader.destroy();

  // A reload shows the editor, with everything in it.
  await page.reload();
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await expect.poll(() => textOf(page.getByRole("textbox", { name: label }))).toBe("Jonas rad: extra stöd i bråk.Andra raden.Alva skriver vidare.");
  await mentorContext.close();
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
  await expect(page.getByRole("status").filter({ hasText: "Sparat bara på den här enheten" })).toBeVisible();
  await server.restart();
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible({ timeout: 15_000 });

  const mentorContext = await browser.newContext();
  const mentor = await mentorContext.newPage();
  await signInAs(mentor, "mentor@demo.test", planAddress);
  await expect.poll(() => textOf(mentor.getByRole("textbox", { name: "Mina mål, elevens text" }))).toBe("Bli bättre på ekvationer.");
  await mentorContext.close();
});
});

/** The text before the one collaborator's caret an editor draws (null while none is drawn). */
function textBeforeCaret(editor: Locator): Promise<string | null> {
  return editor.evaluate((element) => {
    const caret = element.querySelector(".collaboration-carets__caret");
    if (!caret) return null;
    const beforeCaret = document.createRange();
    beforeCaret.setStart(element, 0);
    beforeCaret.setEndBefore(caret);
    return beforeCaret.toString();
  });
}
