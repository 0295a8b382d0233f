import { createHash, createPublicKey, verify } from "node:crypto";
import Database from "better-sqlite3";
import canonicalize from "canonicalize";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { download, firstPlanId, get, postForm, postFormSlowly, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { pdfText } from "../support/pdf";

/**
 * The end of a talk through the real server: lock, sign, export, verify, unlock, audit. The
 * stored record and signatures are read straight from SQLite and checked with nothing but
 * node:crypto and the published key, as someone outside the school would.
 */

let server: TestServer;
let sqlite: Database.Database;
const cookies: Record<string, string> = {};
const clients: PlanClient[] = [];
let planId = "";

const one = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T;
const personId = (given: string, family: string) =>
  one<{ id: string }>("select id from people where given_name = ? and family_name = ?", given, family).id;
const action = (who: string, fields: Record<string, string>) => postForm(`${server.url}/plans/${planId}`, fields, cookies[who]);
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
/** A signature as the signing form sends it: with the version and hash the page showed. */
const sign = (who: string, fields: Record<string, string> = {}) => {
  const shown = currentVersion();
  return action(who, { intent: "sign", version: String(shown.version), contentHash: shown.content_hash, ...fields });
};

beforeAll(async () => {
  server = await startTestServer({ env: { COLLAB_UNLOAD_MS: "100" } });
  Object.assign(cookies, await signInEach(server.url, {
    alva: "elev@demo.test",
    sara: "vh@demo.test",
    johan: "vh2@demo.test",
    mentor: "mentor@demo.test",
    maths: "matte@demo.test",
    stranger: "annan.vh@demo.test",
    admin: "admin@demo.test",
  }));
  planId = await firstPlanId(server.url, cookies.alva!);
  sqlite = new Database(server.databasePath, { readonly: true, fileMustExist: true });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  sqlite?.close();
  await server?.stop();
  server?.cleanup();
});

const currentVersion = () =>
  one<{ id: string; version: number; record: string; content_hash: string; verification_code: string; status: string }>(
    "select * from plan_versions where plan_id = ? order by version desc limit 1",
    planId,
  );

/** The text of a section in a stored record (paragraph texts joined by newlines). */
function recordSectionText(record: string, kind: string): string {
  const parsed = JSON.parse(record) as { sections: Array<{ kind: string; text: Array<{ content?: Array<{ text?: string }> }> }> };
  return parsed.sections
    .find((s) => s.kind === kind)!
    .text.map((p) => (p.content ?? []).map((c) => c.text ?? "").join(""))
    .join("\n");
}

async function verifyByCode(code: string): Promise<string> {
  const response = await postForm(`${server.url}/verify`, { intent: "code", code });
  return response.text();
}

describe("locking", () => {
  it("freezes exactly what the server had accepted: updates racing the lock are refused and never stored", async () => {
    const alva = connectToPlan(server.url, planId, cookies.alva!);
    clients.push(alva);
    await alva.synced();
    typeInto(alva.doc, "goals", "Mål: ");
    // Alva keeps typing while her mentor locks; the lock lands somewhere in the middle.
    let typed = 0;
    const typing = setInterval(() => typeInto(alva.doc, "goals", String(typed++ % 10)), 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Only the mentor may lock; Alva, a guardian and the maths teacher cannot.
    for (const who of ["alva", "sara", "maths"]) expect((await action(who, { intent: "lock" })).status).toBe(403);
    expect((await action("stranger", { intent: "lock" })).status).toBe(404);
    // The maths teacher's new thread is still arriving when the lock lands: her request passed the
    // gate while the plan was a draft, but comments are part of the record, so it is refused.
    const mathsId = one<{ id: string }>("select id from subjects where code = 'MA' and school_id = (select school_id from people where email = 'admin@demo.test')").id;
    const threads = () => one<{ n: number }>("select count(*) as n from comment_threads where plan_id = ?", planId).n;
    const threadsBefore = threads();
    const lateThread = postFormSlowly(`${server.url}/plans/${planId}`, { intent: "start-thread", subjectId: mathsId, body: "Skrivet medan planen låstes." }, cookies.maths);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sara = personId("Sara", "Lindqvist");
    const response = await action("mentor", { intent: "lock", guardian: sara });
    expect(response.status).toBe(200);
    expect(await lateThread.finish()).toBe(409);
    expect(threads()).toBe(threadsBefore);
    await new Promise((resolve) => setTimeout(resolve, 200));
    clearInterval(typing);

    // The writer was told the plan is locked.
    await expect.poll(() => alva.closeCodes).toContain(4423);
    const version = currentVersion();
    expect(version.status).toBe("locked");
    expect(version.content_hash).toBe(sha256(version.record));
    const frozen = recordSectionText(version.record, "goals");
    expect(frozen.startsWith("Mål: ")).toBe(true);
    // She typed on after the lock: that text exists only in her own copy.
    expect(sectionText(alva.doc, "goals").length).toBeGreaterThan(frozen.length);

    // What the server stores and serves is exactly the frozen text, also after it unloads.
    const updatesAfterLock = one<{ n: number }>("select count(*) as n from plan_updates where plan_id = ?", planId).n;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reader = connectToPlan(server.url, planId, cookies.sara!);
    clients.push(reader);
    await reader.synced();
    expect(sectionText(reader.doc, "goals")).toBe(frozen);
    expect(one<{ n: number }>("select count(*) as n from plan_updates where plan_id = ?", planId).n).toBe(updatesAfterLock);
    expect(one<{ status: string }>("select status from plans where id = ?", planId).status).toBe("locked");
  });

  it("closes a writer who reconnects to a locked plan and sends new text, storing nothing", async () => {
    const before = one<{ n: number }>("select count(*) as n from plan_updates where plan_id = ?", planId).n;
    const mentor = connectToPlan(server.url, planId, cookies.mentor!);
    clients.push(mentor);
    await mentor.synced();
    typeInto(mentor.doc, "about", "Ändrat efter låsning.");
    await expect.poll(() => mentor.closeCodes).toContain(4423);
    const reader = connectToPlan(server.url, planId, cookies.sara!);
    clients.push(reader);
    await reader.synced();
    expect(sectionText(reader.doc, "about")).not.toContain("Ändrat efter låsning.");
    expect(one<{ n: number }>("select count(*) as n from plan_updates where plan_id = ?", planId).n).toBe(before);
    // A second lock is refused, and comments are closed too.
    expect((await action("mentor", { intent: "lock" })).status).toBe(409);
    const mathsId = one<{ id: string }>("select id from subjects where code = 'MA' and school_id = (select school_id from people where email = 'admin@demo.test')").id;
    expect((await action("maths", { intent: "start-thread", subjectId: mathsId, body: "Sent" })).status).toBe(409);
    // The assessments are frozen with it: a teacher's change now waits for an unlock.
    const duty = one<{ id: string }>(
      `select td.id from teaching_duties td join terms t on t.id = td.term_id join groups g on g.id = td.group_id
        where g.name = '8A Matematik' and t.starts_on <= date('now') order by t.starts_on desc limit 1`,
    ).id;
    const alvaId = personId("Alva", "Lindqvist");
    const save = await postForm(`${server.url}/assessments/${duty}`, { intent: "save", pupilId: alvaId, level: "A", written: "" }, cookies.maths);
    expect(save.status).toBe(409);
    expect(one<{ n: number }>("select count(*) as n from assessments where pupil_id = ?", alvaId).n).toBe(0);
  });
});

describe("signing", () => {
  it("takes each required signature once, from the signer or with their password on a shared device", async () => {
    // Not required: the maths teacher, the guardian left out at the lock; strangers learn nothing.
    expect((await sign("maths")).status).toBe(403);
    expect((await sign("johan")).status).toBe(403);
    expect((await sign("stranger")).status).toBe(404);
    expect((await sign("alva", { drawing: "<script>" })).status).toBe(400);

    expect((await sign("alva", { drawing: "M 10 50 L 80 20 L 150 70" })).status).toBe(200);
    expect((await sign("alva")).status).toBe(409);
    // Sara signs on Alva's device: a wrong password is refused, her own is accepted.
    const sara = personId("Sara", "Lindqvist");
    expect((await sign("alva", { signerId: sara, password: "fel" })).status).toBe(400);
    expect((await sign("alva", { signerId: sara, password: "demo" })).status).toBe(200);
    expect(currentVersion().status).toBe("locked");
    expect((await sign("mentor")).status).toBe(200);
    expect(currentVersion().status).toBe("signed");
    expect(one<{ status: string }>("select status from plans where id = ?", planId).status).toBe("signed");
    const methods = sqlite.prepare("select role, method from signatures order by signed_at").all();
    expect(methods).toEqual([
      { role: "pupil", method: "own-device" },
      { role: "guardian", method: "shared-device" },
      { role: "mentor", method: "own-device" },
    ]);
  });

  it("seals signatures that verify with the published key alone", async () => {
    const { keys } = (await (await get(`${server.url}/api/signing-key`)).json()) as { keys: Array<{ kty: string; crv: string; x: string; kid: string; alg: string }> };
    const jwk = keys[0]!;
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
    const version = currentVersion();
    const rows = sqlite.prepare("select statement, seal, key_id as keyId from signatures where plan_version_id = ?").all(version.id) as Array<{
      statement: string;
      seal: string;
      keyId: string;
    }>;
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.keyId).toBe(jwk.kid);
      expect(verify(null, Buffer.from(row.statement), key, Buffer.from(row.seal, "base64url"))).toBe(true);
      expect(JSON.parse(row.statement).contentHash).toBe(sha256(version.record));
      // One changed character in the statement breaks the seal.
      const forged = row.statement.replace('"role":"', '"role":"x');
      expect(verify(null, Buffer.from(forged), key, Buffer.from(row.seal, "base64url"))).toBe(false);
    }

    // The JSON export verifies the same way, without our database.
    const exported = (await (await download(`${server.url}/plans/${planId}/record.json`, cookies.sara)).json()) as {
      record: unknown;
      contentHash: string;
      signatures: Array<{ statement: string; seal: string }>;
    };
    expect(sha256(canonicalize(exported.record)!)).toBe(exported.contentHash);
    for (const s of exported.signatures) expect(verify(null, Buffer.from(s.statement), key, Buffer.from(s.seal, "base64url"))).toBe(true);
  });

  it("exports a PDF with the pupil's words, the signers, the hash and the code", async () => {
    const response = await download(`${server.url}/plans/${planId}/record.pdf`, cookies.sara);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).not.toContain("Lindqvist");
    const text = await pdfText(new Uint8Array(await response.arrayBuffer()));
    const version = currentVersion();
    expect(text).toContain(recordSectionText(version.record, "goals").slice(0, 20));
    expect(text).toContain("Alva Lindqvist (elev)");
    expect(text).toContain("Sara Lindqvist (vårdnadshavare)");
    expect(text).toContain("Jonas Ek (mentor)");
    expect(text).toContain(version.content_hash);
    expect(text).toContain(version.verification_code);
    // Strangers get nothing.
    expect((await download(`${server.url}/plans/${planId}/record.pdf`, cookies.stranger)).status).toBe(404);
  });

  it("says a plan is genuine by its code, and not once one byte of its record or a seal is changed", async () => {
    const version = currentVersion();
    expect(await verifyByCode(version.verification_code.toLowerCase())).toContain("Äkta och oförändrad");
    expect((await postForm(`${server.url}/verify`, { intent: "code", code: "AAAAA-AAAAA" })).status).toBe(404);

    const writer = new Database(server.databasePath);
    try {
      // One byte of the stored record.
      const tampered = version.record.replace("Mål: ", "Mål; ");
      writer.prepare("update plan_versions set record = ? where id = ?").run(tampered, version.id);
      let page = await verifyByCode(version.verification_code);
      expect(page).toContain("Kunde inte bekräftas");
      expect(page).toContain("har ändrats");
      writer.prepare("update plan_versions set record = ? where id = ?").run(version.record, version.id);
      expect(await verifyByCode(version.verification_code)).toContain("Äkta och oförändrad");

      // One character of one seal.
      const signature = writer.prepare("select id, seal from signatures where plan_version_id = ? limit 1").get(version.id) as { id: string; seal: string };
      const flipped = (signature.seal[0] === "A" ? "B" : "A") + signature.seal.slice(1);
      writer.prepare("update signatures set seal = ? where id = ?").run(flipped, signature.id);
      page = await verifyByCode(version.verification_code);
      expect(page).toContain("Kunde inte bekräftas");
      expect(page).toContain("signaturen är inte giltig");
      writer.prepare("update signatures set seal = ? where id = ?").run(signature.seal, signature.id);
    } finally {
      writer.close();
    }

    // An uploaded export: genuine as downloaded, not after an edit.
    const exported = await (await download(`${server.url}/plans/${planId}/record.json`, cookies.alva)).text();
    const upload = async (content: string) => {
      const form = new FormData();
      form.set("intent", "file");
      form.set("file", new Blob([content], { type: "application/json" }), "plan.json");
      return (await fetch(`${server.url}/verify`, { method: "POST", body: form })).text();
    };
    expect(await upload(exported)).toContain("Äkta och oförändrad");
    expect(await upload(exported.replace("Mål: ", "Mål! "))).toContain("Kunde inte bekräftas");
    expect(await upload("not json")).toContain("Filen är inte en exporterad plan");
  });
});

