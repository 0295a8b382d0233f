import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import Database from "better-sqlite3";
import { stockholmLocalToInstant } from "../../db/school-calendar";
import { dayFromNow } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";
import { expect, expectAccessible, test, signedInPageOn } from "./fixtures";

// The talk day changes the school's calendar for everyone, so it gets a server of its own; the
// tests run in order (the first plans the day the others use).
let own: TestServer;
// Each journey also runs axe at each of its states (one to three seconds a check on two cores).
test.describe.configure({ mode: "serial", timeout: 60_000 });
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await own.stop();
  own.cleanup();
});

const tablet = { width: 1024, height: 768 };
const phone = { width: 390, height: 844 };

const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, at?: string) => signedInPageOn(own, browser, email, viewport, at);

test("the mentor plans two afternoons, a guardian moves to another sitting and confirms, the invitation and the change with their .ics land in the outbox", async ({ browser }) => {
  const mentor = await signedInPage(browser, "mentor@demo.test");
  await mentor.getByRole("link", { name: "Samtalsdagar" }).first().click();
  await mentor.getByLabel("Dag 1").fill(dayFromNow(7));
  await mentor.getByLabel("Dag 2").fill(dayFromNow(8));
  await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
  await mentor.getByLabel(/Länk till skolans videotjänst/).fill("https://video.example.se/solbacken");
  await mentor.getByLabel("8A – Jonas Ek").check();
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();

  // Placed at once: Jonas's twelve pupils over six sittings, two in each.
  await expect(mentor.getByRole("heading", { name: "Samtalsplanering" })).toBeVisible();
  await expect(mentor.getByText("12 av 12 elever har en sittning, 0 enskilda samtal, 0 utan tid.")).toBeVisible();
  const counts = mentor.getByRole("table");
  await expect(counts.getByRole("row")).toHaveCount(7);
  await expect(counts.getByRole("cell", { name: "2 av 24" })).toHaveCount(6);
  await expectAccessible(mentor, "talk board");
  const otherPupils = (await mentor.locator(".pupil-move-name").allInnerTexts()).map((t) => t.split("\n")[0]!.replace(/ 8A.*$/, "").trim()).filter((n) => n !== "Alva Lindqvist");
  expect(otherPupils).toHaveLength(11);

  await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await expect(mentor.getByText(/inbjudningar har skapats/)).toBeVisible();

  // Sara, on her phone, sees Alva's time and nothing of any other family.
  const sara = await signedInPage(browser, "vh@demo.test", phone);
  const card = sara.getByRole("article", { name: "Samtal för Alva Lindqvist" });
  await expect(card).toBeVisible();
  await expectAccessible(sara, "guardian home with the booking card, phone");
  const home = await sara.content();
  for (const name of otherPupils) expect(home).not.toContain(name);

  // She asks for another sitting with room, joins remotely and needs an interpreter.
  const timeSelect = card.getByLabel("Tid");
  const options = await timeSelect.locator("option").allInnerTexts();
  expect(options.length).toBeGreaterThan(1);
  const chosen = options.at(-1)!;
  await timeSelect.selectOption({ label: chosen });
  await card.getByLabel("på distans").check();
  await card.getByLabel("Vi behöver tolk").check();
  await card.getByLabel("Språk för tolken").fill("arabiska");
  await card.getByRole("button", { name: "Bekräfta" }).click();
  await expect(card.getByText("Tack! Ditt svar är sparat.")).toBeVisible();
  await expect(card.getByText("Bekräftad – du deltar på distans")).toBeVisible();
  await expect(card.locator(".lead")).toContainText(chosen);
  await expectAccessible(sara, "booking card answered, phone");

  // The mentor's board shows the new place and the answer.
  await mentor.reload();
  const alvaRow = mentor.getByRole("listitem").filter({ hasText: "Alva Lindqvist" });
  await expect(alvaRow).toContainText("1 av 2 vårdnadshavare har bekräftat");
  await expect(alvaRow).toContainText("tolk: arabiska");
  await expect(alvaRow.getByRole("combobox")).toHaveValue(/.+/);
  expect(await alvaRow.getByRole("combobox").locator("option:checked").innerText()).toContain(chosen);

  // Without SMTP the admin reads every message in the outbox, each with its calendar file.
  const admin = await signedInPage(browser, "admin@demo.test", undefined, `${own.url}/admin/outbox`);
  await expect(admin.getByText("Ingen e-postserver är inställd")).toBeVisible();
  // The protected family in Jonas's group got its invitation, but the admin sees only that it exists.
  await expect(admin.getByRole("listitem").filter({ hasText: "Meddelande till en familj med skyddade personuppgifter" }).first()).toBeVisible();
  expect(await admin.content()).not.toContain("Karlsson");
  const change = admin.getByRole("listitem").filter({ hasText: "Ny tid för utvecklingssamtal för Alva Lindqvist" }).filter({ hasText: "till vh@demo.test" });
  await expect(change).toHaveCount(1);
  await change.getByText("Ny tid för utvecklingssamtal för Alva Lindqvist").click();
  await expect(change).toContainText("Videolänk om du deltar på distans: https://video.example.se/solbacken");
  await expect(change).toContainText("Prova videotjänsten innan samtalet.");
  await expectAccessible(admin, "outbox with a message open");
  const invitation = admin.getByRole("listitem").filter({ hasText: "Inbjudan till utvecklingssamtal för Alva Lindqvist" }).filter({ hasText: "till vh@demo.test" });
  await expect(invitation).toHaveCount(1);
  // Downloaded as the admin would: the link on our own page (a download another site starts is refused).
  const downloading = admin.waitForEvent("download");
  await change.getByRole("link", { name: "Kalenderfil (invite.ics)" }).click();
  const calendar = await readFile((await (await downloading).path())!, "utf8");
  expect(calendar).toContain("BEGIN:VEVENT");
  expect(calendar).toContain("SUMMARY:Utvecklingssamtal – Alva");
  expect(calendar).toContain("LOCATION:Matsalen");
  // The chosen sitting's start (as stored, Stockholm wall-clock time) as an instant in UTC.
  const db = new Database(own.databasePath, { readonly: true, fileMustExist: true });
  const { startsAt } = db
    .prepare("select t.starts_at as startsAt from talks t join people p on p.id = t.pupil_id where p.email = 'elev@demo.test'")
    .get() as { startsAt: string };
  db.close();
  expect(chosen).toContain(startsAt.slice(11));
  const utc = stockholmLocalToInstant(startsAt).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  expect(calendar).toContain(`DTSTART:${utc}`);
});

