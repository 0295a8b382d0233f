import Database from "better-sqlite3";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { firstPlanId, get, openEventStream, postForm, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Assessments and comment threads through the real server: every write is tried by people who
 * may and may not make it, straight at the server as a modified client would, and the stored
 * result is read back from SQLite.
 */

let server: TestServer;
let sqlite: Database.Database;
const cookies: Record<string, string> = {};
const clients: PlanClient[] = [];
let alvaPlanId = "";
let alvaId = "";
let liamId = "";
let mathsId = "";
let swedishId = "";

const one = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T;
const count = (sql: string, ...params: unknown[]) => (sqlite.prepare(sql).get(...params) as { n: number }).n;

/** This term's teaching duty of a teacher for a teaching group, by the group's name. */
function dutyId(email: string, groupName: string): string {
  return one<{ id: string }>(
    `select td.id from teaching_duties td
       join terms t on t.id = td.term_id join groups g on g.id = td.group_id join people p on p.id = td.teacher_id
      where p.email = ? and g.name = ? and t.starts_on <= date('now') order by t.starts_on desc limit 1`,
    email,
    groupName,
  ).id;
}

const personId = (given: string, family: string) =>
  one<{ id: string }>("select id from people where given_name = ? and family_name = ?", given, family).id;
const subjectId = (code: string) => one<{ id: string }>("select id from subjects where code = ? and language_code is null and school_id = (select school_id from people where email = 'admin@demo.test')", code).id;

beforeAll(async () => {
  server = await startTestServer({ env: { COLLAB_UNLOAD_MS: "200" } });
  Object.assign(cookies, await signInEach(server.url, {
    alva: "elev@demo.test",
    guardian: "vh@demo.test",
    mentor: "mentor@demo.test",
    maths: "matte@demo.test",
    swedish: "svenska@demo.test",
    stranger: "annan.vh@demo.test",
    admin: "admin@demo.test",
  }));
  alvaPlanId = await firstPlanId(server.url, cookies.alva!);
  sqlite = new Database(server.databasePath, { readonly: true, fileMustExist: true });
  alvaId = personId("Alva", "Lindqvist");
  liamId = personId("Liam", "Johansson");
  mathsId = subjectId("MA");
  swedishId = subjectId("SV");
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  sqlite?.close();
  await server?.stop();
  server?.cleanup();
});

const assessmentOf = (pupilId: string, subject: string) =>
  sqlite.prepare("select level, written, updated_by as updatedBy from assessments where pupil_id = ? and subject_id = ?").get(pupilId, subject) as
    | { level: string | null; written: string; updatedBy: string }
    | undefined;

const planPage = async (who: string) => {
  const response = await get(`${server.url}/plans/${alvaPlanId}`, cookies[who]);
  expect(response.status).toBe(200);
  return response.text();
};

const commentAction = (who: string, fields: Record<string, string>) => postForm(`${server.url}/plans/${alvaPlanId}`, fields, cookies[who]);

/** Reads a plan's event stream until `predicate` holds for what has arrived. */
async function readEvents(who: string, until: (text: string) => boolean, trigger: () => Promise<void>): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/events?plan=${alvaPlanId}`, { headers: { Cookie: cookies[who]! }, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  // The stream's first bytes: the subscription exists before the change is made.
  text += decoder.decode((await reader.read()).value);
  await trigger();
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  controller.abort();
  return text;
}

describe("assessments", () => {
  it("saves a maths teacher's assessment with its history, and tells open views of the plan without their content", async () => {
    const duty = dutyId("matte@demo.test", "8A Matematik");
    const written = "Du löser ekvationer säkert.";
    const events = await readEvents(
      "guardian",
      (text) => text.includes("event: changed"),
      async () => {
        const response = await postForm(`${server.url}/assessments/${duty}`, { intent: "save", pupilId: alvaId, level: "B", written }, cookies.maths);
        expect(response.status).toBe(200);
      },
    );
    expect(events).toContain("data: assessment");
    expect(events).not.toContain("ekvationer");
    expect(assessmentOf(alvaId, mathsId)).toEqual({ level: "B", written, updatedBy: personId("Karin", "Holm") });

    await postForm(`${server.url}/assessments/${duty}`, { intent: "save", pupilId: alvaId, level: "C", written }, cookies.maths);
    const history = sqlite
      .prepare(
        `select ac.level, ac.changed_by as changedBy from assessment_changes ac join assessments a on a.id = ac.assessment_id
          where a.pupil_id = ? and a.subject_id = ? order by ac.id`,
      )
      .all(alvaId, mathsId);
    expect(history).toEqual([
      { level: "B", changedBy: personId("Karin", "Holm") },
      { level: "C", changedBy: personId("Karin", "Holm") },
    ]);
    // The plan shows it to the guardian.
    const page = await planPage("guardian");
    expect(page).toContain("Du löser ekvationer säkert.");
  });

  it("refuses assessments outside the teacher's own groups and subjects, and bad levels, changing nothing", async () => {
    const mathsDuty = dutyId("matte@demo.test", "8A Matematik");
    const before = count("select count(*) as n from assessment_changes");
    // Liam is in 7A, which Karin does not teach.
    let response = await postForm(`${server.url}/assessments/${mathsDuty}`, { intent: "save", pupilId: liamId, level: "A", written: "" }, cookies.maths);
    expect(response.status).toBe(403);
    expect(assessmentOf(liamId, mathsId)).toBeUndefined();
    // The Swedish teacher cannot use the maths teacher's grid, neither to read nor to write.
    expect((await get(`${server.url}/assessments/${mathsDuty}`, cookies.swedish)).status).toBe(404);
    response = await postForm(`${server.url}/assessments/${mathsDuty}`, { intent: "save", pupilId: alvaId, level: "A", written: "" }, cookies.swedish);
    expect(response.status).toBe(404);
    // Guardians, pupils and strangers have no grids; nobody signed out does either.
    for (const who of ["guardian", "alva", "stranger"]) {
      expect((await postForm(`${server.url}/assessments/${mathsDuty}`, { intent: "save", pupilId: alvaId, level: "A", written: "" }, cookies[who])).status).toBe(404);
    }
    expect((await postForm(`${server.url}/assessments/${mathsDuty}`, { intent: "save", pupilId: alvaId, level: "A", written: "" })).status).toBe(302);
    // Not on the scale, a knowledge level in a graded year, a missing pupil, an over-long omdöme.
    for (const fields of [
      { intent: "save", pupilId: alvaId, level: "X", written: "" },
      { intent: "save", pupilId: alvaId, level: "k2", written: "" },
      { intent: "save", level: "A", written: "" },
      { intent: "save", pupilId: alvaId, level: "A", written: "x".repeat(2001) },
      { intent: "delete", pupilId: alvaId },
    ]) {
      response = await postForm(`${server.url}/assessments/${mathsDuty}`, fields as Record<string, string>, cookies.maths);
      expect(response.status).toBe(400);
    }
    // The over-long omdöme is named as such, not as a page that could not be read.
    response = await postForm(`${server.url}/assessments/${mathsDuty}`, { intent: "save", pupilId: alvaId, level: "A", written: "x".repeat(2001) }, cookies.maths);
    const page = await response.text();
    expect(page).toContain("assessments.errors.tooLong");
    expect(page).not.toContain("assessments.errors.invalid");
    expect(count("select count(*) as n from assessment_changes")).toBe(before);
    expect(assessmentOf(alvaId, mathsId)?.level).toBe("C");
  });

  it("uses knowledge levels below the school's first graded year, as the admin sets it", async () => {
    const swedishDuty = dutyId("svenska@demo.test", "8A Svenska");
    // Only the admin may change the setting.
    expect((await postForm(`${server.url}/admin`, { intent: "scales", gradedFromYear: "9" }, cookies.maths)).status).toBe(404);
    expect((await postForm(`${server.url}/admin`, { intent: "scales", gradedFromYear: "12" }, cookies.admin)).status).toBe(400);
    expect((await postForm(`${server.url}/admin`, { intent: "scales", gradedFromYear: "9" }, cookies.admin)).status).toBe(200);
    try {
      expect((await postForm(`${server.url}/assessments/${swedishDuty}`, { intent: "save", pupilId: alvaId, level: "B", written: "" }, cookies.swedish)).status).toBe(400);
      const response = await postForm(
        `${server.url}/assessments/${swedishDuty}`,
        { intent: "save", pupilId: alvaId, level: "k3", written: "Du läser med god förståelse." },
        cookies.swedish,
      );
      expect(response.status).toBe(200);
      expect(assessmentOf(alvaId, swedishId)?.level).toBe("k3");
      expect(await planPage("alva")).toContain("Goda kunskaper");
      expect(await (await get(`${server.url}/assessments/${swedishDuty}`, cookies.swedish)).text()).toContain("Kunskapsnivå för Alva Lindqvist");
    } finally {
      expect((await postForm(`${server.url}/admin`, { intent: "scales", gradedFromYear: "6" }, cookies.admin)).status).toBe(200);
    }
  });
});

describe("comment threads", () => {
  const threadIdWith = (body: string) =>
    one<{ id: string }>("select t.id from comment_threads t join comments c on c.thread_id = t.id where c.body = ?", body).id;

  it("lets teachers start threads only in subjects they teach the pupil; guardians and strangers cannot write", async () => {
    let response = await commentAction("maths", { intent: "start-thread", subjectId: mathsId, body: "Fint arbete med ekvationerna." });
    expect(response.status).toBe(200);
    expect(count("select count(*) as n from comment_threads where plan_id = ?", alvaPlanId)).toBe(1);

    const before = count("select count(*) as n from comments");
    // Karin does not teach Alva Swedish; Erik does not teach her maths.
    expect((await commentAction("maths", { intent: "start-thread", subjectId: swedishId, body: "x" })).status).toBe(403);
    expect((await commentAction("swedish", { intent: "start-thread", subjectId: mathsId, body: "x" })).status).toBe(403);
    // Pupils, mentors and guardians do not start threads; guardians cannot reply either.
    expect((await commentAction("alva", { intent: "start-thread", subjectId: mathsId, body: "x" })).status).toBe(403);
    expect((await commentAction("guardian", { intent: "start-thread", subjectId: mathsId, body: "x" })).status).toBe(403);
    const threadId = threadIdWith("Fint arbete med ekvationerna.");
    expect((await commentAction("guardian", { intent: "reply", threadId, body: "x" })).status).toBe(403);
    expect((await commentAction("guardian", { intent: "resolve", threadId })).status).toBe(403);
    // Someone with no relation to Alva learns nothing.
    expect((await commentAction("stranger", { intent: "reply", threadId, body: "x" })).status).toBe(404);
    expect((await get(`${server.url}/events?plan=${alvaPlanId}`, cookies.stranger)).status).toBe(404);
    // Bad input: empty, too long, unknown intent, a thread of another plan.
    expect((await commentAction("maths", { intent: "reply", threadId, body: "   " })).status).toBe(400);
    expect((await commentAction("maths", { intent: "reply", threadId, body: "x".repeat(2001) })).status).toBe(400);
    expect((await commentAction("maths", { intent: "shout", threadId })).status).toBe(400);
    expect((await commentAction("maths", { intent: "reply", threadId: "no-such-thread", body: "x" })).status).toBe(404);
    expect(count("select count(*) as n from comments")).toBe(before);

    // The Swedish teacher may start one in Swedish, and answer in the maths thread as her other teacher.
    expect((await commentAction("swedish", { intent: "start-thread", subjectId: swedishId, body: "Läs gärna mer skönlitteratur." })).status).toBe(200);
    expect((await commentAction("swedish", { intent: "reply", threadId, body: "Håller med!" })).status).toBe(200);
  });

  it("lets the pupil and the mentor reply and resolve; only authors edit their own comments", async () => {
    const threadId = threadIdWith("Fint arbete med ekvationerna.");
    expect((await commentAction("alva", { intent: "reply", threadId, body: "Tack, jag övar vidare." })).status).toBe(200);
    expect((await commentAction("mentor", { intent: "reply", threadId, body: "Vi tar upp det på samtalet." })).status).toBe(200);

    const alvaComment = one<{ id: string }>("select id from comments where body = ?", "Tack, jag övar vidare.").id;
    expect((await commentAction("maths", { intent: "edit-comment", commentId: alvaComment, body: "ändrat" })).status).toBe(403);
    expect((await commentAction("mentor", { intent: "edit-comment", commentId: alvaComment, body: "ändrat" })).status).toBe(403);
    expect((await commentAction("alva", { intent: "edit-comment", commentId: alvaComment, body: "Tack! Jag övar vidare." })).status).toBe(200);
    expect(one<{ body: string; edited: number | null }>("select body, edited_at as edited from comments where id = ?", alvaComment)).toMatchObject({
      body: "Tack! Jag övar vidare.",
      edited: expect.any(Number),
    });

    // The Swedish teacher neither started the thread nor is the mentor: she cannot resolve it.
    expect((await commentAction("swedish", { intent: "resolve", threadId })).status).toBe(403);
    expect((await commentAction("alva", { intent: "resolve", threadId })).status).toBe(200);
    expect(one<{ status: string }>("select status from comment_threads where id = ?", threadId).status).toBe("resolved");
    expect((await commentAction("mentor", { intent: "reopen", threadId })).status).toBe(200);
    expect((await commentAction("maths", { intent: "resolve", threadId })).status).toBe(200);
    expect((await commentAction("maths", { intent: "reopen", threadId })).status).toBe(200);
    expect(one<{ status: string }>("select status from comment_threads where id = ?", threadId).status).toBe("open");
  });

  it("keeps staff-only threads out of everything the pupil's and guardians' connections receive", async () => {
    const secret = "Personalnotering: ta upp provresultatet enskilt.";
    // The pupil's open view does not even hear that something happened in a staff-only thread;
    // the mentor's does (and nobody's stream carries content).
    const alvaStream = await openEventStream(`${server.url}/events?plan=${alvaPlanId}`, cookies.alva!);
    const events = await readEvents(
      "mentor",
      (text) => text.includes("data: comments"),
      async () => {
        expect((await commentAction("maths", { intent: "start-thread", subjectId: mathsId, body: secret, staffOnly: "on" })).status).toBe(200);
      },
    );
    expect(events).not.toContain("Personalnotering");
    expect(alvaStream.changes).toEqual([]);
    alvaStream.close();
    const threadId = threadIdWith(secret);

    expect(await planPage("mentor")).toContain(secret);
    expect(await planPage("swedish")).toContain(secret);
    for (const who of ["alva", "guardian"]) {
      const page = await planPage(who);
      expect(page).not.toContain(secret);
      expect(page).not.toContain(threadId);
      // Single-fetch data requests (what client navigations load) leave it out too.
      const data = await (await get(`${server.url}/plans/${alvaPlanId}.data`, cookies[who])).text();
      expect(data).toContain("Fint arbete med ekvationerna.");
      expect(data).not.toContain(secret);
      // Acting on it by id answers as if it did not exist.
      expect((await commentAction(who, { intent: "reply", threadId, body: "x" })).status).toBe(404);
      expect((await commentAction(who, { intent: "resolve", threadId })).status).toBe(404);
    }
    // Nothing of it is in the shared document either: comments live in SQL only.
    const guardian = connectToPlan(server.url, alvaPlanId, cookies.guardian!);
    clients.push(guardian);
    await guardian.synced();
    expect(JSON.stringify(guardian.doc.toJSON())).not.toContain("Personalnotering");
  });

  it("lists threads waiting for a teacher on their home page until they answer", async () => {
    const threadId = threadIdWith("Fint arbete med ekvationerna.");
    const home = await (await get(`${server.url}/`, cookies.maths)).text();
    expect(home).toContain("Kommentarer som väntar på dig");
    // The last word in the maths thread is someone else's.
    expect(home).toContain(`#thread-${threadId}`);
    expect((await commentAction("maths", { intent: "reply", threadId, body: "Bra, vi ses." })).status).toBe(200);
    expect(await (await get(`${server.url}/`, cookies.maths)).text()).not.toContain(`#thread-${threadId}`);
  });
});

