import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { download, firstPlanId, get, postForm, signInEach } from "../support/http";
import { pdfText } from "../support/pdf";
import { shownVersion } from "../support/plan-journey";
import { actionData, bookingAroundNow, createTalkDay, dayFromNow, openSchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The signed record in its two formats. A plan locked now (format 2) names the talk's date and
 * place, the class, the mentors and who took part in which role, and its PDF says so and leaves
 * out empty sections. A plan locked and signed before (format 1, in a database made by the code of
 * main at 4f29923: tests/fixtures/plan-record-v1.sqlite.gz, its export beside it) still verifies by
 * its code and as an uploaded export after the migration, and still prints.
 */

const fixtures = new URL("../fixtures/", import.meta.url);
const upload = (baseUrl: string, content: string) => {
  const form = new FormData();
  form.set("intent", "file");
  form.set("file", new Blob([content], { type: "application/json" }), "plan.json");
  return fetch(`${baseUrl}/verify`, { method: "POST", body: form }).then((r) => r.text());
};

describe("format 2: a plan locked after its talk", () => {
  let server: TestServer;
  let cookies: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    cookies = await signInEach(server.url, { alva: "elev@demo.test", sara: "vh@demo.test", jonas: "mentor@demo.test", karin: "matte@demo.test" });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
  });

  it("names the talk, the class, the mentors and the participants with their roles, and prints them without empty sections", async () => {
    const school = openSchoolDatabase(server.databasePath);
    const eventId = await createTalkDay(server.url, cookies.jonas!, { groupIds: [school.groupId("8A – Jonas Ek")], dates: [dayFromNow(10)], phoneNumber: "08-123 456 78" });
    expect((await postForm(`${server.url}/talk-days/${eventId}`, { intent: "invite" }, cookies.jonas)).status).toBe(200);
    const alvaId = school.personId("elev@demo.test");
    const booking = bookingAroundNow(10, 30);
    expect((await postForm(`${server.url}/talk-days/${eventId}`, { intent: "book", pupilId: alvaId, ...booking, place: "Grupprum 2" }, cookies.jonas)).status).toBe(200);
    const talk = school.talkOf(eventId, alvaId)!;
    expect((await postForm(`${server.url}/?index`, { intent: "confirm", talkId: talk.id, attendance: "phone" }, cookies.sara)).status).toBe(200);
    // Karin answers Alva's call; an interpreter opens the talk.
    expect((await postForm(`${server.url}/talks/${talk.id}`, { intent: "call", subjectId: school.subjectId("MA") }, cookies.alva)).status).toBe(200);
    const call = school.one<{ id: string }>("select id from talk_calls where talk_id = ?", talk.id);
    expect((await postForm(`${server.url}/calls/${call.id}`, { intent: "acknowledge" }, cookies.karin)).status).toBe(200);
    const added = await actionData(server.url, `/talk-days/${eventId}/talks/${talk.id}`, { intent: "add-guest", name: "Amal Haddad", language: "arabiska", phone: "070-111 22 33" }, cookies.jonas);
    expect((await fetch((added.data as { link: string }).link, { redirect: "manual" })).status).toBe(302);
    // Another interpreter is added but never opens the link: not a participant.
    await actionData(server.url, `/talk-days/${eventId}/talks/${talk.id}`, { intent: "add-guest", name: "Hamid Rahimi", language: "dari", phone: "070-222 33 44" }, cookies.jonas);

    const planId = await firstPlanId(server.url, cookies.alva!);
    expect((await postForm(`${server.url}/plans/${planId}`, { intent: "lock", guardian: school.personId("vh@demo.test") }, cookies.jonas)).status).toBe(200);
    const record = JSON.parse((await (await download(`${server.url}/plans/${planId}/record.json`, cookies.alva)).text())).record;
    expect(record.format).toBe("elevledd-iup/plan-record@2");
    expect(record.talk).toEqual({ date: booking.date, from: booking.from, to: booking.to, place: "Grupprum 2" });
    expect(record.className).toBe("8A");
    expect(record.mentors).toEqual(["Jonas Ek"]);
    expect(record.participants).toEqual([
      { name: "Alva Lindqvist", role: "pupil", detail: null },
      { name: "Sara Lindqvist", role: "guardian", detail: "per telefon" },
      { name: "Jonas Ek", role: "mentor", detail: null },
      { name: "Karin Holm", role: "teacher", detail: null },
      { name: "Amal Haddad", role: "interpreter", detail: "arabiska" },
    ]);
    // Lines as they wrap on the page, joined.
    const pdf = (await pdfText(new Uint8Array(await (await download(`${server.url}/plans/${planId}/record.pdf`, cookies.alva)).arrayBuffer()))).replace(/\s+/g, " ");
    expect(pdf).toContain("Klass: 8A · Mentor: Jonas Ek");
    expect(pdf).toMatch(/Samtal: [a-zåäö]+ \d{1,2} [a-zåäö]+ \d{4}, \d\d:\d\d–\d\d:\d\d · Grupprum 2/);
    expect(pdf).toContain("Deltagare: Alva Lindqvist (elev), Sara Lindqvist (vårdnadshavare, per telefon), Jonas Ek (mentor), Karin Holm (ämneslärare) och Amal Haddad (tolk, arabiska)");
    expect(pdf).not.toContain("Hamid Rahimi");
    // Nothing written and nothing assessed: no empty sections, no "nothing written".
    expect(pdf).not.toContain("Inget skrivet");
    expect(pdf).not.toContain("Ännu inte bedömd");
    expect(pdf).not.toContain("Min reflektion");
    expect(pdf).toContain("Planen har inget innehåll.");
    // Signed and verifiable as any record.
    for (const who of ["alva", "sara", "jonas"]) expect((await postForm(`${server.url}/plans/${planId}`, { intent: "sign", ...shownVersion(school, planId) }, cookies[who])).status, who).toBe(200);
    const exported = await (await download(`${server.url}/plans/${planId}/record.json`, cookies.alva)).text();
    expect(await upload(server.url, exported)).toContain("Äkta och oförändrad");
    expect(await upload(server.url, exported.replace("Grupprum 2", "Grupprum 3"))).toContain("Kunde inte bekräftas");
    school.close();
  });
});

