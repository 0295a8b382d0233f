import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { pdfText } from "../support/pdf";
import { dayFromNow } from "../support/school";
import { desktop, expect, expectAccessible, keepForNextTests, signedInPageOn, test } from "./fixtures";

// Sara reads Arabic and takes part from her phone: she chooses Arabic on the sign-in page, books
// her daughter's talk, follows it and signs. Her invitation, its calendar file and the PDF come in
// Arabic. The talk day and the lock change the school for everyone: a server of its own.
let own: TestServer;
test.describe.configure({ mode: "serial", timeout: 90_000 });
test.beforeAll(async () => {
  own = await startTestServer();
});
test.afterAll(async () => {
  await sara?.context().close();
  await own.stop();
  own.cleanup();
});

const phone = { width: 390, height: 844 };

let sara: Page;

test("Sara chooses Arabic on the sign-in page of her phone, signs in, and the app is Arabic and right to left", async ({ browser }) => {
  sara = keepForNextTests(await (await browser.newContext({ viewport: phone, acceptDownloads: true })).newPage());
  await sara.goto(`${own.url}/login`);
  await sara.getByRole("region", { name: "Välj språk" }).getByRole("button", { name: "العربية" }).click();
  await expect(sara.locator("html")).toHaveAttribute("dir", "rtl");
  await sara.getByLabel("البريد الإلكتروني").fill("vh@demo.test");
  await sara.getByLabel("كلمة المرور").fill("demo");
  await sara.getByRole("button", { name: "تسجيل الدخول" }).click();
  await expect(sara).toHaveURL(`${own.url}/`);
  await expect(sara.locator("html")).toHaveAttribute("lang", "ar");
  await expect(sara.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(sara.getByRole("heading", { level: 1 })).toHaveText(/مرحبًا .*Sara.*!/);
  await expect(sara.getByRole("region", { name: "أطفالي" }).getByRole("link")).toHaveText([/Alva Lindqvist/, /Elis Lindqvist/]);
  // The page really is laid out right to left: the heading starts at the right edge.
  const heading = (await sara.getByRole("heading", { level: 1 }).boundingBox())!;
  expect(heading.x + heading.width).toBeGreaterThan(phone.width - 40);
  await expectAccessible(sara, "guardian home in Arabic");
});

test("the mentor sends invitations; Sara books another time on her phone, remote with an interpreter", async ({ browser }) => {
  const mentor = await signedInPageOn(own, browser, "mentor@demo.test");
  await mentor.getByRole("link", { name: "Samtalsdagar" }).first().click();
  await mentor.getByLabel("Dag 1").fill(dayFromNow(7));
  await mentor.getByLabel("Dag 2").fill(dayFromNow(8));
  await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
  await mentor.getByLabel(/Länk till skolans videotjänst/).fill("https://video.example.se/solbacken");
  await mentor.getByLabel("8A – Jonas Ek").check();
  await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
  await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
  await expect(mentor.getByText(/inbjudningar har skapats/)).toBeVisible();

  await sara.reload();
  const card = sara.getByRole("article", { name: /محادثة .*Alva Lindqvist/ });
  await expect(card).toBeVisible();
  // The time with its weekday, in Arabic.
  await expect(card.locator(".lead")).toContainText(/(الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)/);
  await expectAccessible(sara, "booking card in Arabic");
  const time = card.getByLabel("الموعد");
  const options = await time.locator("option").allInnerTexts();
  expect(options.length).toBeGreaterThan(1);
  await time.selectOption({ label: options.at(-1)! });
  await card.getByLabel("عن بُعد").check();
  await card.getByLabel("نحتاج إلى مترجم").check();
  await card.getByLabel("لغة المترجم").fill("العربية");
  await card.getByRole("button", { name: "تأكيد" }).click();
  await expect(card.getByText("شكرًا! تم حفظ ردّك.")).toBeVisible();
  await expect(card).toContainText(/تم التأكيد – ستشارك .*عن بُعد/);
});

test("the invitation, the change and their calendar files wait in the outbox in Arabic", async ({ browser }) => {
  const admin = await signedInPageOn(own, browser, "admin@demo.test", desktop, `${own.url}/admin/outbox`);
  const toSara = admin.getByRole("listitem").filter({ hasText: "till vh@demo.test" });
  const invitation = toSara.filter({ hasText: /دعوة إلى محادثة التطوير الخاصة بـ.*Alva Lindqvist/ });
  const change = toSara.filter({ hasText: /موعد جديد لمحادثة التطوير الخاصة بـ.*Alva Lindqvist/ });
  await expect(invitation).toHaveCount(1);
  await expect(change).toHaveCount(1);
  await change.getByText(/موعد جديد/).click();
  const body = change.locator(".outbox-body").first();
  await expect(body).toHaveAttribute("lang", "ar");
  await expect(body).toContainText(/مرحبًا .*Sara/);
  await expect(body).toContainText(/الموعد: .*(الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)/);
  await expect(body).toContainText("رابط الفيديو إذا كنت ستشارك عن بُعد: ");
  await expect(body).toContainText(/اقرأ خطة .*Alva.* في التطبيق قبل المحادثة/);
  // How to choose another language, in Arabic, and every language named in itself.
  await expect(body).toContainText("هل تريد استلام الرسائل بلغة أخرى؟");
  await expect(body).toContainText("Svenska · English · العربية · Soomaali · ትግርኛ · فارسی / دری · Українська");
  // Downloaded as the admin would: the link on our own page (a download another site starts is refused).
  const downloading = admin.waitForEvent("download");
  await change.getByRole("link", { name: "Kalenderfil (invite.ics)" }).click();
  const calendar = (await readFile((await (await downloading).path())!, "utf8")).replace(/\r\n[ \t]/g, "");
  expect(calendar).toMatch(/SUMMARY:محادثة التطوير – \u2068?Alva\u2069?/);
  expect(calendar).toContain("DESCRIPTION:محادثة تطوير يقودها التلميذ");
  expect(calendar).toContain("LOCATION:Matsalen");
});

test("Sara follows the talk in Arabic: the agenda names the subjects in Arabic and follows Alva", async ({ browser }) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test", { width: 1024, height: 768 });
  await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  await alva.getByRole("button", { name: "Starta samtalet" }).click();

  await sara.goto(`${own.url}/`);
  await sara.getByRole("link", { name: "افتح المحادثة" }).click();
  await expect(sara.getByRole("heading", { level: 1 })).toHaveText(/محادثة التطوير – .*Alva Lindqvist/);
  await expect(sara.getByLabel(/تابع .*Alva.* في الخطة/)).toBeChecked();
  await expect(sara.getByRole("status").filter({ hasText: "متصل – ترى التغييرات فور حدوثها" })).toBeVisible();
  await alva.getByRole("button", { name: "Engelska", exact: true }).click();
  await expect(sara.locator('.agenda-list [aria-current="step"]')).toContainText("اللغة الإنجليزية", { timeout: 5000 });
  await expect(sara.getByRole("heading", { level: 2, name: "الرياضيات" })).toBeVisible();
  await expectAccessible(sara, "talk view in Arabic during the talk");
});