describe("comments on passages", () => {
  const fragment = () => `subject-${mathsId}`;
  const paragraphText = (doc: Y.Doc) => doc.getXmlFragment(fragment()).get(0) as Y.XmlElement;

  /** The text a stored anchor covers now, or null when its passage is gone. */
  function passageNow(doc: Y.Doc, startJson: string, endJson: string): string | null {
    const [start, end] = [startJson, endJson].map((json) => Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(JSON.parse(json)), doc));
    if (!start || !end || start.type !== end.type || start.index >= end.index) return null;
    return (start.type as Y.XmlText).toString().slice(start.index, end.index);
  }

  it("follows its passage through concurrent edits by two clients and detaches when the passage is deleted", async () => {
    const alva = connectToPlan(server.url, alvaPlanId, cookies.alva!);
    const mentor = connectToPlan(server.url, alvaPlanId, cookies.mentor!);
    const teacher = connectToPlan(server.url, alvaPlanId, cookies.maths!);
    clients.push(alva, mentor, teacher);
    await Promise.all([alva.synced(), mentor.synced(), teacher.synced()]);
    typeInto(alva.doc, fragment(), "Jag vill bli bättre på bråk.");
    await expect.poll(() => sectionText(teacher.doc, fragment())).toBe("Jag vill bli bättre på bråk.");

    // The teacher marks "bättre på bråk" as the editor does: relative positions inside the text.
    const text = paragraphText(teacher.doc).get(0) as Y.XmlText;
    const from = "Jag vill bli ".length;
    const to = "Jag vill bli bättre på bråk".length;
    const anchorStart = JSON.stringify(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, from, -1)));
    const anchorEnd = JSON.stringify(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, to, -1)));
    const body = "Vilka delar av bråk känns svårast?";

    // A passage that is not in the maths section (or not a position at all) is refused.
    typeInto(alva.doc, "about", "Om mig.");
    await expect.poll(() => sectionText(teacher.doc, "about")).toBe("Om mig.");
    const aboutNode = (teacher.doc.getXmlFragment("about").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const elsewhere = JSON.stringify(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(aboutNode, 3, -1)));
    for (const [start, end] of [
      [elsewhere, anchorEnd],
      ["{not json", anchorEnd],
      [JSON.stringify({ item: { client: 1, clock: 99999 } }), anchorEnd],
      [anchorStart, anchorStart],
    ]) {
      const response = await commentAction("maths", { intent: "start-thread", subjectId: mathsId, body, anchorStart: start!, anchorEnd: end!, quote: "bättre på bråk" });
      expect(response.status).toBe(400);
    }

    const response = await commentAction("maths", { intent: "start-thread", subjectId: mathsId, body, anchorStart, anchorEnd, quote: "bättre på bråk" });
    expect(response.status).toBe(200);
    const stored = one<{ start: string; end: string; kind: string }>(
      "select anchor_start as start, anchor_end as end, anchor_kind as kind from comment_threads t join comments c on c.thread_id = t.id where c.body = ?",
      body,
    );
    expect(stored.kind).toBe("text");

    // Both editors write at the same moment: before the passage, inside the paragraph, after it.
    const alvaText = paragraphText(alva.doc).get(0) as Y.XmlText;
    const mentorText = paragraphText(mentor.doc).get(0) as Y.XmlText;
    alva.doc.transact(() => alvaText.insert(0, "Ärligt talat: "));
    mentor.doc.transact(() => {
      mentorText.insert(mentorText.length, " Och procent.");
      mentorText.insert("Jag vill".length, " verkligen");
    });
    const expected = "Ärligt talat: Jag vill verkligen bli bättre på bråk. Och procent.";
    await expect.poll(() => [sectionText(alva.doc, fragment()), sectionText(mentor.doc, fragment()), sectionText(teacher.doc, fragment())]).toEqual([
      expected,
      expected,
      expected,
    ]);
    for (const client of [alva, mentor, teacher]) expect(passageNow(client.doc, stored.start, stored.end)).toBe("bättre på bråk");

    // The pupil rewrites the sentence: the passage is gone and the thread is detached, not lost.
    alva.doc.transact(() => {
      alvaText.delete(0, alvaText.length);
      alvaText.insert(0, "Jag tycker om geometri.");
    });
    await expect.poll(() => sectionText(teacher.doc, fragment())).toBe("Jag tycker om geometri.");
    expect(passageNow(teacher.doc, stored.start, stored.end)).toBeNull();
    expect(await planPage("alva")).toContain(body);
  });
});
