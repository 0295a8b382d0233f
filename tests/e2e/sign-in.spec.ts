import { expect, expectAccessible, openOwnPlan, signInAs, signInThroughForm, test } from "./fixtures";

test.describe("each demo account lands on its role's home", () => {
  test("the pupil sees her class and mentor", async ({ page }) => {
    await signInAs(page, "elev@demo.test");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Alva!");
    await expectAccessible(page, "pupil home");
    const mine = page.getByRole("region", { name: "Min skolgång" });
    await expect(mine).toContainText("Klass 8A, årskurs 8");
    await expect(mine).toContainText("Jonas Ek");
    await mine.getByRole("link", { name: "Mina ämnen och lärare" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alva Lindqvist");
    await expect(page.getByRole("row", { name: /Matematik/ })).toContainText("Karin Holm");
    await expect(page.getByRole("row", { name: /^Svenska/ })).toContainText("Erik Sandberg");
    await expectAccessible(page, "pupil page");
  });

  const childrenOf: Record<string, RegExp[]> = {
    "vh@demo.test": [/Alva Lindqvist/, /Elis Lindqvist/],
    // Johan has children in two families: Alva and Elis with Sara, Wilma with Lisa.
    "vh2@demo.test": [/Alva Lindqvist/, /Elis Lindqvist/, /Wilma Berg/],
    "vh3@demo.test": [/Wilma Berg/],
  };
  for (const [email, children] of Object.entries(childrenOf)) {
    test(`the guardian ${email} sees their own children, whichever household they live in, and no one else's`, async ({ page }) => {
      await signInThroughForm(page, email);
      const region = page.getByRole("region", { name: "Mina barn" });
      await expect(region.getByRole("link")).toHaveText(children);
      await expectAccessible(page, `guardian home (${email})`);
    });
  }

  test("the mentor sees the mentor group, protected identity marked", async ({ page }) => {
    await signInAs(page, "mentor@demo.test");
    const groups = page.getByRole("region", { name: "Mina mentorsgrupper" });
    await expect(groups.getByRole("heading", { name: /8A – Jonas Ek/ })).toBeVisible();
    await expect(groups.getByRole("link", { name: "Alva Lindqvist" })).toBeVisible();
    await expect(groups.getByRole("listitem").filter({ hasText: "Nora Karlsson" })).toContainText("Skyddad identitet");
    await expect(groups.getByRole("link", { name: "Liam Johansson" })).toHaveCount(0);
    await expectAccessible(page, "mentor home");
  });

  test("the maths teacher sees the teaching groups", async ({ page }) => {
    await signInAs(page, "matte@demo.test");
    const teaching = page.getByRole("region", { name: "Mina undervisningsgrupper" });
    await expect(teaching.getByRole("table").getByRole("link")).toHaveText(["8A Matematik", "8B Matematik", "9A Matematik"]);
    await expect(teaching.getByRole("link", { name: "Bedömningar", exact: true })).toBeVisible();
    await teaching.getByRole("link", { name: "8A Matematik" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("8A Matematik");
    await expect(page.getByRole("link", { name: "Alva Lindqvist" })).toBeVisible();
    await expectAccessible(page, "teaching group");
  });

  test("the Swedish teacher sees Alva's class among the groups", async ({ page }) => {
    await signInAs(page, "svenska@demo.test");
    const teaching = page.getByRole("region", { name: "Mina undervisningsgrupper" });
    await expect(teaching.getByRole("link", { name: "8A Svenska", exact: true })).toBeVisible();
  });

  test("the guardian in another class sees only their own child", async ({ page }) => {
    await signInAs(page, "annan.vh@demo.test");
    const children = page.getByRole("region", { name: "Mina barn" });
    await expect(children.getByRole("link")).toHaveText([/Liam Johansson/]);
    await expect(page.getByText("Alva")).toHaveCount(0);
  });

  test("the admin sees the school's set-up", async ({ page }) => {
    await signInAs(page, "admin@demo.test");
    await page.getByRole("region", { name: "Skolans uppgifter" }).getByRole("link").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Skolans uppgifter");
    await expect(page.getByText("Solbackeskolan, Sjövik")).toBeVisible();
    await expect(page.getByText(/120 elever/)).toBeVisible();
    await expect(page.getByRole("row", { name: /MA Matematik/ })).toBeVisible();
    await expectAccessible(page, "school set-up");
  });
});

test("a wrong password shows the error and keeps the person on the sign-in page", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-post").fill("elev@demo.test");
  await page.getByLabel("Lösenord").fill("fel-lösenord");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Fel e-postadress eller lösenord/);
  await expectAccessible(page, "sign-in with a wrong password");
  await expect(page).toHaveURL(/\/login/);
});

test("sign-in works from the keyboard alone, and sign-out ends it", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByLabel("E-post")).toBeFocused();
  await page.keyboard.type("mentor@demo.test");
  await page.keyboard.press("Tab");
  await page.keyboard.type("demo");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Jonas!");
  await page.getByRole("button", { name: "Logga ut" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("signing out in one tab takes the plan open in another tab to the sign-in page, by itself", async ({ page }) => {
  await openOwnPlan(page);
  const other = await page.context().newPage();
  await other.goto("/");
  await other.getByRole("button", { name: "Logga ut" }).click();
  await expect(other).toHaveURL(/\/login/);
  // The plan's socket is closed for the ended session (4401): the page turns read-only and reloads
  // its data, and the loaders send her to sign in. The plan is no longer on screen.
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Logga in");
  await expect(page.getByRole("textbox", { name: "Mina mål, elevens text" })).toHaveCount(0);
});

test("a field left empty is explained next to the field", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByLabel("E-post")).toHaveAccessibleDescription("Fyll i din e-postadress.");
  await expect(page.getByLabel("Lösenord")).toHaveAccessibleDescription("Fyll i ditt lösenord.");
  await expectAccessible(page, "sign-in with empty fields");
});

test("the interface switches to English and back from the language menu, and the choice stays with the account", async ({ page }) => {
  await signInAs(page, "elev@demo.test");
  await page.locator(".language-menu summary").click();
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello Alva!");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page).toHaveTitle("Home · Student-led IUP");
  await expectAccessible(page, "pupil home in English with the language menu open");

  // Signed in again on a fresh device: the account remembers English.
  await page.context().clearCookies();
  await signInAs(page, "elev@demo.test");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello Alva!");
  await page.locator(".language-menu summary").click();
  await expect(page.getByRole("button", { name: "English" })).toHaveAttribute("aria-current", "true");
  await page.getByRole("button", { name: "Svenska", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Alva!");
  await expect(page).toHaveTitle("Start · Elevledd IUP");
});

test("the sign-in page offers every language in its own script, marks the unreviewed ones, and Arabic turns the page right to left", async ({ page }) => {
  await page.goto("/login");
  const choice = page.getByRole("region", { name: "Välj språk" });
  for (const name of ["Svenska", "English", "العربية", "Soomaali", "ትግርኛ", "فارسی / دری", "Українська"]) {
    await expect(choice.getByRole("button", { name, exact: true })).toBeVisible();
  }
  await expect(choice.getByRole("button", { name: "العربية" })).toHaveAccessibleDescription("لم تراجع المدرسة هذه الترجمة بعد.");
  await expect(choice.getByRole("button", { name: "Svenska", exact: true })).not.toHaveAttribute("aria-describedby");
  await choice.getByRole("button", { name: "العربية" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("تسجيل الدخول");
  // Errors come in the chosen language too.
  await page.getByRole("button", { name: "تسجيل الدخول" }).click();
  await expect(page.getByLabel("البريد الإلكتروني")).toHaveAccessibleDescription("أدخل عنوان بريدك الإلكتروني.");
  // The footer says the translation is not reviewed and links to the accessibility statement.
  const footer = page.getByRole("contentinfo");
  await expect(footer).toContainText("لم تراجع المدرسة هذه الترجمة بعد.");
  await footer.getByRole("link", { name: "بيان إمكانية الوصول" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("إمكانية الوصول إلى Elevledd IUP");
});
