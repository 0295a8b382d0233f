import { expect, expectAccessible, test } from "./fixtures";

// The other specs prove only that our pages pass the check; this proves the check can fail.
test("the accessibility check names an image without text, faint text and a button without a name", async ({ page }) => {
  await page.goto("/verify");
  await expectAccessible(page, "the verify page");
  await page.evaluate(() =>
    document.querySelector("main")!.insertAdjacentHTML("beforeend", '<img src="/favicon.ico"><p style="color:#bbb;background:#fff">faint</p><button></button>'),
  );
  const failure = await expectAccessible(page, "the verify page, broken on purpose").then(
    () => "no violations found",
    (error: Error) => error.message,
  );
  expect(failure).toContain("image-alt");
  expect(failure).toContain("color-contrast");
  expect(failure).toContain("button-name");
});
