import Database from "better-sqlite3";
import type { Browser, Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";
import { expect, expectAccessible, openOwnPlan, test, textOf, signedInPageOn } from "./fixtures";

/**
 * The web edges in a real browser: a redirect target that Chromium would read as another site, a
 * signing page left open while the plan is unlocked and locked again, the password asked again
 * before a signature, and the Content-Security-Policy leaving the editor, the drawing pad and the
 * downloads working.
 */

test("a sign-in link with a tab-smuggled redirect target lands on our own home page", async ({ page, baseURL }) => {
  let leftTheSite = false;
  await page.route((url) => url.hostname.endsWith("evil.example"), (route) => {
    leftTheSite = true;
    return route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Phished</h1>" });
  });
  await page.goto("/login?redirectTo=/%09/evil.example/phish");
  await page.getByLabel("E-post").fill("elev@demo.test");
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej Alva!");
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  expect(leftTheSite).toBe(false);
});

test("the Content-Security-Policy lets the editor, its live connection and the pages work, and nothing is refused", async ({ page }) => {
  // Every refusal by the policy, recorded in the page itself.
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = violations;
    document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const login = await page.goto("/login");
  expect(login!.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  await openOwnPlan(page);
  // The plan page itself, loaded as a document, under the policy.
  const reload = await page.reload();
  expect(reload!.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  const about = page.getByRole("textbox", { name: "Om mig, elevens text" });
  await about.click();
  await page.keyboard.type("Skrivet under en strikt policy.");
  await expect.poll(() => textOf(about)).toContain("Skrivet under en strikt policy.");
  // Client-side navigation (data requests) and back.
  await page.getByRole("link", { name: "Alva Lindqvist" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alva Lindqvist");
  await page.goBack();
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
});

test("under the Content-Security-Policy a Tigrinya page gets its Ethiopic font and Arabic pages turn right to left, and nothing is refused", async ({ page }) => {
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = violations;
    document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await page.goto("/login");
  // The page's own @font-face rules (an inline style) and the preloaded font files.
  await page.getByRole("region", { name: "Välj språk" }).getByRole("button", { name: "ትግርኛ" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ti");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("እቶ");
  await expect.poll(() => page.evaluate(() => document.fonts.check('16px "Noto Sans Ethiopic"', "ሀ") && [...document.fonts].some((f) => f.family.includes("Noto Sans Ethiopic") && f.status === "loaded"))).toBe(true);
  await page.getByRole("link", { name: "ምስጢራዊ ቃልካ ረሲዕካዮ ዶ?" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ምስጢራዊ ቃልካ ረሲዕካዮ ዶ?");
  await page.getByRole("region", { name: "ቋንቋ ምረጽ" }).getByRole("button", { name: "العربية" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("هل نسيت كلمة المرور؟");
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
});

// The signing journeys lock Alva's plan, so they get a server and database of their own.
let own: TestServer;
let sqlite: Database.Database;
test.describe("signing", () => {
  test.beforeAll(async () => {
    own = await startTestServer();
    sqlite = new Database(own.databasePath, { fileMustExist: true });
    sqlite.pragma("busy_timeout = 5000");
  });
  test.afterAll(async () => {
    sqlite.close();
    await own.stop();
    own.cleanup();
  });

  const signedInPage = (browser: Browser, email: string, viewport?: { width: number; height: number }, at?: string) => signedInPageOn(own, browser, email, viewport, at);

  /** As if the person signed in long ago: the session's authentication time moved back. */
  function authenticatedMinutesAgo(email: string, minutes: number) {
    sqlite
      .prepare("update sessions set data = json_set(data, '$.authenticatedAt', ?) where person_id = (select id from people where email = ?)")
      .run(Date.now() - minutes * 60_000, email);
  }

  const alvaId = () => (sqlite.prepare("select id from people where email = 'elev@demo.test'").get() as { id: string }).id;

  /** The mentor opens Alva's plan and locks it if it is a draft (both guardians sign); the page stays open. */
  async function mentorWithLockedPlan(browser: Browser): Promise<{ mentor: Page; planAddress: string }> {
    const mentor = await signedInPage(browser, "mentor@demo.test", undefined, `${own.url}/pupils/${alvaId()}/plan`);
    const lock = mentor.getByRole("region", { name: "Låsa och signera" }).getByRole("button", { name: "Lås planen" });
    if (await lock.isVisible()) await lock.click();
    await expect(mentor.getByRole("region", { name: "Signering" })).toContainText(/Du signerar version \d+/);
    return { mentor, planAddress: new URL(mentor.url()).pathname };
  }

  test("a page left open while the plan was unlocked and locked again does not sign the new version, and shows it", async ({ browser }) => {
    const { mentor, planAddress } = await mentorWithLockedPlan(browser);
    const shownToMentor = mentor.getByRole("region", { name: "Signering" });
    const first = Number(/Du signerar version (\d+)/.exec((await shownToMentor.textContent()) ?? "")![1]);

    // Alva's phone hears nothing more once the page is shown (it went to sleep): no live events,
    // and the plan's live connection never reaches the server.
    const alva = await signedInPage(browser, "elev@demo.test");
    await alva.route(/\/events\b/, (route) => route.fulfill({ status: 200, contentType: "text/event-stream", body: "retry: 600000\n\n" }));
    await alva.routeWebSocket(/\/collab/, () => {});
    await alva.goto(`${own.url}${planAddress}`);
    const alvaSigning = alva.getByRole("region", { name: "Signering" });
    await expect(alvaSigning).toContainText(`Du signerar version ${first}`);

    // Meanwhile the mentor corrects the plan: unlocks it and locks it again.
    const unlock = mentor.locator("details.unlock");
    await unlock.locator("summary").click();
    await unlock.getByLabel("Varför behövs rättelsen?").fill("Fel i målen.");
    await unlock.getByRole("button", { name: "Lås upp" }).click();
    await mentor.getByRole("region", { name: "Låsa och signera" }).getByRole("button", { name: "Lås planen" }).click();
    await expect(shownToMentor).toContainText(`Du signerar version ${first + 1}`);
    const signaturesBefore = (sqlite.prepare("select count(*) as n from signatures").get() as { n: number }).n;

    // Her page still shows the old version; she signs it.
    await expect(alvaSigning).toContainText(`Du signerar version ${first}`);
    await alvaSigning.getByRole("button", { name: "Signera" }).click();
    const alert = alvaSigning.getByRole("alert");
    await expect(alert).toContainText(`låsts igen som version ${first + 1}`);
    await expect(alert).toContainText("Din signatur sparades inte");
    // The page now shows the version she is asked to sign, and nothing was stored.
    await expect(alvaSigning).toContainText(`Du signerar version ${first + 1}`);
    await expect(alvaSigning).toContainText("Alva Lindqvist (elev) – har inte signerat");
    expect((sqlite.prepare("select count(*) as n from signatures").get() as { n: number }).n).toBe(signaturesBefore);
    await alvaSigning.screenshot({ path: "test-results/screenshots/signing-stale-version.png" });
    await expectAccessible(alva, "signing refused: a newer version");

    // Having read it, she signs the new version.
    await alvaSigning.getByRole("button", { name: "Signera" }).click();
    await expect(alvaSigning).toContainText(/Alva Lindqvist \(elev\) – signerade/);
    const hers = sqlite
      .prepare("select v.version from signatures s join plan_versions v on v.id = s.plan_version_id join people p on p.id = s.signer_id where p.email = 'elev@demo.test'")
      .all();
    expect(hers).toEqual([{ version: first + 1 }]);
  });

  test("signing on one's own device asks for the password again when the sign-in is old", async ({ browser }) => {
    const { mentor } = await mentorWithLockedPlan(browser);
    const signing = mentor.getByRole("region", { name: "Signering" });
    await expect(signing.getByLabel("Ditt lösenord")).toHaveCount(0);

    authenticatedMinutesAgo("mentor@demo.test", 20);
    await mentor.reload();
    const password = signing.getByLabel("Ditt lösenord");
    await expect(password).toBeVisible();
    await expect(password).toHaveAccessibleDescription(/mer än fem minuter/);
    await signing.screenshot({ path: "test-results/screenshots/signing-password-again.png" });
    await expectAccessible(mentor, "signing asks for the password again");

    await password.fill("fel");
    await signing.getByRole("button", { name: "Signera" }).click();
    await expect(signing.getByRole("alert")).toHaveText("Lösenordet stämmer inte.");
    await expectAccessible(mentor, "signing with a wrong password");
    expect((sqlite.prepare("select count(*) as n from signatures s join people p on p.id = s.signer_id where p.email = 'mentor@demo.test'").get() as { n: number }).n).toBe(0);
    await signing.getByLabel("Ditt lösenord").fill("demo");
    await signing.getByRole("button", { name: "Signera" }).click();
    await expect(signing).toContainText(/Jonas Ek \(mentor\) – signerade/);
  });

  test("a session grown old while the page was open is asked for the password when it signs", async ({ browser }) => {
    const { planAddress } = await mentorWithLockedPlan(browser);
    // Sara opens the plan right after signing in (no password asked), then leaves the page open.
    const sara = await signedInPage(browser, "vh@demo.test", undefined, `${own.url}${planAddress}`);
    const signing = sara.getByRole("region", { name: "Signering" });
    await expect(signing.getByRole("button", { name: "Signera" }).first()).toBeVisible();
    await expect(signing.getByLabel("Ditt lösenord")).toHaveCount(0);
    authenticatedMinutesAgo("vh@demo.test", 20);
    await signing.getByRole("button", { name: "Signera" }).first().click();
    await expect(signing.getByRole("alert")).toContainText("Bekräfta att det är du med ditt lösenord");
    await signing.getByLabel("Ditt lösenord").fill("demo");
    await signing.getByRole("button", { name: "Signera" }).first().click();
    await expect(signing).toContainText(/Sara Lindqvist \(vårdnadshavare\) – signerade/);
  });
});
