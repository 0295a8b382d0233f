import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { download, firstPlanId, get, postForm, rawRequest, signInEach } from "../support/http";
import { pdfText } from "../support/pdf";
import { startTestServer, type TestServer } from "../support/server";

/**
 * What a signature is worth, through the real server: it covers exactly the version the signer was
 * shown, it is an act of intent (a recent password on one's own device), and /verify tells a
 * complete, an incomplete, a voided and a doctored plan apart, by code and by file alike.
 */

const PUBLIC_URL = "https://iup.example.test";

let server: TestServer;
let sqlite: Database.Database;
let writer: Database.Database;
const cookies: Record<string, string> = {};
let planId = "";

const one = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T;
const personId = (email: string) => one<{ id: string }>("select id from people where email = ?", email).id;
const action = (who: string, fields: Record<string, string>) => postForm(`${server.url}/plans/${planId}`, fields, cookies[who]);
const signatureCount = () => one<{ n: number }>("select count(*) as n from signatures").n;
const currentVersion = () =>
  one<{ id: string; version: number; content_hash: string; verification_code: string; status: string }>(
    "select * from plan_versions where plan_id = ? order by version desc limit 1",
    planId,
  );

/** What the person's plan page shows in its signing form: the version and hash it asks them to sign. */
async function shownForSigning(who: string): Promise<{ version: string; contentHash: string; asksPassword: boolean }> {
  const html = await (await get(`${server.url}/plans/${planId}`, cookies[who])).text();
  const form = /<form[^>]*class="sign-form"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? "";
  return {
    version: /name="version" value="(\d+)"/.exec(form)?.[1] ?? "",
    contentHash: /name="contentHash" value="([0-9a-f]{64})"/.exec(form)?.[1] ?? "",
    asksPassword: /name="password"/.test(form),
  };
}

/** Moves the time of the person's last authentication back, as if they signed in long ago. */
function authenticatedMinutesAgo(email: string, minutes: number | null) {
  const id = personId(email);
  if (minutes === null) writer.prepare("update sessions set data = json_remove(data, '$.authenticatedAt') where person_id = ?").run(id);
  else writer.prepare("update sessions set data = json_set(data, '$.authenticatedAt', ?) where person_id = ?").run(Date.now() - minutes * 60_000, id);
}

async function verifyByCode(code: string, who?: string): Promise<string> {
  return (await postForm(`${server.url}/verify`, { intent: "code", code }, who ? cookies[who] : undefined)).text();
}

async function verifyFile(content: string, who?: string): Promise<string> {
  const form = new FormData();
  form.set("intent", "file");
  form.set("file", new Blob([content], { type: "application/json" }), "plan.json");
  return (await fetch(`${server.url}/verify`, { method: "POST", body: form, headers: who ? { Cookie: cookies[who]! } : {} })).text();
}

/** The verdict's heading on the /verify page. */
const verdict = (html: string) => /<h2 id="verify-result"[^>]*>([^<]*)</.exec(html)?.[1] ?? "";

const GENUINE = "Äkta och oförändrad";
const INCOMPLETE = "Äkta, men inte signerad av alla";
const VOIDED = "Makulerad – gäller inte längre";
const NOT_GENUINE = "Kunde inte bekräftas som äkta";

interface ExportFile {
  record: { plan: { id: string; version: number } };
  contentHash: string;
  verificationCode: string;
  status: string;
  signatures: Array<{ statement: string; seal: string; keyId: string }>;
}

beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL } });
  Object.assign(
    cookies,
    await signInEach(server.url, { alva: "elev@demo.test", sara: "vh@demo.test", mentor: "mentor@demo.test", stranger: "annan.vh@demo.test" }),
  );
  planId = await firstPlanId(server.url, cookies.alva!);
  sqlite = new Database(server.databasePath, { readonly: true, fileMustExist: true });
  writer = new Database(server.databasePath, { fileMustExist: true });
  writer.pragma("busy_timeout = 5000");
});

afterAll(async () => {
  sqlite?.close();
  writer?.close();
  await server?.stop();
  server?.cleanup();
});

let partialExport = "";
let completeExport = "";
let v1Code = "";
let v1Shown = { version: "", contentHash: "" };