test("after the lock Sara signs in Arabic, and her PDF prints Arabic labels and every name", async ({ browser }, testInfo) => {
  const alva = await signedInPageOn(own, browser, "elev@demo.test");
  await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await expect(alva.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const planPath = new URL(alva.url()).pathname;
  await alva.getByRole("textbox", { name: "Mina mål, elevens text" }).click();
  await alva.keyboard.type("Jag ska läsa 20 minuter varje dag.");

  const mentor = await signedInPageOn(own, browser, "mentor@demo.test", desktop, `${own.url}${planPath}`);
  await expect.poll(async () => (await mentor.getByRole("textbox", { name: "Mina mål, elevens text" }).textContent()) ?? "").toContain("20 minuter");
  const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
  await lockCard.getByLabel("Johan Berg").uncheck();
  await lockCard.getByRole("button", { name: "Lås planen" }).click();
  await expect(mentor.getByRole("region", { name: "Signering" })).toBeVisible();

  await sara.goto(`${own.url}${planPath}`);
  const signing = sara.getByRole("region", { name: "التوقيع" });
  await expect(signing).toContainText("الخطة مقفلة وبانتظار التوقيعات.");
  await expectAccessible(sara, "signing in Arabic");
  await signing.getByRole("button", { name: "وقّع" }).click();
  await expect(signing).toContainText(/Sara Lindqvist.*\(وليّ أمر\) – وقّع/);
  await alva.reload();
  await alva.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await expect(alva.getByRole("region", { name: "Signering" })).toContainText(/Alva Lindqvist \(elev\) – signerade/);
  await mentor.reload();
  await mentor.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
  await expect(mentor.getByRole("region", { name: "Signering" })).toContainText("Planen är signerad av alla.");
  // Sara's open page learns of it by itself.
  await expect(sara.getByRole("region", { name: "التوقيع" })).toContainText("وقّع الجميع على الخطة.");

  const downloading = sara.waitForEvent("download");
  await sara.getByRole("region", { name: "التوقيع" }).getByRole("link", { name: "تنزيل ملف PDF" }).click();
  const saved = testInfo.outputPath("plan-ar.pdf");
  await (await downloading).saveAs(saved);
  const bytes = await readFile(saved);
  const text = await pdfText(new Uint8Array(bytes));
  // Names and the pupil's Swedish words as written, the hash's label; the Arabic labels are set
  // in the embedded Noto Sans Arabic (what they look like is checked on the rendered pages: a
  // text layer read back from shaped Arabic glyphs does not give back the letters one to one).
  for (const name of ["Alva Lindqvist", "Sara Lindqvist", "Jonas Ek", "Solbackeskolan", "Jag ska läsa 20 minuter varje dag."]) expect(text).toContain(name);
  expect(text).toContain("SHA-256");
  expect(bytes.toString("latin1")).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansArabic/);
  // For looking at: `pdftoppm -png` on this file (kept beside the test's other output).
  await testInfo.attach("plan-ar.pdf", { path: saved, contentType: "application/pdf" });
});
