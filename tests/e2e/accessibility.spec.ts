import type { Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { dayFromNow } from "../support/school";
import { desktop, expect, expectAccessibleAtBothWidths, signedInPageOn, test } from "./fixtures";

// Walks every page and state of the app as each persona and checks each with axe (WCAG 2.1 A and
// AA) at desktop and phone width. It plans a talk day and locks a plan, so it has its own server.
let own: TestServer;
// Each test checks a dozen or more states, each at two widths (about a second per check).
test.describe.configure({ mode: "serial", timeout: 120_000 });
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await own.stop();
  own.cleanup();
});

const connected = (page: Page) => expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();

test("signed out: sign-in (empty and with errors, in Swedish and Arabic), the accessibility statement, verify, a missing page", async ({ page }) => {
  await page.goto(`${own.url}/login`);
  await expectAccessibleAtBothWidths(page, "sign-in");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByLabel("E-post")).toHaveAccessibleDescription("Fyll i din e-postadress.");
  await expectAccessibleAtBothWidths(page, "sign-in with field errors");
  await page.getByLabel("E-post").fill("elev@demo.test");
  await page.getByLabel("Lösenord").fill("fel");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectAccessibleAtBothWidths(page, "sign-in with a wrong password");
  await page.locator(".language-menu summary").click();
  await expectAccessibleAtBothWidths(page, "sign-in with the language menu open");
  await page.goto(`${own.url}/accessibility`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tillgänglighet för Elevledd IUP");
  await expectAccessibleAtBothWidths(page, "accessibility statement");
  await page.goto(`${own.url}/verify`);
  await expectAccessibleAtBothWidths(page, "verify");
  await page.goto(`${own.url}/no-such-page`);
  await expectAccessibleAtBothWidths(page, "not found");
  for (const [language, code] of [["العربية", "ar"], ["ትግርኛ", "ti"]] as const) {
    await page.goto(`${own.url}/login`);
    await page.getByRole("region", { name: /Välj språk|اختر اللغة|ቋንቋ ምረጽ/ }).getByRole("button", { name: language }).click();
    // The page reloads in the chosen language once the choice is stored.
    await expect(page.locator(`html[lang="${code}"][data-hydrated]`)).toBeAttached();
    await expectAccessibleAtBothWidths(page, `sign-in in ${language}`);
  }
});

