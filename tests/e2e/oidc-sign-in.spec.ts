import Database from "better-sqlite3";
import { startTestProvider, type TestAccount, type TestProvider } from "../support/oidc-provider";
import { startTestServer } from "../support/server";
import { expect, expectAccessible, expectAccessibleAtBothWidths, test as base } from "./fixtures";
import type { Page } from "@playwright/test";

/**
 * People sign in with the identity they already have: staff and pupils at the municipality's
 * provider, guardians through the e-identification broker — two real OpenID providers
 * (oidc-provider) started by this worker, our server pointed at them.
 */

const SARA_ID = "3f9a1c52-5d1e-4a8e-9b43-0c7f7a1e2b10";
const staffAccounts: TestAccount[] = [
  { sub: "jonas", username: "jonas.ek", password: "kommun-1", claims: { email: "mentor@demo.test", email_verified: true } },
  { sub: "alva", username: "alva.lindqvist", password: "kommun-2", claims: { email: "elev@demo.test", email_verified: true } },
  { sub: "ny", username: "ny.person", password: "kommun-3", claims: { email: "ny.person@sjovik.example", email_verified: true } },
];
const guardianAccounts: TestAccount[] = [{ sub: "199001012385", username: "sara", password: "bankid-1", claims: { person_id: SARA_ID } }];

const test = base.extend<object, { idps: { staff: TestProvider; guardian: TestProvider } }>({
  idps: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const staff = await startTestProvider({ name: "Sjöviks kommun", accounts: staffAccounts });
      const guardian = await startTestProvider({ name: "E-legitimation", accounts: guardianAccounts, extraClaims: ["person_id"] });
      await use({ staff, guardian });
      await staff.close();
      await guardian.close();
    },
    { scope: "worker" },
  ],
  server: [
    async ({ idps }, use) => {
      const server = await startTestServer({
        env: {
          OIDC_STAFF_ISSUER: idps.staff.issuer,
          OIDC_STAFF_CLIENT_ID: idps.staff.clientId,
          OIDC_STAFF_CLIENT_SECRET: idps.staff.clientSecret,
          OIDC_GUARDIAN_ISSUER: idps.guardian.issuer,
          OIDC_GUARDIAN_CLIENT_ID: idps.guardian.clientId,
          OIDC_GUARDIAN_CLIENT_SECRET: idps.guardian.clientSecret,
          OIDC_GUARDIAN_MATCH: "external_id",
          OIDC_GUARDIAN_CLAIM: "person_id",
          OIDC_GUARDIAN_SCOPES: "openid school",
        },
      });
      await idps.staff.registerClient({ redirectUri: `${server.url}/auth/staff/callback`, postLogoutRedirectUri: `${server.url}/login` });
      await idps.guardian.registerClient({ redirectUri: `${server.url}/auth/guardian/callback`, postLogoutRedirectUri: `${server.url}/login` });
      // What the SS12000 import fills in: Sara's person id in the school's source system.
      const db = new Database(server.databasePath, { fileMustExist: true });
      db.prepare("update people set external_id = ? where email = ?").run(SARA_ID, "vh@demo.test");
      db.close();
      await use(server);
      await server.stop();
      server.cleanup();
    },
    { scope: "worker" },
  ],
});

