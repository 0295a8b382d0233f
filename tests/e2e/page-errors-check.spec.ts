import { expect, signedInPageOn, test } from "./fixtures";

// Every spec relies on failOnPageErrors to notice a page that broke; these prove it notices, also
// in the browsers a test opens for the people it signs in (not only in its own `page`).
test.describe("an error in a page fails the test", () => {
  test.fail();

  test("in the test's own page", async ({ page }) => {
    await page.goto("/verify");
    await page.evaluate(() => setTimeout(() => { throw new Error("thrown on purpose"); }));
    await expect.poll(() => page.evaluate(() => document.readyState)).toBe("complete");
  });

  test("in a signed-in person's own browser", async ({ browser, server }) => {
    const guardian = await signedInPageOn(server, browser, "vh@demo.test");
    await guardian.evaluate(() => console.error("logged on purpose"));
    await expect(guardian.getByRole("main")).toBeVisible();
  });
});
