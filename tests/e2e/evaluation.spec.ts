import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import { postForm, signIn, signInEach } from "../support/http";
import { lockAndSign } from "../support/plan-journey";
import { createTalkDay, openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";
import { expect, test, signedInPageOn } from "./fixtures";

// Three plans are signed and evaluated here: a server and database of their own.
let own: TestServer;
let school: SchoolDatabase;
let eventId = "";
const talkIds: Record<string, string> = {};

test.beforeAll(async () => {
  own = await startTestServer();
  school = openSchoolDatabase(own.databasePath);
  const cookies = await signInEach(own.url, {
    admin: "admin@demo.test",
    alva: "elev@demo.test",
    nora: "skyddad@demo.test",
    adam: "myndig@demo.test",
    sara: "vh@demo.test",
    amina: "skyddad.vh@demo.test",
    jonas: "mentor@demo.test",
    erik: "svenska@demo.test",
  });
  // A talk day for Alva's and Nora's mentor group and Adam's, invitations sent.
  eventId = await createTalkDay(own.url, cookies.admin!, { groupIds: [school.groupId("8A – Jonas Ek"), school.groupId("9A – Erik Sandberg")] });
  expect((await postFields(`${own.url}/talk-days/${eventId}`, [["intent", "invite"]], cookies.admin)).status).toBe(200);
  // Each talk ends with the plan locked and signed.
  const pupils = [
    { key: "alva", email: "elev@demo.test", mentor: cookies.jonas!, guardians: ["vh@demo.test"], signers: [cookies.alva!, cookies.sara!] },
    { key: "nora", email: "skyddad@demo.test", mentor: cookies.jonas!, guardians: ["skyddad.vh@demo.test"], signers: [cookies.nora!, cookies.amina!] },
    { key: "adam", email: "myndig@demo.test", mentor: cookies.erik!, guardians: [], signers: [cookies.adam!] },
  ];
  for (const pupil of pupils) {
    const pupilId = school.personId(pupil.email);
    talkIds[pupil.key] = school.talkOf(eventId, pupilId)!.id;
    await lockAndSign(own.url, school, school.planOf(pupilId), { mentor: pupil.mentor, guardianIds: pupil.guardians.map((e) => school.personId(e)), signers: pupil.signers });
  }
});
test.afterAll(async () => {
  school.close();
  await own.stop();
  own.cleanup();
});

const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, at?: string) => signedInPageOn(own, browser, email, viewport, at);

test("after signing, Alva, the other pupils and a guardian answer a short evaluation once; the mentor sees the results per talk day, small groups held back, and downloads them as CSV", async ({
  browser,
}) => {
  // Alva is asked on her home page (on her phone) and answers.
  const alva = await signedInPage(browser, "elev@demo.test", { width: 390, height: 844 });
  await alva.getByRole("region", { name: "Nytt för dig" }).getByRole("link", { name: "Utvärdera ditt utvecklingssamtal" }).click();
  await expect(alva.getByRole("heading", { level: 1 })).toHaveText("Hur gick samtalet?");
  await expect(alva.getByText("Dina svar sparas utan ditt namn")).toBeVisible();
  await alva.getByRole("group", { name: "Hur kändes det att leda samtalet?" }).getByRole("radio", { name: "Mycket bra" }).check();
  await alva.getByRole("group", { name: "Var du väl förberedd?" }).getByRole("radio", { name: "Ja" }).check();
  await alva.getByRole("group", { name: "Vet du vad du ska göra för att nå dina mål?" }).getByRole("radio", { name: "Delvis" }).check();
  await alva.getByRole("textbox", { name: "Vill du säga något mer? (frivilligt)" }).fill("Det var roligt att visa min plan.");
  await alva.screenshot({ path: "screenshots/issue-19/evaluation-form-phone.png", fullPage: true });
  await alva.getByRole("button", { name: "Skicka svaren" }).click();
  await expect(alva.getByRole("status")).toHaveText("Tack för dina svar!");
  // Once only: the page now only thanks her, and a second answer is refused.
  await alva.reload();
  await expect(alva.getByText("Du har redan svarat på utvärderingen. Tack!")).toBeVisible();
  await expect(alva.getByRole("button", { name: "Skicka svaren" })).toHaveCount(0);
  const alvaCookie = await signIn(own.url, "elev@demo.test");
  expect((await postForm(`${own.url}/talks/${talkIds.alva}/evaluation`, { led: "bad" }, alvaCookie)).status).toBe(409);

  // Nora and Adam answer too; so does Sara, the only guardian so far.
  const answers: Array<[string, string, Record<string, string>]> = [
    ["skyddad@demo.test", talkIds.nora!, { led: "veryGood", prepared: "partly", goals: "yes", comment: "Jag var nervös först." }],
    ["myndig@demo.test", talkIds.adam!, { led: "good", prepared: "yes", goals: "yes" }],
    ["vh@demo.test", talkIds.alva!, { overall: "veryGood", understood: "yes", influence: "yes", comment: "Tack till mentorn, Sara" }],
  ];
  for (const [email, talkId, fields] of answers) {
    expect((await postForm(`${own.url}/talks/${talkId}/evaluation`, fields, await signIn(own.url, email))).status).toBe(200);
  }

  // Jonas, a mentor of the talk day, opens the results from the board.
  const jonas = await signedInPage(browser, "mentor@demo.test", undefined, `${own.url}/talk-days/${eventId}`);
  await jonas.getByRole("link", { name: "Utvärdering" }).click();
  await expect(jonas.getByRole("heading", { level: 1 })).toHaveText("Utvärdering av samtalen");
  const pupilsResults = jonas.getByRole("region", { name: "Elever" });
  await expect(pupilsResults).toContainText("3 svar");
  const led = pupilsResults.getByRole("table", { name: "Hur kändes det att leda samtalet?" });
  await expect(led.getByRole("row", { name: "Mycket bra 2" })).toBeVisible();
  await expect(led.getByRole("row", { name: "Bra 1" })).toBeVisible();
  await expect(pupilsResults).toContainText("Det var roligt att visa min plan.");
  await expect(pupilsResults).toContainText("Jag var nervös först.");
  // One guardian answered: held back, so that no answer can be traced to her.
  const guardianResults = jonas.getByRole("region", { name: "Vårdnadshavare" });
  await expect(guardianResults).toContainText("Färre än 3 har svarat");
  await expect(guardianResults).not.toContainText("Tack till mentorn");
  await jonas.screenshot({ path: "screenshots/issue-19/evaluation-results.png", fullPage: true });

  const downloading = jonas.waitForEvent("download");
  await jonas.getByRole("link", { name: "Ladda ner som CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^utvardering-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  expect(csv).toContain("Det var roligt att visa min plan.");
  expect(csv).toMatch(/Hur kändes det att leda samtalet\?[;,]Mycket bra[;,]2/);
  expect(csv).not.toContain("Tack till mentorn");
});