/** At the provider's own page: types the credentials and presses its button, as a person would. */
async function signInAtProvider(page: Page, provider: string, username: string, password: string) {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Logga in hos ${provider}`);
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
}

test("a mentor signs in with the school account and lands on his home page", async ({ page }) => {
  await page.goto("/login");
  await expectAccessibleAtBothWidths(page, "sign-in with providers");
  await page.getByRole("button", { name: "Logga in med skolkonto" }).click();
  await signInAtProvider(page, "Sjöviks kommun", "jonas.ek", "kommun-1");
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Jonas!");
  await expect(page.getByRole("region", { name: "Mina mentorsgrupper" })).toBeVisible();
});

test("a page asked for before signing in is where the provider's sign-in ends", async ({ page }) => {
  await page.goto("/talk-days");
  await expect(page).toHaveURL("/login?redirectTo=%2Ftalk-days");
  await page.getByRole("button", { name: "Logga in med skolkonto" }).click();
  await signInAtProvider(page, "Sjöviks kommun", "jonas.ek", "kommun-1");
  await expect(page).toHaveURL("/talk-days");
});

test("a pupil signs in with the school account and lands on her home page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL("/login");
  await page.getByRole("button", { name: "Logga in med skolkonto" }).click();
  await signInAtProvider(page, "Sjöviks kommun", "alva.lindqvist", "kommun-2");
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Alva!");
  await expect(page.getByRole("link", { name: "Öppna min utvecklingsplan" })).toBeVisible();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a guardian signs in with BankID/Freja, and signing out ends the broker's session too", async ({ page, idps }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Logga in med BankID/Freja" }).click();
    await signInAtProvider(page, "E-legitimation", "sara", "bankid-1");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Sara!");
    await expect(page.getByRole("region", { name: "Mina barn" }).getByRole("link")).toHaveText([/Alva Lindqvist/, /Elis Lindqvist/]);

    const sessionsAtBroker = idps.guardian.sessionCount();
    await page.getByRole("button", { name: "Logga ut" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Logga ut från E-legitimation");
    await page.getByRole("button", { name: "Ja, logga ut" }).click();
    await expect(page).toHaveURL("/login");
    expect(idps.guardian.sessionCount()).toBe(sessionsAtBroker - 1);
    await page.goto("/");
    await expect(page).toHaveURL("/login");
    // The broker asks again: nobody is signed in there any more.
    await page.getByRole("button", { name: "Logga in med BankID/Freja" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Logga in hos E-legitimation");
  });

  test("an identity that matches no one is told so, and is not signed in", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Logga in med skolkonto" }).click();
    await signInAtProvider(page, "Sjöviks kommun", "ny.person", "kommun-3");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Vi hittar dig inte i skolans register");
    await expect(page.getByText("Inget konto har skapats och du är inte inloggad.")).toBeVisible();
    await expectAccessibleAtBothWidths(page, "no matching person");
    await page.getByRole("link", { name: "Tillbaka till inloggningen" }).click();
    await expect(page).toHaveURL("/login");
    await page.goto("/");
    await expect(page).toHaveURL("/login");
  });

  test("a guardian who reads Arabic chooses it on the sign-in page: the buttons are hers, right to left, and she lands on her home in Arabic", async ({ page, server }) => {
    await page.goto("/login");
    await page.getByRole("region", { name: "Välj språk" }).getByRole("button", { name: "العربية" }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    const broker = page.getByRole("button", { name: "سجّل الدخول عبر BankID/Freja" });
    await expect(broker).toHaveAccessibleDescription("لأولياء الأمور");
    await expect(page.getByRole("button", { name: "سجّل الدخول بحساب المدرسة" })).toHaveAccessibleDescription("للموظفين والتلاميذ");
    await expect(page.getByRole("heading", { name: "أو بالبريد الإلكتروني وكلمة المرور" })).toBeVisible();
    await expectAccessibleAtBothWidths(page, "sign-in with providers, Arabic");
    try {
      await broker.click();
      // The broker is asked for Arabic (ui_locales, see the integration tests); this one speaks Swedish only.
      await signInAtProvider(page, "E-legitimation", "sara", "bankid-1");
      await expect(page).toHaveURL("/");
      await expect(page.locator("html")).toHaveAttribute("lang", "ar");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(/مرحبًا .*Sara/);
      await expect(page.getByRole("region", { name: "أطفالي" }).getByRole("link")).toHaveText([/Alva Lindqvist/, /Elis Lindqvist/]);
      await expectAccessible(page, "guardian's home after a provider sign-in, Arabic");
    } finally {
      // The choice went onto her account; the other journeys here expect her in Swedish.
      const db = new Database(server.databasePath, { fileMustExist: true });
      db.prepare("update people set preferred_locale = null where email = 'vh@demo.test'").run();
      db.close();
    }
  });

  test("someone who reads Tigrinya is told in Tigrinya that no one matches her identity", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("region", { name: "Välj språk" }).getByRole("button", { name: "ትግርኛ" }).click();
    await page.getByRole("button", { name: "ብሕሳብ ቤት ትምህርቲ እቶ" }).click();
    await signInAtProvider(page, "Sjöviks kommun", "ny.person", "kommun-3");
    await expect(page.locator("html")).toHaveAttribute("lang", "ti");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("ኣብ መዝገብ ቤት ትምህርቲ ክንረኽበካ ኣይከኣልናን");
    await expect(page.getByText("ሕሳብ ኣይተፈጥረን፣ ኣይኣቶኻን ድማ።")).toBeVisible();
    await expectAccessibleAtBothWidths(page, "no matching person, Tigrinya");
    await page.getByRole("link", { name: "ናብ ገጽ መእተዊ ተመለስ" }).click();
    await expect(page).toHaveURL("/login");
  });
});

test.describe("signing after a while", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a guardian who signs in with BankID/Freja proves it there again before she signs, and comes back to sign", async ({ page, server }) => {
    // Alva's plan is locked for signing, Sara among those who sign.
    const { signIn, postForm, firstPlanId } = await import("../support/http");
    const jonas = await signIn(server.url, "mentor@demo.test");
    const planId = await firstPlanId(server.url, await signIn(server.url, "elev@demo.test"));
    const db = new Database(server.databasePath, { fileMustExist: true });
    const saraId = (db.prepare("select id from people where email = 'vh@demo.test'").get() as { id: string }).id;
    expect((await postForm(`${server.url}/plans/${planId}`, { intent: "lock", guardian: saraId }, jonas)).status).toBe(200);

    await page.goto("/login");
    await page.getByRole("button", { name: "Logga in med BankID/Freja" }).click();
    await signInAtProvider(page, "E-legitimation", "sara", "bankid-1");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Sara!");
    // Twenty minutes later (the session's time of authentication, moved back).
    db.prepare("update sessions set data = json_set(data, '$.authenticatedAt', ?) where person_id = ?").run(Date.now() - 20 * 60_000, saraId);
    db.close();

    await page.goto(`/plans/${planId}`);
    const signing = page.getByRole("region", { name: "Signering" });
    // No password is asked for (she has none to give here): her broker confirms who she is.
    await expect(signing.getByLabel("Ditt lösenord", { exact: true })).toHaveCount(0);
    await expect(signing.getByRole("button", { name: "Bekräfta med BankID/Freja" })).toBeVisible();
    await expectAccessible(page, "signing, confirm at the provider");
    await signing.getByRole("button", { name: "Bekräfta med BankID/Freja" }).click();
    // The broker asks again (a fresh sign-in), then sends her back to the plan.
    await signInAtProvider(page, "E-legitimation", "sara", "bankid-1");
    await expect(page).toHaveURL(`/plans/${planId}`);
    await signing.getByRole("button", { name: "Signera" }).click();
    await expect(signing.getByRole("listitem").filter({ hasText: "Sara Lindqvist" })).toContainText("signerade");
  });
});