describe("format 1: records signed before", () => {
  let server: TestServer;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "iup-v1-"));
    const databasePath = join(folder, "app.sqlite");
    writeFileSync(databasePath, gunzipSync(readFileSync(new URL("plan-record-v1.sqlite.gz", fixtures))));
    // The old database is migrated at start.
    server = await startTestServer({ databasePath });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("still verifies by its code and as the export made then, and the export and PDF still come out", async () => {
    const exportedThen = readFileSync(new URL("plan-record-v1.export.json", fixtures), "utf8");
    const then = JSON.parse(exportedThen) as { record: { format: string; plan: { id: string } }; verificationCode: string };
    expect(then.record.format).toBe("elevledd-iup/plan-record@1");
    expect(await upload(server.url, exportedThen)).toContain("Äkta och oförändrad");
    const byCode = await (await postForm(`${server.url}/verify`, { intent: "code", code: then.verificationCode })).text();
    expect(byCode).toContain("Äkta och oförändrad");

    const cookies = await signInEach(server.url, { alva: "elev@demo.test" });
    const now = await (await download(`${server.url}/plans/${then.record.plan.id}/record.json`, cookies.alva)).text();
    expect(JSON.parse(now).record).toEqual(JSON.parse(exportedThen).record);
    const pdf = await pdfText(new Uint8Array(await (await download(`${server.url}/plans/${then.record.plan.id}/record.pdf`, cookies.alva)).arrayBuffer()));
    expect(pdf).toContain("Jag gillar matte och fotboll.");
    expect(pdf).toContain("Betyg: C");
    expect(pdf).not.toContain("Klass:");
    expect(pdf).not.toContain("Inget skrivet");
    // The plan's log (rebuilt table) kept every event of then.
    const school = openSchoolDatabase(server.databasePath);
    expect(school.count("select count(*) as n from audit_events where actor_id is not null and guest_id is null")).toBeGreaterThanOrEqual(9);
    school.close();
  });
});
