import axe from "axe-core";
import { test as base, expect, type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../support/server";

export { expect };

/** Contexts a serial spec hands on to its next tests (see keepForNextTests). */
const keptContexts = new WeakSet<BrowserContext>();

/**
 * A page a serial spec uses again in its next tests: it stays open when the test that opened it
 * ends. Close it in the spec's afterAll.
 */
export function keepForNextTests(page: Page): Page {
  keptContexts.add(page.context());
  return page;
}

export const test = base.extend<{ failOnPageErrors: void; expectedPageErrors: RegExp[]; closeOpenedContexts: void }, { server: TestServer }>({
  /**
   * Browser errors a test causes on purpose (a refused reconnect while the server is down). One
   * pattern (join alternatives with |): Playwright reads `[a, b]` in test.use as a value and its
   * fixture options.
   */
  expectedPageErrors: [[], { option: true }],
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
  baseURL: async ({ server }, use) => use(server.url),
  /**
   * The browser is shared by every test of the run, and Playwright closes only the contexts of its
   * own `page` fixture: the people a test signs in with `browser.newContext()` stayed open to the
   * end of the run, hundreds of pages whose sockets and event streams kept reconnecting to servers
   * long stopped and whose talk clocks kept ticking. Each test now closes the contexts it opened.
   */
  closeOpenedContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      const opened = browser.contexts().filter((context) => !before.has(context) && !keptContexts.has(context));
      await Promise.all(opened.map((context) => context.close()));
    },
    { auto: true },
  ],
  /**
   * An uncaught exception or a logged error in any page of the test (a hydration mismatch, say)
   * fails it: the test's own `page`, every page of the browsers it opens with
   * `browser.newContext()` (the people it signs in), and the pages a serial spec kept from earlier
   * tests. Only `page` was watched before, so the errors of most signed-in people went unseen; and
   * asking for `page` opened a browser context even in the tests that never use it.
   */
  failOnPageErrors: [
    async ({ browser, expectedPageErrors }, use) => {
      const problems: string[] = [];
      // The stacks go into the failure message: a rare error (a minified React one, say) is then
      // traceable to its throw site from a CI log alone.
      const stacks: string[] = [];
      // Each problem names the page's path (ids, no personal data): which person's page it was.
      const where = (page: Page) => {
        const url = page.url();
        return url.startsWith("http") ? new URL(url).pathname : url;
      };
      const listeners = new Map<Page, { onPageError: (error: Error) => void; onConsole: (message: ConsoleMessage) => void }>();
      const watchPage = (page: Page) => {
        if (listeners.has(page)) return;
        const onPageError = (error: Error) => {
          problems.push(`pageerror on ${where(page)}: ${error.message}`);
          stacks.push(error.stack ?? error.message);
        };
        const onConsole = (message: ConsoleMessage) => {
          // The browser logs every 4xx document as an error; those are asserted where expected.
          if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
            problems.push(`console.error on ${where(page)}: ${message.text()}`);
          }
        };
        listeners.set(page, { onPageError, onConsole });
        page.on("pageerror", onPageError);
        page.on("console", onConsole);
      };
      const watchedContexts = new Set<BrowserContext>();
      const watchContext = (context: BrowserContext) => {
        watchedContexts.add(context);
        context.pages().forEach(watchPage);
        context.on("page", watchPage);
      };
      browser.contexts().forEach(watchContext);
      // Playwright's own `page` fixture opens its context through this same method.
      const newContext = browser.newContext;
      browser.newContext = async (...options) => {
        const context = await newContext.apply(browser, options);
        watchContext(context);
        return context;
      };
      await use();
      browser.newContext = newContext;
      for (const context of watchedContexts) context.off("page", watchPage);
      for (const [page, { onPageError, onConsole }] of listeners) {
        page.off("pageerror", onPageError);
        page.off("console", onConsole);
      }
      const unexpected = problems.filter((p) => !expectedPageErrors.some((pattern) => pattern.test(p)));
      expect(unexpected, unexpected.length > 0 ? `errors in the page; stacks:\n${stacks.join("\n\n")}` : "errors in the page").toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Signs in through the real form, as a person would, and waits for the home page. For the specs
 * about signing in; the others sign in with `signInAs`.
 */
export async function signInThroughForm(page: Page, email: string, password = "demo") {
  await page.goto("/login");
  await page.getByLabel("E-post").fill(email);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page).toHaveURL("/");
}

/**
 * Signs the page's browser in by posting the sign-in form's fields to the real /login action (the
 * same session, cookies and device mark as a person signing in), then opens `at` (the home page
 * unless a test goes straight on elsewhere) and waits until it is hydrated. Loading and filling
 * the sign-in page first cost each of the suite's hundred-odd sign-ins 1.5–3 s; the form itself is
 * tested in sign-in.spec.ts, password-links.spec.ts and accessibility.spec.ts.
 */
async function signInByPost(page: Page, origin: string, email: string, at: string): Promise<void> {
  const response = await page.context().request.post(`${origin}/login`, { form: { email, password: "demo", redirectTo: "/" }, maxRedirects: 0 });
  expect(response.status(), `signing in as ${email}`).toBe(302);
  const address = at.startsWith("http") ? at : `${origin}${at}`;
  await page.goto(address);
  // The home page would send a browser that is not signed in to /login; other pages may redirect.
  if (at === "/") await expect(page).toHaveURL(address);
  await expect(page.locator("html[data-hydrated]")).toBeAttached();
}

/** Signs in (see signInByPost) on the test's server (the page's base URL) and opens `at`, hydrated. */
export async function signInAs(page: Page, email: string, at = "/") {
  await signInByPost(page, "", email, at);
}

export const desktop = { width: 1280, height: 900 };
export const phone = { width: 390, height: 844 };

/**
 * A browser of its own (a new context: its own cookies) signed in as `email` on `server` (a spec's
 * own server), on `at` (its home page unless given) and hydrated. Downloads are accepted, for exports.
 */
export async function signedInPageOn(server: { url: string }, browser: Browser, email: string, viewport = desktop, at = "/"): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await signInByPost(page, server.url, email, at);
  return page;
}

