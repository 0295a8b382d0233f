/**
 * Takes screenshots of the main pages as each persona, at desktop and phone widths, into
 * ./screenshots (not committed). For looking at what we build: `npm run screenshots`.
 */
import { mkdirSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { startTestProvider } from "../support/oidc-provider";
import { startTestServer } from "../support/server";
import { importScreenshots } from "./import-screenshots";

const out = "screenshots";
mkdirSync(out, { recursive: true });
const server = await startTestServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("E-post").fill(email);
  await page.getByLabel("Lösenord").fill("demo");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL(`${server.url}/`);
}

try {
  for (const [size, viewport] of Object.entries(viewports)) {
    const context = await browser.newContext({ viewport, locale: "sv-SE" });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.screenshot({ path: `${out}/login-${size}.png`, fullPage: true });
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.screenshot({ path: `${out}/login-errors-${size}.png`, fullPage: true });
    for (const [name, email] of [
      ["pupil", "elev@demo.test"],
      ["guardian", "vh@demo.test"],
      ["mentor", "mentor@demo.test"],
      ["teacher", "matte@demo.test"],
      ["admin", "admin@demo.test"],
    ] as const) {
      await context.clearCookies();
      await signIn(page, email);
      await page.screenshot({ path: `${out}/home-${name}-${size}.png`, fullPage: true });
    }
    await context.clearCookies();
    await signIn(page, "vh@demo.test");
    await page.getByRole("link", { name: /Alva Lindqvist/ }).click();
    await page.getByRole("heading", { name: "Alva Lindqvist" }).waitFor();
    await page.screenshot({ path: `${out}/pupil-guardian-${size}.png`, fullPage: true });
    await context.clearCookies();
    await signIn(page, "admin@demo.test");
    await page.goto(`${server.url}/admin`);
    await page.screenshot({ path: `${out}/admin-${size}.png`, fullPage: true });
    await page.goto(`${server.url}/no-such-page`);
    await page.screenshot({ path: `${out}/not-found-${size}.png`, fullPage: true });
    await context.close();
  }

  // The live plan: the pupil writing, the guardian and the mentor reading along.
  for (const [size, viewport] of Object.entries(viewports)) {
    const pupilContext = await browser.newContext({ viewport: viewports.desktop, locale: "sv-SE" });
    const pupil = await pupilContext.newPage();
    await signIn(pupil, "elev@demo.test");
    await pupil.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
    await pupil.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    const about = pupil.getByRole("textbox", { name: "Om mig, elevens text" });
    if (((await about.textContent()) ?? "").trim() === "") {
      await about.click();
      await pupil.keyboard.type("Jag heter Alva och går i 8A. Jag tycker om NO och bild, men matte är svårt ibland.");
      await pupil.getByRole("textbox", { name: "Mina mål, elevens text" }).click();
      await pupil.keyboard.type("Klara E i matte. Läsa en bok i månaden.");
    }
    const planUrl = pupil.url();
    for (const [who, email] of [["guardian", "vh@demo.test"], ["mentor", "mentor@demo.test"]] as const) {
      const context = await browser.newContext({ viewport, locale: "sv-SE" });
      const page = await context.newPage();
      await signIn(page, email);
      await page.goto(planUrl);
      await page.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/plan-${who}-${size}.png`, fullPage: size === "phone" ? false : true });
      await context.close();
    }
    await about.click();
    await pupil.keyboard.press("End");
    await pupil.screenshot({ path: `${out}/plan-pupil-${size}.png` });
    await pupilContext.close();
  }
  // Assessments and comments: the teacher's grid, then a plan with threads (teacher, pupil, guardian).
  {
    const teacherContext = await browser.newContext({ viewport: viewports.desktop, locale: "sv-SE" });
    const teacher = await teacherContext.newPage();
    await signIn(teacher, "matte@demo.test");
    await teacher.screenshot({ path: `${out}/home-teacher-waiting-desktop.png`, fullPage: true });
    await teacher.getByRole("link", { name: "Bedömningar", exact: true }).click();
    await teacher.getByRole("heading", { level: 1, name: "Bedömningar" }).waitFor();
    await teacher.screenshot({ path: `${out}/assessments-list-desktop.png`, fullPage: true });
    await teacher.getByRole("link", { name: /8A Matematik/ }).click();
    await teacher.getByRole("radiogroup").first().getByRole("radio").first().focus();
    const grades = ["c", "b", "e", "c", "a", "d", "c", "-", "b", "e"];
    for (const key of grades) {
      await teacher.keyboard.press(key);
      await teacher.keyboard.press("Tab");
      await teacher.keyboard.type("Arbetar stadigt. Nästa steg: förklara lösningarna tydligare.");
      await teacher.keyboard.press("Enter");
    }
    await teacher.waitForTimeout(1200);
    await teacher.screenshot({ path: `${out}/assessment-grid-desktop.png`, fullPage: false });
    await teacher.setViewportSize(viewports.phone);
    await teacher.screenshot({ path: `${out}/assessment-grid-phone.png`, fullPage: false });
    await teacher.setViewportSize(viewports.desktop);

    const pupilContext = await browser.newContext({ viewport: viewports.desktop, locale: "sv-SE" });
    const pupil = await pupilContext.newPage();
    await signIn(pupil, "elev@demo.test");
    await pupil.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
    await pupil.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    const reflection = pupil.getByRole("textbox", { name: "Matematik: Min reflektion, elevens text" });
    await reflection.click();
    await pupil.keyboard.type("Jag klarar ekvationer men vill bli bättre på bråk och procent.");
    const planUrl = pupil.url();

    await teacher.goto(planUrl);
    const maths = teacher.getByRole("region", { name: "Matematik", exact: true });
    await maths.getByRole("button", { name: "Kommentera", exact: true }).click();
    await maths.getByLabel("Kommentar", { exact: true }).fill("C för att du löser uppgifterna säkert. För B: visa fler steg i dina uträkningar.");
    await maths.getByRole("button", { name: "Skicka" }).click();
    await maths.getByRole("article").first().waitFor();
    await maths.getByRole("textbox", { name: "Matematik: Min reflektion, elevens text" }).evaluate((element) => {
      const text = element.querySelector("p")!.firstChild!;
      const range = document.createRange();
      const content = text.textContent ?? "";
      range.setStart(text, content.indexOf("bråk och procent"));
      range.setEnd(text, content.indexOf("bråk och procent") + "bråk och procent".length);
      window.getSelection()!.removeAllRanges();
      window.getSelection()!.addRange(range);
    });
    await maths.getByRole("button", { name: "Kommentera markerad text" }).click();
    await maths.getByLabel("Kommentar", { exact: true }).fill("Bra mål! Vi kan öva på bråk på onsdagarnas stödpass.");
    await maths.getByRole("button", { name: "Skicka" }).click();
    await maths.getByRole("article").nth(1).waitFor();
    await maths.getByRole("button", { name: "Kommentera", exact: true }).click();
    await maths.getByLabel("Kommentar", { exact: true }).fill("Till mentorn: provet i vecka 45 gick sämre, ta upp enskilt.");
    await maths.getByLabel(/Bara för personal/).check();
    await maths.getByRole("button", { name: "Skicka" }).click();
    await maths.getByRole("article").nth(2).waitFor();

    const pupilMaths = pupil.getByRole("region", { name: "Matematik", exact: true });
    const thread = pupilMaths.getByRole("article", { name: /Om bedömningen/ });
    await thread.getByLabel("Svar till tråden").fill("Tack! Jag ska skriva ut alla steg.");
    await thread.getByRole("button", { name: "Svara" }).click();
    await thread.getByText("Tack! Jag ska skriva ut alla steg.").waitFor();
    await pupilMaths.scrollIntoViewIfNeeded();
    await pupil.waitForTimeout(300);
    await pupilMaths.screenshot({ path: `${out}/plan-threads-pupil-desktop.png` });
    await teacher.reload();
    await teacher.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    await teacher.getByRole("region", { name: "Matematik", exact: true }).screenshot({ path: `${out}/plan-threads-teacher-desktop.png` });

    const guardianContext = await browser.newContext({ viewport: viewports.phone, locale: "sv-SE" });
    const guardian = await guardianContext.newPage();
    await signIn(guardian, "vh@demo.test");
    await guardian.goto(planUrl);
    await guardian.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    await guardian.getByRole("region", { name: "Matematik", exact: true }).scrollIntoViewIfNeeded();
    await guardian.waitForTimeout(300);
    await guardian.getByRole("region", { name: "Matematik", exact: true }).screenshot({ path: `${out}/plan-threads-guardian-phone.png` });
    await teacher.goto(`${server.url}/`);
    await teacher.screenshot({ path: `${out}/home-teacher-waiting-desktop.png`, fullPage: true });
    await Promise.all([teacherContext.close(), pupilContext.close(), guardianContext.close()]);
  }
  // Talk day: planning, the guardian's answer, the outbox, the talk view, a call, the sitting board.
  {
    const open = async (email: string, viewport: { width: number; height: number }) => {
      const context = await browser.newContext({ viewport, locale: "sv-SE", timezoneId: "Europe/Stockholm" });
      const page = await context.newPage();
      await signIn(page, email);
      return page;
    };
    const day = (n: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm" }).format(new Date(Date.now() + n * 86_400_000));
    const mentor = await open("mentor@demo.test", viewports.desktop);
    await mentor.goto(`${server.url}/talk-days`);
    await mentor.getByLabel("Dag 1").fill(day(7));
    await mentor.getByLabel("Dag 2").fill(day(8));
    await mentor.getByLabel("Plats", { exact: true }).fill("Matsalen");
    await mentor.getByLabel(/Länk till skolans videotjänst/).fill("https://video.example.se/solbacken");
    await mentor.getByLabel("8A – Jonas Ek").check();
    await mentor.screenshot({ path: `${out}/talk-days-create-desktop.png`, fullPage: true });
    await mentor.getByRole("button", { name: "Skapa och placera eleverna" }).click();
    await mentor.getByRole("heading", { name: "Samtalsplanering" }).waitFor();
    await mentor.screenshot({ path: `${out}/talk-board-desktop.png`, fullPage: true });
    await mentor.getByRole("button", { name: "Skicka inbjudningar" }).click();
    await mentor.getByText(/inbjudningar har skapats/).waitFor();
    const sara = await open("vh@demo.test", viewports.phone);
    await sara.screenshot({ path: `${out}/talk-guardian-home-phone.png`, fullPage: true });
    const card = sara.getByRole("article", { name: "Samtal för Alva Lindqvist" });
    await card.getByLabel("på distans").check();
    await card.getByLabel("Vi behöver tolk").check();
    await card.getByLabel("Språk för tolken").fill("arabiska");
    await card.getByRole("button", { name: "Bekräfta" }).click();
    await card.getByText("Tack! Ditt svar är sparat.").waitFor();
    await card.screenshot({ path: `${out}/talk-guardian-confirmed-phone.png` });
    const admin = await open("admin@demo.test", viewports.desktop);
    await admin.goto(`${server.url}/admin/outbox`);
    await admin.getByText("Inbjudan till utvecklingssamtal för Alva Lindqvist").first().click();
    await admin.screenshot({ path: `${out}/outbox-desktop.png`, fullPage: true });

    const alva = await open("elev@demo.test", { width: 1024, height: 768 });
    await alva.getByRole("link", { name: "Öppna samtalsvyn" }).click();
    await alva.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    await alva.screenshot({ path: `${out}/talk-view-tablet-before.png` });
    await alva.getByRole("button", { name: "Starta samtalet" }).click();
    await alva.getByRole("button", { name: "Starta om klockan" }).waitFor();
    const teacher = await open("matte@demo.test", viewports.desktop);
    await alva.getByRole("listitem").filter({ hasText: "Matematik" }).getByRole("button", { name: "Kalla på lärare" }).click();
    await teacher.getByRole("button", { name: "Jag kommer" }).waitFor();
    await teacher.screenshot({ path: `${out}/talk-call-teacher-desktop.png` });
    await alva.getByRole("button", { name: "Matematik" }).click();
    await alva.waitForTimeout(800);
    await alva.screenshot({ path: `${out}/talk-view-tablet.png` });
    await teacher.getByRole("button", { name: "Jag kommer" }).click();
    await alva.getByText(/Karin Holm är på väg/).waitFor();
    await alva.screenshot({ path: `${out}/talk-view-tablet-acknowledged.png` });
    const guardianTalk = await open("vh@demo.test", viewports.phone);
    await guardianTalk.getByRole("link", { name: "Öppna samtalet" }).click();
    await guardianTalk.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    await guardianTalk.waitForTimeout(800);
    await guardianTalk.screenshot({ path: `${out}/talk-view-guardian-phone.png` });
    await guardianTalk.screenshot({ path: `${out}/talk-view-guardian-phone-full.png`, fullPage: true });
    await mentor.goto(alva.url());
    await mentor.getByRole("link", { name: "Sittningstavla" }).click();
    await mentor.getByRole("heading", { name: /^Sittning / }).waitFor();
    await mentor.screenshot({ path: `${out}/talk-sitting-board-desktop.png`, fullPage: true });
    // The maths teacher reads the talk in English (the language is kept per person).
    await teacher.goto(alva.url());
    await teacher.locator(".language-menu summary").click();
    await teacher.getByRole("button", { name: "English" }).click();
    await teacher.getByRole("heading", { name: /Development talk/ }).waitFor();
    await teacher.screenshot({ path: `${out}/talk-view-teacher-en-desktop.png` });
    await Promise.all([mentor, sara, admin, alva, teacher, guardianTalk].map((p) => p.context().close()));
  }
  // The end of the talk: the mentor locks, everyone signs, the PDF, /verify and the log.
  {
    const open = async (email: string, viewport: { width: number; height: number }) => {
      const context = await browser.newContext({ viewport, locale: "sv-SE", acceptDownloads: true });
      const page = await context.newPage();
      await signIn(page, email);
      return page;
    };
    const alva = await open("elev@demo.test", viewports.desktop);
    await alva.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
    await alva.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    const planUrl = alva.url();
    const mentor = await open("mentor@demo.test", viewports.desktop);
    await mentor.goto(planUrl);
    await mentor.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
    const lockCard = mentor.getByRole("region", { name: "Låsa och signera" });
    await lockCard.scrollIntoViewIfNeeded();
    await lockCard.screenshot({ path: `${out}/lock-form-mentor-desktop.png` });
    await lockCard.getByLabel("Johan Berg").uncheck();
    await lockCard.getByRole("button", { name: "Lås planen" }).click();
    await alva.getByRole("status").filter({ hasText: "låst för signering" }).waitFor();
    const signing = alva.getByRole("region", { name: "Signering" });
    const pad = signing.getByRole("img");
    const box = (await pad.boundingBox())!;
    await alva.mouse.move(box.x + 20, box.y + 60);
    await alva.mouse.down();
    for (const [x, y] of [[50, 25], [80, 70], [110, 30], [150, 60], [190, 35], [240, 55]]) await alva.mouse.move(box.x + x!, box.y + y!);
    await alva.mouse.up();
    await alva.screenshot({ path: `${out}/plan-locked-pupil-desktop.png` });
    await signing.getByRole("button", { name: "Signera" }).click();
    await signing.getByText(/Alva Lindqvist \(elev\) – signerade/).waitFor();
    const sara = await open("vh@demo.test", viewports.phone);
    await sara.goto(planUrl);
    await sara.getByRole("region", { name: "Signering" }).scrollIntoViewIfNeeded();
    await sara.screenshot({ path: `${out}/plan-locked-guardian-phone.png` });
    await sara.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
    await mentor.getByRole("region", { name: "Signering" }).getByRole("button", { name: "Signera" }).click();
    await alva.getByText("Planen är signerad av alla.").waitFor();
    await alva.getByRole("region", { name: "Signering" }).screenshot({ path: `${out}/plan-signed-pupil-desktop.png` });
    const downloading = alva.waitForEvent("download");
    await alva.getByRole("link", { name: "Ladda ner PDF" }).click();
    await (await downloading).saveAs(`${out}/signed-plan.pdf`);
    const code = (await alva.getByRole("region", { name: "Signering" }).locator("strong").first().textContent())!;
    await alva.getByRole("link", { name: "Vem har öppnat planen?" }).click();
    await alva.getByRole("heading", { level: 1 }).waitFor();
    await alva.screenshot({ path: `${out}/plan-log-pupil-desktop.png`, fullPage: true });
    const visitor = await (await browser.newContext({ viewport: viewports.phone, locale: "sv-SE" })).newPage();
    await visitor.goto(`${server.url}/verify`);
    await visitor.getByLabel("Verifieringskod", { exact: true }).fill(code);
    await visitor.getByRole("button", { name: "Kontrollera" }).first().click();
    await visitor.getByRole("heading", { name: "Äkta och oförändrad" }).waitFor();
    await visitor.screenshot({ path: `${out}/verify-phone.png`, fullPage: true });
  }
  await signInPages();
  await importScreenshots(browser, server.url, out, signIn);
  console.log(`screenshots in ./${out}`);
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
}

/** Sign-in with providers, the "no matching person" page, forgot and set password, the admin's accounts page. */
async function signInPages() {
  const idp = await startTestProvider({
    name: "Sjöviks kommun",
    accounts: [{ sub: "ny", username: "ny.person", password: "x", claims: { email: "ny.person@sjovik.example", email_verified: true } }],
  });
  const withProviders = await startTestServer({
    env: {
      OIDC_STAFF_ISSUER: idp.issuer,
      OIDC_STAFF_CLIENT_ID: idp.clientId,
      OIDC_STAFF_CLIENT_SECRET: idp.clientSecret,
      OIDC_GUARDIAN_ISSUER: idp.issuer,
      OIDC_GUARDIAN_CLIENT_ID: "not-used",
    },
  });
  await idp.registerClient({ redirectUri: `${withProviders.url}/auth/staff/callback`, postLogoutRedirectUri: `${withProviders.url}/login` });
  try {
    for (const [size, viewport] of Object.entries(viewports)) {
      const context = await browser.newContext({ viewport, locale: "sv-SE" });
      const page = await context.newPage();
      await page.goto(`${withProviders.url}/login`);
      await page.screenshot({ path: `${out}/login-providers-${size}.png`, fullPage: true });
      await page.getByRole("button", { name: "Logga in med skolkonto" }).click();
      await page.getByLabel("Användarnamn").fill("ny.person");
      await page.getByLabel("Lösenord").fill("x");
      await page.getByRole("button", { name: "Logga in" }).click();
      await page.getByRole("heading", { name: "Vi hittar dig inte i skolans register" }).waitFor();
      await page.screenshot({ path: `${out}/sign-in-no-match-${size}.png`, fullPage: true });

      await page.goto(`${withProviders.url}/password/forgot`);
      await page.screenshot({ path: `${out}/password-forgot-${size}.png`, fullPage: true });
      await page.getByLabel("E-post").fill("vh@demo.test");
      await page.getByRole("button", { name: "Skicka länk" }).click();
      await page.getByRole("status").waitFor();
      await page.screenshot({ path: `${out}/password-forgot-sent-${size}.png`, fullPage: true });
      const db = new Database(withProviders.databasePath, { readonly: true });
      const body = (db.prepare("select body from outbox_messages where kind = 'password-reset' order by created_at desc limit 1").get() as { body: string }).body;
      db.close();
      await page.goto(/https?:\/\/\S+\/password\/set\?token=\S+/.exec(body)![0]);
      await page.screenshot({ path: `${out}/password-set-${size}.png`, fullPage: true });
      await page.getByLabel("Nytt lösenord").fill("kort");
      await page.getByLabel("Upprepa lösenordet").fill("annat");
      await page.getByRole("button", { name: "Spara lösenordet och logga in" }).click();
      await page.getByText("Lösenordet måste vara minst 10 tecken långt.").waitFor();
      await page.screenshot({ path: `${out}/password-set-errors-${size}.png`, fullPage: true });
      await page.goto(`${withProviders.url}/password/set?token=${"x".repeat(43)}`);
      await page.screenshot({ path: `${out}/password-link-invalid-${size}.png`, fullPage: true });

      await page.goto(`${withProviders.url}/login`);
      await page.getByLabel("E-post").fill("admin@demo.test");
      await page.getByLabel("Lösenord").fill("demo");
      await page.getByRole("button", { name: "Logga in", exact: true }).click();
      await page.waitForURL(`${withProviders.url}/`);
      await page.goto(`${withProviders.url}/admin/accounts`);
      await page.getByRole("region", { name: "Elever och vårdnadshavare" }).getByLabel("Klass").selectOption({ label: "8A" });
      await page.getByRole("button", { name: "Visa" }).click();
      await page.getByRole("heading", { name: "Vårdnadshavare i 8A" }).waitFor();
      await page.getByRole("button", { name: "Skicka ny länk till Karin Holm" }).click();
      await page.getByRole("status").getByText("1 inbjudan skickad.").waitFor();
      await page.screenshot({ path: `${out}/admin-accounts-${size}.png`, fullPage: true });
      await context.close();
    }
  } finally {
    await withProviders.stop();
    withProviders.cleanup();
    await idp.close();
  }
}