describe("unlocking and the log", () => {
  it("voids the signatures but keeps the old version when the mentor unlocks with a reason", async () => {
    const signed = currentVersion();
    expect((await action("alva", { intent: "unlock", reason: "Fel mål" })).status).toBe(403);
    expect((await action("mentor", { intent: "unlock", reason: "" })).status).toBe(400);
    expect((await action("mentor", { intent: "unlock", reason: "Målet i matematik ska rättas." })).status).toBe(200);

    const old = one<{ status: string; void_reason: string; record: string }>("select * from plan_versions where id = ?", signed.id);
    expect(old).toMatchObject({ status: "voided", void_reason: "Målet i matematik ska rättas.", record: signed.record });
    expect(one<{ n: number }>("select count(*) as n from signatures where plan_version_id = ?", signed.id).n).toBe(3);
    expect(one<{ status: string; version: number }>("select status, version from plans where id = ?", planId)).toEqual({ status: "draft", version: 2 });
    expect(await verifyByCode(signed.verification_code)).toContain("gäller inte längre");

    // Writing works again, and a new lock makes version 2 with its own code.
    const alva = connectToPlan(server.url, planId, cookies.alva!);
    clients.push(alva);
    await alva.synced();
    typeInto(alva.doc, "goals", " Rättat.");
    const reader = connectToPlan(server.url, planId, cookies.sara!);
    clients.push(reader);
    await reader.synced();
    await expect.poll(() => sectionText(reader.doc, "goals")).toContain("Rättat.");
    expect((await action("mentor", { intent: "lock" })).status).toBe(200);
    const next = currentVersion();
    expect(next.version).toBe(2);
    expect(next.verification_code).not.toBe(signed.verification_code);
    expect(recordSectionText(next.record, "goals")).toContain("Rättat.");
  });

  it("logs views, writing, locks, signatures and exports, and shows the log to the family, mentor and admin only", async () => {
    await get(`${server.url}/plans/${planId}`, cookies.maths);
    const events = sqlite
      .prepare("select a.action, p.given_name as who from audit_events a join people p on p.id = a.actor_id where plan_id = ? order by a.id")
      .all(planId) as Array<{ action: string; who: string }>;
    const has = (action: string, who: string) => events.some((e) => e.action === action && e.who === who);
    expect(has("edit-session", "Alva")).toBe(true);
    expect(has("lock", "Jonas")).toBe(true);
    expect(has("sign", "Sara")).toBe(true);
    expect(has("export-pdf", "Sara")).toBe(true);
    expect(has("export-json", "Alva")).toBe(true);
    expect(has("unlock", "Jonas")).toBe(true);
    expect(has("view", "Karin")).toBe(true);

    for (const who of ["alva", "sara", "mentor", "admin"]) {
      const response = await get(`${server.url}/plans/${planId}/log`, cookies[who]);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("Karin Holm");
    }
    expect((await get(`${server.url}/plans/${planId}/log`, cookies.stranger)).status).toBe(404);
    // A guardian sees another guardian (here of the other household) by role only; the pupil and
    // her mentor see both by name.
    expect((await get(`${server.url}/plans/${planId}`, cookies.johan)).status).toBe(200);
    const logOf = async (who: string) => (await get(`${server.url}/plans/${planId}/log`, cookies[who])).text();
    const [saras, johans] = [await logOf("sara"), await logOf("johan")];
    expect(saras).not.toContain("Johan Berg");
    expect(saras).toContain("En annan vårdnadshavare");
    expect(johans).not.toContain("Sara Lindqvist");
    expect(johans).toContain("En annan vårdnadshavare");
    expect(johans).toContain("Karin Holm");
    for (const who of ["alva", "mentor"]) {
      const log = await logOf(who);
      expect(log, who).toContain("Johan Berg");
      expect(log, who).toContain("Sara Lindqvist");
      expect(log, who).not.toContain("En annan vårdnadshavare");
    }
    // The log holds no content.
    expect(JSON.stringify(sqlite.prepare("select * from audit_events").all())).not.toContain("Rättat");
  });
});
