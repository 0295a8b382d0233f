import { expect, test } from "./fixtures";

/*
 * A person may tap the page before React has taken it over (a slow or busy phone). React 18 then
 * takes it over at once, synchronously; Remix's first render, which waits for the page's data to
 * be decoded, cannot finish that way, and React gave up with "Root did not complete" (#345, once
 * in five clean-clone runs). Here React's first work is held back and the page is tapped meanwhile.
 */
test("a tap before React has taken the page over breaks nothing, and the page then works", async ({ page }) => {
  await page.addInitScript(() => {
    // A busy phone: React's first piece of work (its scheduler posts a null message to itself) is
    // held back 5 s after the page has asked React to take it over.
    const post = MessagePort.prototype.postMessage;
    let held = false;
    MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort["postMessage"]>) {
      if (!held && args[0] === null) {
        held = true;
        setTimeout(() => post.apply(this, args), 5000);
        return;
      }
      return post.apply(this, args);
    } as MessagePort["postMessage"];
  });
  await page.goto("/login", { waitUntil: "domcontentloaded" });
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toBeVisible();
  // React has been asked to take the page over (it has marked the document) but has not done it.
  await expect.poll(() => page.evaluate(() => Object.keys(document).some((key) => key.startsWith("__reactContainer$"))), { intervals: [50] }).toBe(true);
  expect(await page.locator("html[data-hydrated]").count()).toBe(0);
  // Taps in that moment: on the heading, on the e-mail field.
  await heading.click();
  await page.getByLabel("E-post").click();

  // The page is taken over, and works.
  await expect(page.locator("html[data-hydrated]")).toBeAttached({ timeout: 15_000 });
  await page.getByLabel("E-post").fill("elev@demo.test");
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page).toHaveURL("/");
});