// Staff before the talks, one person a test (together they took most of one test's two minutes on
// two cores; on a busy machine, more).
test("staff before the talks: the mentor's home, group, talk-day planning and board", async ({ browser }) => {
  const mentor = await signedInPageOn(own, browser, "mentor@demo.test");
  await expectAccessibleAtBothWidths(mentor, "mentor home");
  await mentor.getByRole("region", { name: "Mina mentorsgrupper" }).getByRole("link", { name: /8A/ }).first().click();
  await expect(mentor.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessibleAtBothWidths(mentor, "mentor group");
  await mentor.getByRole("link", { name: "Samtalsdagar" }).first().click();
  await expectAccessibleAtBothWidths(mentor, "talk days, planning form");
  // No mentor group chosen: the server's answer marks the field.
  await mentor.getByLabel("Dag 1").fill(dayFromNow(7));
  await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await expect(mentor.getByText("Välj minst en mentorsgrupp.").first()).toBeVisible();
  await expectAccessibleAtBothWidths(mentor, "talk days, form with errors");
  await mentor.getByLabel(/Länk till skolans videotjänst/).fill("https://video.example.se/solbacken");
  await mentor.getByLabel("8A – Jonas Ek").check();
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await expect(mentor.getByRole("heading", { name: "Samtalsplanering" })).toBeVisible();
  await expectAccessibleAtBothWidths(mentor, "talk board, planning");
  await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await expect(mentor.getByText(/inbjudningar har skapats/)).toBeVisible();
  await expectAccessibleAtBothWidths(mentor, "talk board, invitations sent");
  await mentor.getByRole("link", { name: "Sittningstavla" }).first().click();
  await expect(mentor.getByRole("heading", { name: /^Sittning / })).toBeVisible();
  await expectAccessibleAtBothWidths(mentor, "sitting board");
});

test("staff before the talks: the teacher's home and assessment grid", async ({ browser }) => {
  const teacher = await signedInPageOn(own, browser, "matte@demo.test");
  await expectAccessibleAtBothWidths(teacher, "teacher home");
  await teacher.getByRole("link", { name: "Bedömningar", exact: true }).click();
  await expectAccessibleAtBothWidths(teacher, "assessments, choose a group");
  await teacher.getByRole("link", { name: /8A Matematik/ }).click();
  await teacher.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await teacher.getByRole("radiogroup", { name: "Betyg för Alva Lindqvist" }).getByRole("radio", { name: "C" }).click();
  await expect(teacher.locator("table.assessment-grid tbody tr").filter({ hasText: "Alva Lindqvist" }).locator(".save-state")).toHaveText(/^Sparat/);
  await expectAccessibleAtBothWidths(teacher, "assessment grid");
});

test("staff before the talks: the admin's home, set-up and the outbox with the mentor's invitations", async ({ browser }) => {
  const admin = await signedInPageOn(own, browser, "admin@demo.test");
  await expectAccessibleAtBothWidths(admin, "admin home");
  await admin.goto(`${own.url}/admin`);
  await expectAccessibleAtBothWidths(admin, "school set-up");
  await admin.goto(`${own.url}/admin/outbox`);
  await admin.getByText("Inbjudan till utvecklingssamtal för Alva Lindqvist").first().click();
  await expectAccessibleAtBothWidths(admin, "outbox with a message open");
});

// The families' pages, one person a test: the pupil writes, a teacher comments, the guardian reads.
let familyPlanUrl = "";

test("families: the pupil's home with the talk, her page, the plan as its writer", async ({ browser }) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  await expectAccessibleAtBothWidths(alva, "pupil home with the talk");
  await alva.getByRole("link", { name: "Mina ämnen och lärare" }).click();
  await expectAccessibleAtBothWidths(alva, "pupil page");
  await alva.goBack();
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await connected(alva);
  await alva.getByRole("textbox", { name: "Om mig, elevens text" }).click();
  await alva.keyboard.type("Jag tycker om NO.");
  await expectAccessibleAtBothWidths(alva, "plan as its writer");
  familyPlanUrl = alva.url();
});

test("families: the plan as a teacher, writing a comment and with the thread", async ({ browser }) => {
  const teacher = await signedInPageOn(own, browser, "matte@demo.test", desktop, familyPlanUrl);
  await connected(teacher);
  const maths = teacher.getByRole("region", { name: "Matematik", exact: true });
  await maths.getByRole("button", { name: "Kommentera", exact: true }).click();
  await expectAccessibleAtBothWidths(teacher, "plan as a teacher, writing a comment");
  await maths.getByLabel("Kommentar", { exact: true }).fill("Bra jobbat.");
  await maths.getByRole("button", { name: "Skicka" }).click();
  await expect(maths.getByRole("article")).toContainText("Bra jobbat.");
  await expectAccessibleAtBothWidths(teacher, "plan as a teacher with a thread");
});

test("families: the guardian's home with the booking card, her child's page, the plan as a reader with the thread", async ({ browser }) => {
  const sara = await signedInPageOn(own, browser, "vh@demo.test");
  const card = sara.getByRole("article", { name: "Samtal för Alva Lindqvist" });
  await expect(card).toBeVisible();
  await expectAccessibleAtBothWidths(sara, "guardian home with the booking card");
  await card.getByLabel("Vi behöver tolk").check();
  await card.getByLabel("Språk för tolken").fill("arabiska");
  await card.getByRole("button", { name: "Bekräfta" }).click();
  await expect(card.getByText("Tack! Ditt svar är sparat.")).toBeVisible();
  await expectAccessibleAtBothWidths(sara, "booking card answered");
  await sara.getByRole("region", { name: "Mina barn" }).getByRole("link", { name: /Alva Lindqvist/ }).click();
  await expectAccessibleAtBothWidths(sara, "pupil page as guardian");
  await sara.goto(familyPlanUrl);
  await expect(sara.getByRole("status").filter({ hasText: "Ansluten – du ser ändringarna direkt" })).toBeVisible();
  await expect(sara.getByRole("region", { name: "Matematik", exact: true }).getByRole("article")).toContainText("Bra jobbat.");
  await expectAccessibleAtBothWidths(sara, "plan as a reader with a thread");
});