describe("signing one's own plan", () => {
  it("asks for the password again when the last sign-in is more than a few minutes old, and stores nothing until it is given", async () => {
    expect((await action("mentor", { intent: "lock", guardian: personId("vh@demo.test") })).status).toBe(200);
    const shown = await shownForSigning("alva");
    const version = currentVersion();
    expect(shown).toEqual({ version: "1", contentHash: version.content_hash, asksPassword: false });
    const seen = { version: shown.version, contentHash: shown.contentHash };
    v1Shown = seen;
    v1Code = version.verification_code;

    authenticatedMinutesAgo("elev@demo.test", 30);
    expect((await shownForSigning("alva")).asksPassword).toBe(true);
    const noPassword = await action("alva", { intent: "sign", ...seen });
    expect(noPassword.status).toBe(401);
    expect(await noPassword.text()).toContain("signing.errors.reauthenticate");
    expect((await action("alva", { intent: "sign", ...seen, password: "fel" })).status).toBe(400);
    // A session from before sign-in times were recorded counts as old.
    authenticatedMinutesAgo("elev@demo.test", null);
    expect((await action("alva", { intent: "sign", ...seen })).status).toBe(401);
    expect(signatureCount()).toBe(0);

    expect((await action("alva", { intent: "sign", ...seen, password: "demo" })).status).toBe(200);
    expect(signatureCount()).toBe(1);
    // The password counts as a fresh authentication.
    const session = one<{ data: string }>("select data from sessions where person_id = ?", personId("elev@demo.test"));
    expect(Date.now() - (JSON.parse(session.data) as { authenticatedAt: number }).authenticatedAt).toBeLessThan(60_000);
  });

  it("needs no password right after signing in", async () => {
    const shown = await shownForSigning("sara");
    expect(shown.asksPassword).toBe(false);
    expect((await action("sara", { intent: "sign", version: shown.version, contentHash: shown.contentHash })).status).toBe(200);
    expect(signatureCount()).toBe(2);
  });
});

describe("verifying", () => {
  it("calls a partly signed plan genuine but not signed by all, naming who is missing, by code and by file", async () => {
    partialExport = await (await download(`${server.url}/plans/${planId}/record.json`, cookies.alva)).text();
    for (const page of [await verifyByCode(v1Code), await verifyFile(partialExport)]) {
      expect(verdict(page)).toBe(INCOMPLETE);
      expect(page).toContain("Jonas Ek (mentor) – har inte signerat");
      expect(page).not.toContain(GENUINE);
    }
  });

  it("calls the complete plan genuine, and a doctored export not genuine", async () => {
    const shown = await shownForSigning("mentor");
    expect((await action("mentor", { intent: "sign", version: shown.version, contentHash: shown.contentHash })).status).toBe(200);
    completeExport = await (await download(`${server.url}/plans/${planId}/record.json`, cookies.alva)).text();
    expect(verdict(await verifyByCode(v1Code))).toBe(GENUINE);
    expect(verdict(await verifyFile(completeExport))).toBe(GENUINE);

    const file = JSON.parse(completeExport) as ExportFile;
    const variant = (change: (f: ExportFile) => void) => {
      const copy = JSON.parse(completeExport) as ExportFile;
      change(copy);
      return JSON.stringify(copy);
    };
    // A signature cut out of a file that still says "signed by all".
    const stripped = await verifyFile(variant((f) => f.signatures.splice(1, 1)));
    expect(verdict(stripped)).toBe(NOT_GENUINE);
    expect(stripped).toContain("signaturer saknas");
    // The same, with the status edited to match: it proves only the signatures it carries.
    const strippedAndRelabelled = await verifyFile(variant((f) => (f.signatures.splice(1, 1), (f.status = "locked"))));
    expect(verdict(strippedAndRelabelled)).toBe(INCOMPLETE);
    expect(strippedAndRelabelled).toContain("Sara Lindqvist (vårdnadshavare) – har inte signerat");
    // One person's signature twice, in place of another's, or on top.
    for (const duplicated of [variant((f) => (f.signatures[1] = f.signatures[0]!)), variant((f) => f.signatures.push(f.signatures[0]!))]) {
      const page = await verifyFile(duplicated);
      expect(verdict(page)).toBe(NOT_GENUINE);
      expect(page).toContain("mer än en gång");
    }
    // No signatures at all.
    expect(verdict(await verifyFile(variant((f) => ((f.signatures = []), (f.status = "locked")))))).toBe(INCOMPLETE);
    expect(verdict(await verifyFile(variant((f) => (f.signatures = []))))).toBe(NOT_GENUINE);
    // Another verification code, or a file claiming to be another version.
    expect(verdict(await verifyFile(variant((f) => (f.verificationCode = "AAAAA-AAAAA"))))).toBe(NOT_GENUINE);
    expect(verdict(await verifyFile(variant((f) => (f.record.plan.version = 2))))).toBe(NOT_GENUINE);
    expect(file.signatures).toHaveLength(3);
  });

  it("calls a voided version voided, by code and by file, with when; the reason only for those who may read it", async () => {
    const reason = "Målet i matematik skrevs fel av misstag.";
    expect((await action("mentor", { intent: "unlock", reason })).status).toBe(200);
    const anonymous = [await verifyByCode(v1Code), await verifyFile(completeExport), await verifyFile(partialExport), await verifyByCode(v1Code, "sara")];
    for (const page of anonymous) {
      expect(verdict(page)).toBe(VOIDED);
      expect(page).toMatch(/Makulerades \d/);
      expect(page).not.toContain(reason);
      expect(page).not.toContain(GENUINE);
    }
    for (const page of [await verifyByCode(v1Code, "mentor"), await verifyFile(completeExport, "mentor")]) {
      expect(verdict(page)).toBe(VOIDED);
      expect(page).toContain(reason);
    }
  });
});

