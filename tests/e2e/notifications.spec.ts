import type { Browser, Page } from "@playwright/test";
import { firstPlanId, postForm, signIn } from "../support/http";
import { openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";
import { expect, test, signedInPageOn } from "./fixtures";

// Alva's plan is assessed and locked here: a server and database of its own.
let own: TestServer;
let school: SchoolDatabase;
test.beforeAll(async () => {
  own = await startTestServer();
  school = openSchoolDatabase(own.databasePath);
});
test.afterAll(async () => {
  school.close();
  await own.stop();
  own.cleanup();
});

const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, at?: string) => signedInPageOn(own, browser, email, viewport, at);

test("Sara's home on her phone says what is new for her: a new assessment, then that her signature is needed (also by e-mail); she marks news as read and turns mail off", async ({
  browser,
}) => {
  const sara = await signedInPage(browser, "vh@demo.test", { width: 390, height: 844 });
  const news = sara.getByRole("region", { name: "Nytt för dig" });
  await expect(news).toContainText("Inget nytt sedan du senast tittade.");

  // Karin assesses Alva in maths (as the grid saves it).
  const alvaId = school.personId("elev@demo.test");
  const karin = await signIn(own.url, "matte@demo.test");
  const duty = school.one<{ id: string }>(
    `select d.id from teaching_duties d join groups g on g.id = d.group_id join terms t on t.id = d.term_id
      where g.name = '8A Matematik' and t.starts_on <= date('now') order by t.starts_on desc`,
  ).id;
  expect((await postForm(`${own.url}/assessments/${duty}`, { intent: "save", pupilId: alvaId, level: "C", written: "Du löser ekvationer säkert." }, karin)).status).toBe(200);

  await sara.reload();
  await expect(news.getByRole("link", { name: "Ny bedömning i Matematik för Alva Lindqvist" })).toBeVisible();
  // The list empties at once, while the mark is on its way: the reload waits for the server's answer
  // (a reload before it would cancel the mark; on a busy machine it did).
  const marked = sara.waitForResponse((response) => response.request().method() === "POST");
  await news.getByRole("button", { name: "Markera som lästa" }).click();
  await expect(news).toContainText("Inget nytt sedan du senast tittade.");
  expect((await marked).status()).toBe(200);
  await sara.reload();
  await expect(news).toContainText("Inget nytt sedan du senast tittade.");

  // Jonas locks Alva's plan with Sara as a signer: her home says her signature is needed.
  const jonas = await signIn(own.url, "mentor@demo.test");
  // The plan is made when Alva first lists or opens it.
  const alvaPlan = await firstPlanId(own.url, await signIn(own.url, "elev@demo.test"));
  const saraId = school.personId("vh@demo.test");
  expect((await postFields(`${own.url}/plans/${alvaPlan}`, [["intent", "lock"], ["guardian", saraId]], jonas)).status).toBe(200);
  await sara.reload();
  const todo = news.getByRole("link", { name: "Din signatur behövs på utvecklingsplanen för Alva Lindqvist" });
  await expect(todo).toBeVisible();
  await sara.screenshot({ path: "screenshots/issue-19/home-notifications-phone.png", fullPage: true });

  // And by e-mail, in her language, with a link to the plan and nothing of its content.
  const admin = await signedInPage(browser, "admin@demo.test");
  await expect
    .poll(async () => {
      await admin.goto(`${own.url}/admin/outbox`);
      return admin.locator("body").innerText();
    })
    .toContain("Din signatur behövs");
  expect(school.count("select count(*) as n from outbox_messages where recipient_id = ? and kind = 'notification'", saraId)).toBe(1);
  const mail = school.one<{ body: string; to_address: string }>("select body, to_address from outbox_messages where recipient_id = ? and kind = 'notification'", saraId);
  expect(mail.to_address).toBe("vh@demo.test");
  expect(mail.body).toContain(`${own.url}/plans/${alvaPlan}`);
  expect(mail.body).not.toContain("ekvationer");

  // The to-do leads to the signing.
  await todo.click();
  await expect(sara.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" })).toBeVisible();

  // Mail can be turned off from the home page.
  await sara.goto(`${own.url}/`);
  await news.getByRole("link", { name: "Inställningar för e-post" }).click();
  const mailSetting = sara.getByRole("checkbox", { name: "Skicka e-post till mig när något väntar på mig" });
  await expect(mailSetting).toBeChecked();
  await mailSetting.uncheck();
  await sara.getByRole("button", { name: "Spara" }).click();
  await expect(sara.getByRole("status")).toHaveText("Sparat.");
  await sara.reload();
  await expect(mailSetting).not.toBeChecked();
  await sara.screenshot({ path: "screenshots/issue-19/settings-phone.png", fullPage: true });
});