/** Signs in as Alva and opens her plan, waiting until it is live. */
export async function openOwnPlan(page: Page) {
  await signInAs(page, "elev@demo.test");
  await page.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Ansluten" })).toBeVisible();
}

/** An editor's own text, without the collaborators' caret labels that sit inside it. */
export async function textOf(editor: Locator): Promise<string> {
  return editor.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    copy.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
    return copy.textContent ?? "";
  });
}

/** WCAG 2.1 A and AA, the level Swedish public-sector services must meet. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe-core run in the page as it is now, for the WCAG tags, collecting only violations (gathering
 * every passing node doubled a check's time). axe is injected once per document: the Playwright
 * wrapper we used before injected its 570 KB again on every check and finished each run in a new
 * blank page, three quarters of the time of a check (a plan page: 3.5 s, now 0.4 s; the browser
 * suite spent half its time there). Our pages have no frames, which that wrapper exists for.
 */
async function runAxe(page: Page): Promise<axe.AxeResults> {
  const injected = await page.evaluate(() => "axe" in window);
  if (!injected) await page.evaluate(axe.source);
  return page.evaluate(
    (tags) => (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    WCAG_TAGS,
  );
}

/**
 * Runs axe on the page as it is now and fails on any WCAG 2.1 A/AA violation, naming the rule and
 * the elements. `label` says which page and state, for the failure message.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await runAxe(page);
  const violations = results.violations.map(
    (v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, " ").slice(0, 160)}]` : ""}`).join("; ")}`,
  );
  expect(violations, `accessibility violations on ${label} (${page.viewportSize()?.width ?? "?"} px)`).toEqual([]);
}

/** The same page and state checked at desktop and at phone width (390 px), then back. */
export async function expectAccessibleAtBothWidths(page: Page, label: string): Promise<void> {
  const original = page.viewportSize() ?? desktop;
  for (const size of [desktop, phone]) {
    await page.setViewportSize(size);
    await expectAccessible(page, label);
  }
  await page.setViewportSize(original);
}