describe("a signing page left open across an unlock and a relock", () => {
  it("refuses to sign the new version with the old page's form, stores nothing, and says what changed", async () => {
    // The mentor locks again: version 2.
    expect((await action("mentor", { intent: "lock", guardian: personId("vh@demo.test") })).status).toBe(200);
    const v2 = currentVersion();
    expect(v2.version).toBe(2);
    const before = signatureCount();

    // Alva's page still shows version 1's form.
    const stale = await action("alva", { intent: "sign", ...v1Shown });
    expect(stale.status).toBe(409);
    const body = await stale.text();
    expect(body).toContain("signing.errors.staleVersion");
    // Sara signing on Alva's device from the same stale page: refused before her password is tried.
    const shared = await action("alva", { intent: "sign", ...v1Shown, signerId: personId("vh@demo.test"), password: "demo" });
    expect(shared.status).toBe(409);
    // A form without the version it showed is not accepted either.
    expect((await action("alva", { intent: "sign" })).status).toBe(400);
    expect((await action("alva", { intent: "sign", version: "2" })).status).toBe(400);
    expect(signatureCount()).toBe(before);

    // Reloaded, the page asks her to sign version 2, and that works.
    const fresh = await shownForSigning("alva");
    expect(fresh).toMatchObject({ version: "2", contentHash: v2.content_hash });
    expect((await action("alva", { intent: "sign", version: fresh.version, contentHash: fresh.contentHash })).status).toBe(200);
    expect(signatureCount()).toBe(before + 1);
  });
});

describe("exports", () => {
  it("print the verification address from PUBLIC_URL, whatever Host the request carried", async () => {
    const response = await rawRequest(`${server.url}/plans/${planId}/record.pdf`, {
      headers: { Host: "evil.example", Cookie: cookies.sara!, "Sec-Fetch-Site": "same-origin" },
    });
    expect(response.status).toBe(200);
    const text = await pdfText(new Uint8Array(response.bytes));
    expect(text).toContain(`${PUBLIC_URL}/verify`);
    expect(text).not.toContain("evil.example");
  });

  it("refuse a download another site starts, and log nothing for it", async () => {
    const exports = () => one<{ n: number }>("select count(*) as n from audit_events where action like 'export-%'").n;
    const before = exports();
    for (const file of ["record.pdf", "record.json"]) {
      const foreign: Array<Record<string, string>> = [{ "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" }, { Referer: "https://evil.example/" }, {}];
      for (const headers of foreign) {
        const response = await fetch(`${server.url}/plans/${planId}/${file}`, { redirect: "manual", headers: { Cookie: cookies.sara!, ...headers } });
        expect(response.status, `${file} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.headers.get("content-disposition")).toBeNull();
      }
    }
    expect(exports()).toBe(before);
    const own = await download(`${server.url}/plans/${planId}/record.json`, cookies.sara);
    expect(own.status).toBe(200);
    expect(own.headers.get("cache-control")).toContain("no-store");
    expect(exports()).toBe(before + 1);
  });
});