test("Alva calls the maths teacher: the teacher is told wherever she is, answers \"Jag kommer\", and Alva and the mentor see it", async ({ browser }) => {
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("heading", { name: "Utvecklingssamtal – Alva Lindqvist" })).toBeVisible();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const talkUrl = alva.url();

  const teacher = await signedInPage(browser, "matte@demo.test");
  await teacher.getByRole("link", { name: "Bedömningar" }).first().click();
  await expect(teacher.getByRole("heading", { level: 1 })).toBeVisible();

  const mentor = await signedInPage(browser, "mentor@demo.test", undefined, talkUrl);
  await mentor.getByRole("link", { name: "Sittningstavla" }).click();
  const mentorCard = mentor.getByRole("listitem").filter({ has: mentor.getByRole("heading", { name: "Alva Lindqvist" }) });
  await expect(mentorCard).toBeVisible();
  await expect(mentorCard).toContainText("Eleven har planen öppen");
  await expectAccessible(mentor, "sitting board");

  const maths = alva.getByRole("listitem").filter({ hasText: "Matematik" });
  await maths.getByRole("button", { name: "Kalla på lärare" }).click();
  await expect(maths.getByText(/Läraren är kallad .* – väntar på svar/)).toBeVisible();

  // The teacher's page tells her at once, with where the talk is.
  const notices = teacher.getByRole("region", { name: "Elever som kallar på dig" });
  await expect(notices).toContainText("Alva Lindqvist kallar på dig – Matematik", { timeout: 5000 });
  await expect(notices).toContainText("Matsalen");
  await expectAccessible(teacher, "a call on the teacher's page");
  await expectAccessible(alva, "talk view, a teacher called");
  await expect(mentor.getByRole("region", { name: "Kallade lärare som inte svarat" })).toContainText("Alva Lindqvist kallar på läraren i Matematik", { timeout: 5000 });

  await notices.getByRole("button", { name: "Jag kommer" }).click();
  await expect(notices).toContainText("Du har svarat att du kommer.");
  await expect(maths.getByText(/Karin Holm är på väg/)).toBeVisible({ timeout: 5000 });
  await expect(mentorCard).toContainText("Karin Holm är på väg", { timeout: 5000 });
  await expect(mentor.getByRole("region", { name: "Kallade lärare som inte svarat" })).toContainText("Inga väntande kallelser.");
});

