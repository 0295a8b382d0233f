import Database from "better-sqlite3";
import { startTestServer } from "../support/server";
import { expect, expectAccessible, expectAccessibleAtBothWidths, signInAs, signInThroughForm, test as base } from "./fixtures";

/**
 * Passwords for small schools: "forgot password" and the admin's invitation, both ending on the
 * page where the person chooses a password. Without SMTP the mail waits in the admin's outbox;
 * the tests read the link from there, where the admin would copy it.
 */

/** Its own server: a password changed here must not break the demo accounts of other specs. */
const test = base.extend({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startTestServer();
      await use(server);
      await server.stop();
      server.cleanup();
    },
    { scope: "worker" },
  ],
});

function newestLinkFor(databasePath: string, email: string): string {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare("select body from outbox_messages where to_address = ? and kind like 'password-%' order by created_at desc, rowid desc limit 1")
      .get(email) as { body: string };
    return /https?:\/\/\S+\/password\/set\?token=[A-Za-z0-9_-]+/.exec(row.body)![0];
  } finally {
    db.close();
  }
}

test("a guardian who forgot her password asks for a link and chooses a new one", async ({ page, server }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/login");
  await page.getByRole("link", { name: "Glömt lösenordet?" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Glömt lösenordet?");
  await expectAccessibleAtBothWidths(page, "forgot password");
  await page.getByLabel("E-post").fill("vh@demo.test");
  await page.getByRole("button", { name: "Skicka länk" }).click();
  await expect(page.getByRole("status")).toContainText("Om adressen finns hos oss");
  await expectAccessible(page, "forgot password, link sent");

  await page.goto(newestLinkFor(server.databasePath, "vh@demo.test"));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Välj ett nytt lösenord");
  await expectAccessibleAtBothWidths(page, "set password");
  await page.getByLabel("Nytt lösenord").fill("kort");
  await page.getByLabel("Upprepa lösenordet").fill("kort");
  await page.getByRole("button", { name: "Spara lösenordet och logga in" }).click();
  await expect(page.getByLabel("Nytt lösenord")).toHaveAccessibleDescription(/Lösenordet måste vara minst 10 tecken långt\./);
  await expectAccessible(page, "set password with an error");
  await page.getByLabel("Nytt lösenord").fill("sol och snö i mars");
  await page.getByLabel("Upprepa lösenordet").fill("sol och snö i mars");
  await page.getByRole("button", { name: "Spara lösenordet och logga in" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Sara!");

  await page.getByRole("button", { name: "Logga ut" }).click();
  // Signing out first forgets what this device kept, then posts: wait for it to land.
  await expect(page).toHaveURL(/\/login/);
  await signInThroughForm(page, "vh@demo.test", "sol och snö i mars");
});

test("a password can be set from the link with JavaScript off (or before the page has loaded its scripts)", async ({ browser, server }) => {
  const page = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(`${server.url}/password/forgot`);
  await page.getByLabel("E-post").fill("vh@demo.test");
  await page.getByRole("button", { name: "Skicka länk" }).click();
  await expect(page.getByRole("status")).toContainText("Om adressen finns hos oss");
  await page.goto(newestLinkFor(server.databasePath, "vh@demo.test"));
  await page.getByLabel("Nytt lösenord").fill("regn och rusk i april");
  await page.getByLabel("Upprepa lösenordet").fill("regn och rusk i april");
  await page.getByRole("button", { name: "Spara lösenordet och logga in" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Sara!");
  await page.context().close();
});

test("an admin sends a teacher an invitation, and it waits in the outbox with its link", async ({ page }) => {
  await signInAs(page, "admin@demo.test", "/admin");
  await page.getByRole("link", { name: "Inloggning och inbjudningar" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Inloggning och inbjudningar");
  await expect(page.getByRole("region", { name: "Inloggningssätt" })).toContainText("Lösenord: personal, elever och vårdnadshavare");
  const staff = page.getByRole("region", { name: "Personal" });
  await expect(staff.getByRole("row", { name: /Karin Holm/ })).toContainText("Har lösenord");
  await staff.getByRole("button", { name: "Skicka ny länk till Karin Holm" }).click();
  await expect(page.getByRole("status")).toContainText("1 inbjudan skickad.");
  await expect(staff.getByRole("row", { name: /Karin Holm/ })).toContainText("Länk skickad, gäller till");
  await expectAccessibleAtBothWidths(page, "accounts, an invitation sent");

  await page.getByRole("region", { name: "Elever och vårdnadshavare" }).getByLabel("Klass").selectOption({ label: "8A" });
  await page.getByRole("button", { name: "Visa" }).click();
  await expect(page.getByRole("heading", { name: "Vårdnadshavare i 8A" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Sara Lindqvist/ })).toBeVisible();
  await expectAccessible(page, "accounts of a class");

  await page.goto("/admin/outbox");
  await page.getByText("Välj ditt lösenord till Elevledd IUP").click();
  await expect(page.locator(".outbox-body").first()).toContainText("/password/set?token=");
  await expectAccessible(page, "outbox with an invitation open");
});

test("after sending, the admin is pointed to the outbox when no mail server is set up", async ({ page }) => {
  await signInAs(page, "admin@demo.test", "/admin/accounts");
  await page.getByRole("button", { name: "Skicka ny länk till Erik Sandberg" }).click();
  await expect(page.getByRole("status")).toContainText("inbjudningarna väntar i utkorgen");
  await page.getByRole("link", { name: "Öppna utkorgen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Utkorg");
});

test("a guardian who reads Arabic asks for a link in Arabic, opens it on another phone, chooses Arabic there, and is signed in in Arabic", async ({ page, browser, server }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/password/forgot");
  await page.getByRole("region", { name: "Välj språk" }).getByRole("button", { name: "العربية" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("هل نسيت كلمة المرور؟");
  await page.getByLabel("البريد الإلكتروني").fill("vh@demo.test");
  await page.getByRole("button", { name: "أرسل الرابط" }).click();
  await expect(page.getByRole("status")).toContainText("إذا كان العنوان مسجّلًا لدينا");
  await expectAccessible(page, "forgot password, link sent, Arabic");

  // Another phone, which has never seen the app: the page starts in Swedish and offers the languages.
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const link = newestLinkFor(server.databasePath, "vh@demo.test");
  await phone.goto(link);
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Välj ett nytt lösenord");
  await phone.getByRole("region", { name: "Välj språk" }).getByRole("button", { name: "العربية" }).click();
  // The link survives the change of language.
  await expect(phone).toHaveURL(link.replace(/^https?:\/\/[^/]+/, server.url));
  await expect(phone.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("اختر كلمة مرور جديدة");
  await phone.getByLabel("كلمة المرور الجديدة").fill("قصيرة");
  await phone.getByLabel("أعد كتابة كلمة المرور").fill("قصيرة");
  await phone.getByRole("button", { name: "احفظ كلمة المرور وسجّل الدخول" }).click();
  await expect(phone.getByLabel("كلمة المرور الجديدة")).toHaveAccessibleDescription(/يجب ألا يقل عدد أحرف كلمة المرور عن \u2068?10\u2069?\./);
  await expectAccessibleAtBothWidths(phone, "set password with an error, Arabic");
  await phone.getByLabel("كلمة المرور الجديدة").fill("شمس وثلج في مارس");
  await phone.getByLabel("أعد كتابة كلمة المرور").fill("شمس وثلج في مارس");
  await phone.getByRole("button", { name: "احفظ كلمة المرور وسجّل الدخول" }).click();
  await expect(phone).toHaveURL(`${server.url}/`);
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText(/مرحبًا .*Sara/);
  await phone.context().close();
});