test("the talk: the talk view before, during and after the clock, a call and its notice, the guardian following", async ({ browser }) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await connected(alva);
  await expectAccessibleAtBothWidths(alva, "talk view before the talk");
  await alva.clock.install();
  await alva.reload();
  await connected(alva);
  await alva.getByRole("button", { name: "Starta samtalet" }).click();
  await expect(alva.getByRole("button", { name: "Starta om klockan" })).toBeVisible();
  await alva.getByRole("listitem").filter({ hasText: "Matematik" }).getByRole("button", { name: "Kalla på lärare" }).click();
  await expect(alva.getByText(/Läraren är kallad/)).toBeVisible();
  await expectAccessibleAtBothWidths(alva, "talk view during the talk, a teacher called");
  const teacher = await signedInPageOn(own, browser, "matte@demo.test");
  await expect(teacher.getByRole("region", { name: "Elever som kallar på dig" })).toBeVisible();
  await expectAccessibleAtBothWidths(teacher, "a call notice on the teacher's page");
  await alva.clock.fastForward("25:01");
  await expect(alva.getByRole("status").filter({ hasText: "Fem minuter kvar" })).toBeVisible();
  await alva.clock.fastForward("05:00");
  await expect(alva.getByRole("status").filter({ hasText: "Tiden är slut." })).toBeVisible();
  await expectAccessibleAtBothWidths(alva, "talk view after the time is up");

  const sara = await signedInPageOn(own, browser, "vh@demo.test");
  await sara.getByRole("link", { name: "Öppna samtalet" }).click();
  await expect(sara.getByLabel("Följ Alva i planen")).toBeChecked();
  await expectAccessibleAtBothWidths(sara, "talk view as guardian");
});

let code = "";

test("the end: the lock form, the plan locked and signed, the log", async ({ browser }) => {
  const mentor = await signedInPageOn(own, browser, "mentor@demo.test");
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await connected(alva);
  const planUrl = alva.url();
  await mentor.goto(planUrl);
  await connected(mentor);
  await expectAccessibleAtBothWidths(mentor, "plan as mentor with the lock form");
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Planen är låst för signering" })).toBeVisible();
  await expectAccessibleAtBothWidths(alva, "plan locked, pupil about to sign");
  await mentor.locator("details.shared-signing summary").click();
  await expectAccessibleAtBothWidths(mentor, "plan locked, signing together on one device");
  const signing = alva.getByRole("region", { name: "Signering" });
  await signing.getByRole("button", { name: "Signera" }).click();
  await expect(signing).toContainText(/Alva Lindqvist \(elev\) – signerade/);
  const sara = await signedInPageOn(own, browser, "vh@demo.test", desktop, planUrl);
  await sara.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await mentor.reload();
  await mentor.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await expect(alva.getByText("Planen är signerad av alla.")).toBeVisible();
  await expectAccessibleAtBothWidths(alva, "plan signed");
  await mentor.locator("details.unlock summary").click();
  await expectAccessibleAtBothWidths(mentor, "plan signed, the unlock form open");
  code = (await signing.locator("strong").first().textContent())!;
  await alva.getByRole("link", { name: "Vem har öppnat planen?" }).click();
  await expect(alva.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessibleAtBothWidths(alva, "the plan's log");
});

test("verify: a signed plan's code, and an unknown one", async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${own.url}/verify`);
  await visitor.getByLabel("Verifieringskod", { exact: true }).fill(code);
  await visitor.getByRole("button", { name: "Kontrollera" }).first().click();
  await expect(visitor.getByRole("heading", { name: "Äkta och oförändrad" })).toBeVisible();
  await expectAccessibleAtBothWidths(visitor, "verify with a result");
  await visitor.getByLabel("Verifieringskod", { exact: true }).fill("XXXXX-XXXXX");
  await visitor.getByRole("button", { name: "Kontrollera" }).first().click();
  await expect(visitor.getByText("Det finns ingen plan med den verifieringskoden.")).toBeVisible();
  await expectAccessibleAtBothWidths(visitor, "verify with an unknown code");
});
