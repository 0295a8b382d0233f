import { expect, expectAccessible, signInAs, test } from "./fixtures";

test("another family's guardian cannot open anything of Alva's, by link or typed address", async ({ page, browser }) => {
  // Alva's guardian opens her page: that address is what a stranger might be sent or guess.
  await signInAs(page, "vh@demo.test");
  await page.getByRole("region", { name: "Mina barn" }).getByRole("link", { name: /Alva Lindqvist/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alva Lindqvist");
  const alvaAddress = new URL(page.url()).pathname;

  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  await signInAs(stranger, "annan.vh@demo.test");
  const response = await stranger.goto(alvaAddress);
  expect(response?.status()).toBe(404);
  await expect(stranger.getByRole("heading", { level: 1 })).toHaveText("Sidan finns inte");
  await expect(stranger.locator("body")).not.toContainText("Alva");
  await expect(stranger.locator("body")).not.toContainText("Lindqvist");
  await expectAccessible(stranger, "not found");

  // Following a link inside the app (client-side navigation) is refused the same way.
  await stranger.goto("/");
  // Plant the link only once React runs the page, or hydration may sweep it away.
  await stranger.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await stranger.evaluate((href) => {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = "länk";
    link.id = "planted";
    document.querySelector("main")!.append(link);
  }, alvaAddress);
  await stranger.locator("#planted").click();
  await expect(stranger.getByRole("heading", { level: 1 })).toHaveText("Sidan finns inte");
  await expect(stranger.locator("body")).not.toContainText("Lindqvist");
  await strangerContext.close();
});

test("a signed-out visitor asked for a pupil page is sent to sign in, and back afterwards", async ({ page, browser }) => {
  await signInAs(page, "vh@demo.test");
  await page.getByRole("link", { name: /Alva Lindqvist/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alva Lindqvist");
  const alvaAddress = new URL(page.url()).pathname;

  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(alvaAddress);
  await expect(visitor).toHaveURL(/\/login\?redirectTo=/);
  await visitor.getByLabel("E-post").fill("vh2@demo.test");
  await visitor.getByLabel("Lösenord").fill("demo");
  await visitor.getByRole("button", { name: "Logga in" }).click();
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Alva Lindqvist");
  // A guardian does not see the other household's guardian listed.
  await expect(visitor.getByRole("heading", { name: "Vårdnadshavare" })).toHaveCount(0);
  await context.close();
});