test("the talk's clock warns when five minutes are left, and Sara's view follows Alva through the agenda", async ({ browser }) => {
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  // The browser's clock is the test's to move.
  await alva.clock.install();
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await alva.getByRole("button", { name: "Starta samtalet" }).click();
  await expect(alva.getByRole("button", { name: "Starta om klockan" })).toBeVisible();
  const clock = alva.locator(".talk-clock");
  await expect(clock).toContainText("av 30 minuter");
  await expect(alva.getByRole("status").filter({ hasText: "Fem minuter kvar" })).toHaveCount(0);

  await alva.clock.fastForward("20:00");
  await expect(clock).toContainText(/^(9|10):\d\d/);
  await expect(alva.getByRole("status").filter({ hasText: "Fem minuter kvar" })).toHaveCount(0);
  // Moving through the agenda reloads the page's data; the running clock stays where it was.
  await alva.getByRole("button", { name: "Matematik", exact: true }).click();
  await expect(alva.locator('.agenda-list [aria-current="step"]')).toContainText("Matematik");
  await expect(clock).toContainText(/^(9|10):\d\d/);
  await alva.clock.fastForward("05:01");
  await expect(alva.getByRole("status").filter({ hasText: "Fem minuter kvar" })).toBeVisible();
  await alva.clock.fastForward("05:00");
  await expect(alva.getByRole("status").filter({ hasText: "Tiden är slut." })).toBeVisible();
  await expectAccessible(alva, "talk view after the time is up");

  const sara = await signedInPage(browser, "vh@demo.test", phone);
  await sara.getByRole("link", { name: "Öppna samtalet" }).click();
  await expect(sara.getByLabel("Följ Alva i planen")).toBeChecked();
  await expectAccessible(sara, "talk view as guardian, phone");
  await alva.getByRole("button", { name: "Engelska", exact: true }).click();
  const current = sara.locator('.agenda-list [aria-current="step"]');
  await expect(current).toContainText("Engelska", { timeout: 5000 });
  await expect(sara.locator("#section-" + (await currentFragment(alva)))).toBeInViewport({ timeout: 5000 });
  // Guardians cannot lead the talk or call anyone.
  await expect(sara.getByRole("button", { name: "Kalla på lärare" })).toHaveCount(0);
  await expect(sara.getByRole("button", { name: "Starta om klockan" })).toHaveCount(0);
});

async function currentFragment(page: Page): Promise<string> {
  const item = page.locator('.agenda-list [aria-current="step"] input[name="fragment"]');
  await expect(item).toHaveCount(1);
  return (await item.inputValue()) ?? "";
}

test("at the end of the talk the mentor locks the plan from the talk view and Alva signs there", async ({ browser }) => {
  const alva = await signedInPage(browser, "elev@demo.test", tablet);
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const talkPath = new URL(alva.url()).pathname;
  await expect(alva.getByRole("button", { name: "Kalla på lärare" }).first()).toBeVisible();
  await expect(alva.getByRole("button", { name: "Starta om klockan" })).toBeVisible();

  const mentor = await signedInPage(browser, "mentor@demo.test", undefined, `${own.url}${talkPath}`);
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();

  await expect(alva.getByRole("status").filter({ hasText: "Planen är låst för signering" })).toBeVisible({ timeout: 5000 });
  // The questions are over: her open view no longer offers to call a teacher.
  await expect(alva.getByRole("button", { name: "Kalla på lärare" })).toHaveCount(0);
  // The lock ended the talk: the clock stands at the time it took and is not offered again.
  await expect(alva.locator(".talk-clock")).toContainText(/Samtalet tog \d+ minut(er)?Klockan stannade när planen låstes\./);
  await expect(alva.getByRole("button", { name: "Starta om klockan" })).toHaveCount(0);
  await alva.screenshot({ path: "screenshots/issue-20/talk-view-locked.png" });
  const signing = alva.getByRole("region", { name: "Signering" });
  await signing.getByRole("button", { name: "Signera" }).click();
  await expect(signing).toContainText(/Alva Lindqvist \(elev\) – signerade/);
  await expect(mentor.getByRole("region", { name: "Signering" })).toContainText(/Alva Lindqvist \(elev\) – signerade/, { timeout: 5000 });
  await expectAccessible(alva, "talk view after signing");
  // Both stayed in the talk view throughout.
  expect(new URL(alva.url()).pathname).toBe(talkPath);
  expect(new URL(mentor.url()).pathname).toBe(talkPath);
});
