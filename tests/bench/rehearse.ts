/**
 * `npm run rehearse` — one sitting of a talk day, rehearsed against the real server with real
 * sign-ins, sockets and mail: 24 talks of four mentors' pupils, their guardians (some remote, two
 * with an interpreter as a guest of the talk, whose link comes by e-mail), the pupils starting their
 * clocks, writing and moving through the agenda, eight subject teachers called ten times, and at
 * the end every plan locked by its mentor and signed by the pupil, the guardians and the mentor on
 * their own devices. Prints the figures (lock → last signature, call → acknowledgement,
 * deliveries, errors) as a table and one JSON line. Exits non-zero on any error or unsigned plan.
 * `--smoke` runs three talks (part of `npm test`; no timing is asserted there).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { hash } from "@node-rs/argon2";
import Database from "better-sqlite3";
import { and, eq, inArray, lte, gte } from "drizzle-orm";
import { testSmtpServer } from "../support/smtp";
import { openDatabase } from "../../db/client";
import { stockholmToday } from "../../db/school-calendar";
import { windowAroundNow } from "./rehearsal-window";
import { credentials, groupMembers, groups, guardianships, schools, terms } from "../../db/schema";
import { seedDemoSchool } from "../../db/seed/demo-school";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { cookieFrom, get, postForm } from "../support/http";
import { actionData, loaderData, postFields } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

const smoke = process.argv.includes("--smoke");
const config = smoke
  ? { groups: ["8A – Jonas Ek"], talks: 3, calls: 2, interpreters: 1 }
  : { groups: ["8A – Jonas Ek", "8A – Karin Holm", "8B – Anna Nyström", "8B – Mikael Lund"], talks: 24, calls: 10, interpreters: 2 };
/** Subjects called, each taught to 8A and 8B by a teacher who is none of the four mentors. */
const calledSubjects = ["SV", "TK", "BL", "IDH", "MU", "SL", "M2"];
const PASSWORD = "demo";
process.setMaxListeners(200);

// ——— Measuring ———

const errors: string[] = [];
const fail = (what: string) => errors.push(what);
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const round = (n: number) => Math.round(n);
async function expectStatus(response: Response | Promise<Response>, status: number, what: string): Promise<Response> {
  const answer = await response;
  if (answer.status !== status) fail(`${what}: ${answer.status} instead of ${status}`);
  return answer;
}

/** A server-sent event stream that resolves waits for its next "changed" event of a kind. */
class Stream {
  private readonly controller = new AbortController();
  private readonly waiting: Array<{ change: string; resolve: (at: number) => void }> = [];
  readonly seen: string[] = [];
  readonly opened: Promise<void>;

  constructor(url: string, cookie: string, what: string) {
    this.opened = fetch(url, { headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: this.controller.signal }).then((response) => {
      if (response.status !== 200 || !response.body) {
        fail(`${what}: event stream ${response.status}`);
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            let end: number;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (!/^event: changed$/m.test(block) || !data) continue;
              this.seen.push(data);
              const at = performance.now();
              for (const w of this.waiting.filter((w) => w.change === data)) {
                this.waiting.splice(this.waiting.indexOf(w), 1);
                w.resolve(at);
              }
            }
          }
        } catch {
          // closed
        }
      })();
    });
  }

  /** When the next event of this kind arrives (or rejects after `timeoutMs`). */
  next(change: string, timeoutMs = 20_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const entry = { change, resolve: (at: number) => (clearTimeout(timer), resolve(at)) };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(new Error(`no "${change}" event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(entry);
    });
  }

  close() {
    this.controller.abort();
  }
}

// ——— The school ———

/** The demo school, a term that covers today, and a password for every pupil and guardian of the groups. */
async function seed(path: string) {
  const db = await openDatabase(path);
  await seedDemoSchool(db);
  const today = stockholmToday();
  const school = db.select().from(schools).where(eq(schools.name, "Solbackeskolan")).get()!;
  // Between terms (Christmas, summer) the nearest term is stretched to today: the rehearsal's own data.
  const active = db.select().from(terms).where(and(eq(terms.schoolId, school.id), lte(terms.startsOn, today), gte(terms.endsOn, today))).get();
  if (!active) {
    const all = db.select().from(terms).where(eq(terms.schoolId, school.id)).all();
    const nearest = all.sort((a, b) => Math.abs(Date.parse(a.endsOn) - Date.parse(today)) - Math.abs(Date.parse(b.endsOn) - Date.parse(today)))[0]!;
    db.update(terms).set({ startsOn: nearest.startsOn < today ? nearest.startsOn : today, endsOn: nearest.endsOn > today ? nearest.endsOn : today }).where(eq(terms.id, nearest.id)).run();
  }
  const groupIds = db.select({ id: groups.id }).from(groups).where(inArray(groups.name, config.groups)).all().map((g) => g.id);
  const pupilIds = db.select({ id: groupMembers.pupilId }).from(groupMembers).where(inArray(groupMembers.groupId, groupIds)).all().map((r) => r.id);
  const guardianIds = db.select({ id: guardianships.guardianId }).from(guardianships).where(inArray(guardianships.pupilId, pupilIds)).all().map((r) => r.id);
  const passwordHash = await hash(PASSWORD);
  const now = new Date();
  db.transaction((tx) => {
    for (const personId of new Set([...pupilIds, ...guardianIds])) {
      tx.insert(credentials).values({ personId, passwordHash, updatedAt: now }).onConflictDoUpdate({ target: credentials.personId, set: { passwordHash } }).run();
    }
  });
  db.$client.close();
}


async function signIn(baseUrl: string, email: string): Promise<string> {
  const response = await postForm(`${baseUrl}/login`, { email, password: PASSWORD });
  if (response.status !== 302) throw new Error(`sign-in failed with ${response.status}`);
  return cookieFrom(response);
}

/** A mail's text, with quoted-printable soft breaks and escapes undone. */
function mailText(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// ——— The rehearsal ———

interface Person {
  id: string;
  email: string;
  cookie: string;
}
interface TalkCast {
  talkId: string;
  planId: string;
  pupil: Person;
  mentor: Person;
  guardians: Array<Person & { remote: boolean; interpreter: string | null }>;
  /** The pupil's subjects that can be called, with their teachers. */
  subjects: Array<{ id: string; code: string; teacherId: string }>;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "iup-rehearse-"));
  const databasePath = join(work, "app.sqlite");
  await seed(databasePath);

  const received: Array<{ to: string[]; raw: string }> = [];
  const smtp = testSmtpServer({
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const server: TestServer = await startTestServer({
    databasePath,
    env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: "samtal@solbacken.demo.test", MAIL_TICK_MS: "200", COLLAB_UNLOAD_MS: "2000" },
  });
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  const one = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T;
  const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];
  const clients: PlanClient[] = [];
  const streams: Stream[] = [];
  const started = performance.now();

  try {
    // The admin plans today's talk day for the four mentor groups and sends the invitations.
    const admin = await signIn(server.url, "admin@demo.test");
    const window = windowAroundNow();
    const groupIds = config.groups.map((name) => one<{ id: string }>("select id from groups where name = ?", name).id);
    const created = await postFields(
      `${server.url}/talk-days`,
      [
        ["dates", window.date],
        ["windowStart", window.windowStart],
        ["windowEnd", window.windowEnd],
        ["sittingMinutes", window.sittingMinutes],
        ["talkMinutes", window.talkMinutes],
        ["place", "Matsalen"],
        ["videoUrl", "https://video.solbacken.example/samtal"],
        ["phoneNumber", "08-123 456 78"],
        ["capacity", String(config.talks)],
        ...groupIds.map((id): [string, string] => ["groupIds", id]),
      ],
      admin,
    );
    if (created.status !== 302) throw new Error(`planning the talk day failed with ${created.status}`);
    const eventId = created.headers.get("location")!.split("/").at(-1)!;
    await expectStatus(postForm(`${server.url}/talk-days/${eventId}`, { intent: "invite" }, admin), 200, "invite");

    // The first sitting: who is in it.
    const sitting = one<{ id: string }>("select id from talk_sittings where event_id = ? order by starts_at limit 1", eventId);
    const rows = all<{ id: string; plan_id: string; pupil_id: string }>("select id, plan_id, pupil_id from talks where sitting_id = ? order by id", sitting.id).slice(0, config.talks);
    const people = new Map<string, Person>();
    const person = async (id: string) => {
      let found = people.get(id);
      if (!found) {
        const email = one<{ email: string }>("select email from people where id = ?", id).email;
        found = { id, email, cookie: await signIn(server.url, email) };
        people.set(id, found);
      }
      return found;
    };
    const casts: TalkCast[] = [];
    let guardianCount = 0;
    for (const [i, row] of rows.entries()) {
      const mentorId = one<{ mentor_id: string }>(
        "select m.mentor_id from group_members gm join mentorships m on m.group_id = gm.group_id where gm.pupil_id = ? and gm.group_id in (" + groupIds.map(() => "?").join(",") + ")",
        row.pupil_id,
        ...groupIds,
      ).mentor_id;
      const guardianIds = all<{ guardian_id: string }>("select guardian_id from talk_guardian_replies where talk_id = ?", row.id).map((r) => r.guardian_id);
      const guardians = [];
      for (const [j, id] of guardianIds.entries()) {
        guardianCount++;
        guardians.push({ ...(await person(id)), remote: guardianCount % 3 === 0, interpreter: i < config.interpreters && j === 0 ? ["arabiska", "somaliska"][i]! : null });
      }
      const subjects = all<{ id: string; code: string; teacher_id: string }>(
        `select distinct s.id, s.code, d.teacher_id from plan_sections ps join subjects s on s.id = ps.subject_id
           join teaching_duties d on d.subject_id = s.id join group_members gm on gm.group_id = d.group_id and gm.pupil_id = ?
           join terms t on t.id = d.term_id and t.starts_on <= date('now') and t.ends_on >= date('now')
          where ps.plan_id = ?`,
        row.pupil_id,
        row.plan_id,
      ).map((s) => ({ id: s.id, code: s.code, teacherId: s.teacher_id }));
      casts.push({ talkId: row.id, planId: row.plan_id, pupil: await person(row.pupil_id), mentor: await person(mentorId), guardians, subjects });
    }
    const mentors = [...new Map(casts.map((c) => [c.mentor.id, c.mentor])).values()];

    // Everyone opens their page of the talk: the pupil writes, the guardians and interpreters read.
    const pupilPlanStream = new Map<string, Stream>();
    const signerStreams = new Map<string, Stream>();
    for (const cast of casts) {
      await expectStatus(get(`${server.url}/talks/${cast.talkId}`, cast.pupil.cookie), 200, "the pupil's talk view");
      const stream = new Stream(`${server.url}/events?plan=${cast.planId}`, cast.pupil.cookie, "pupil");
      streams.push(stream);
      pupilPlanStream.set(cast.talkId, stream);
      signerStreams.set(`${cast.talkId}:${cast.pupil.id}`, stream);
      const pupilClient = connectToPlan(server.url, cast.planId, cast.pupil.cookie);
      clients.push(pupilClient);
      for (const guardian of cast.guardians) {
        const answer = await postForm(
          `${server.url}/?index`,
          {
            intent: "confirm",
            talkId: cast.talkId,
            attendance: guardian.remote ? "remote" : "room",
            ...(guardian.interpreter ? { interpreter: "on", interpreterLanguage: guardian.interpreter } : {}),
          },
          guardian.cookie,
        );
        if (answer.status !== 200) fail(`a guardian's answer: ${answer.status}`);
        await expectStatus(get(`${server.url}/talks/${cast.talkId}`, guardian.cookie), 200, "a guardian's talk view");
        const gStream = new Stream(`${server.url}/events?plan=${cast.planId}`, guardian.cookie, "guardian");
        streams.push(gStream);
        signerStreams.set(`${cast.talkId}:${guardian.id}`, gStream);
        clients.push(connectToPlan(server.url, cast.planId, guardian.cookie));
      }
      const mStream = new Stream(`${server.url}/events?plan=${cast.planId}`, cast.mentor.cookie, "mentor");
      streams.push(mStream);
      signerStreams.set(`${cast.talkId}:${cast.mentor.id}`, mStream);
    }
    for (const mentor of mentors) await expectStatus(get(`${server.url}/talk-days/${eventId}/sittings/${sitting.id}`, mentor.cookie), 200, "a mentor's sitting board");
    await Promise.all([...streams.map((s) => s.opened), ...clients.map((c) => c.synced())]);

    // Interpreters: the mentor adds one where a guardian asked; the link comes by e-mail.
    let interpreters = 0;
    for (const cast of casts) {
      const asked = cast.guardians.find((g) => g.interpreter);
      if (!asked) continue;
      const address = `tolk${++interpreters}@tolkbyran.example`;
      const added = await actionData(server.url, `/talk-days/${eventId}/talks/${cast.talkId}`, { intent: "add-guest", name: `Tolk ${interpreters}`, language: asked.interpreter!, email: address }, cast.mentor.cookie);
      if (added.status !== 200) fail(`adding an interpreter: ${added.status}`);
      const deadline = Date.now() + 20_000;
      let link: string | undefined;
      while (!link && Date.now() < deadline) {
        const mail = received.find((m) => m.to.includes(address));
        link = mail ? /https?:\/\/\S+\/guest\/[A-Za-z0-9_-]{43}/.exec(mailText(mail.raw))?.[0] : undefined;
        if (!link) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!link) {
        fail("an interpreter's link never arrived");
        continue;
      }
      const opened = await fetch(link, { redirect: "manual" });
      if (opened.status !== 302) fail(`opening an interpreter's link: ${opened.status}`);
      const guestCookie = cookieFrom(opened);
      await expectStatus(get(`${server.url}/guest`, guestCookie), 200, "the interpreter's view");
      streams.push(new Stream(`${server.url}/guest/events`, guestCookie, "interpreter"));
      const guest = connectToPlan(server.url, cast.planId, guestCookie, { asGuest: true });
      clients.push(guest);
      await guest.synced();
    }

    // The talks: clocks start, the pupils write and move through the agenda; the mentors check who the remote guardians are.
    const sentence = (cast: TalkCast) => `Jag vill bli bättre på att förklara hur jag tänker (${cast.pupil.id.slice(0, 4)}).`;
    for (const cast of casts) {
      await expectStatus(postForm(`${server.url}/talks/${cast.talkId}`, { intent: "start" }, cast.pupil.cookie), 200, "starting the clock");
      const pupilClient = clients.find((c) => c.provider.roomname === cast.planId)!;
      typeInto(pupilClient.doc, "goals", sentence(cast));
      await expectStatus(postForm(`${server.url}/talks/${cast.talkId}`, { intent: "section", fragment: "goals" }, cast.pupil.cookie), 200, "the agenda");
      for (const g of cast.guardians.filter((g) => g.remote)) {
        await expectStatus(postForm(`${server.url}/talk-days/${eventId}/sittings/${sitting.id}`, { intent: "identity", talkId: cast.talkId, guardianId: g.id }, cast.mentor.cookie), 200, "an identity check");
      }
    }

    // Calls: pupils call subject teachers (who sit on their own pages), the teachers answer "Jag kommer".
    const teacherStreams = new Map<string, Stream>();
    // Each call from another talk, to as many different teachers as the subjects allow.
    const candidates = casts.flatMap((cast) => cast.subjects.filter((s) => calledSubjects.includes(s.code === "SVA" ? "SV" : s.code)).map((subject) => ({ cast, subject })));
    const callPlan: typeof candidates = [];
    for (const newTeacherOnly of [true, false]) {
      for (const candidate of candidates) {
        if (callPlan.length >= config.calls || callPlan.some((c) => c.cast === candidate.cast)) continue;
        if (newTeacherOnly && callPlan.some((c) => c.subject.teacherId === candidate.subject.teacherId)) continue;
        callPlan.push(candidate);
      }
    }
    for (const { subject } of callPlan) {
      if (teacherStreams.has(subject.teacherId)) continue;
      const teacher = await person(subject.teacherId);
      const stream = new Stream(`${server.url}/events`, teacher.cookie, "teacher");
      streams.push(stream);
      teacherStreams.set(subject.teacherId, stream);
      await stream.opened;
    }
    const notified: number[] = [];
    const acknowledged: number[] = [];
    let callsDelivered = 0;
    let acksDelivered = 0;
    for (const { cast, subject } of callPlan) {
      const teacher = people.get(subject.teacherId)!;
      const reachesTeacher = teacherStreams.get(subject.teacherId)!.next("calls");
      const t0 = performance.now();
      await expectStatus(postForm(`${server.url}/talks/${cast.talkId}`, { intent: "call", subjectId: subject.id }, cast.pupil.cookie), 200, "a call");
      const tNotified = await reachesTeacher.catch(() => (fail("a call did not reach the teacher"), NaN));
      if (Number.isFinite(tNotified)) {
        callsDelivered++;
        notified.push(tNotified - t0);
      }
      const rootData = (await loaderData(server.url, "/", teacher.cookie)).root!.data as { calls: Array<{ id: string; talkId: string; acknowledged: boolean }> };
      const call = rootData.calls.find((c) => c.talkId === cast.talkId && !c.acknowledged);
      if (!call) {
        fail("the called teacher's page does not show the call");
        continue;
      }
      const reachesPupil = pupilPlanStream.get(cast.talkId)!.next("talk");
      await expectStatus(postForm(`${server.url}/calls/${call.id}`, { intent: "acknowledge" }, teacher.cookie), 200, "Jag kommer");
      const tSeen = await reachesPupil.catch(() => (fail("the answer did not reach the pupil"), NaN));
      if (Number.isFinite(tSeen)) {
        acksDelivered++;
        acknowledged.push(tSeen - t0);
      }
    }

    // What the pupils wrote reached their guardians' (and interpreters') open plans.
    let typingExpected = 0;
    let typingDelivered = 0;
    const deadline = Date.now() + 10_000;
    for (const cast of casts) {
      const readers = clients.filter((c) => c.provider.roomname === cast.planId).slice(1);
      typingExpected += readers.length;
      for (const reader of readers) {
        while (!sectionText(reader.doc, "goals").includes(sentence(cast)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        if (sectionText(reader.doc, "goals").includes(sentence(cast))) typingDelivered++;
      }
    }
    if (typingDelivered !== typingExpected) fail(`typing reached ${typingDelivered} of ${typingExpected} readers`);

    // The end of the sitting: each mentor locks, and everyone signs on their own device as soon as their page says so.
    let lockDelivered = 0;
    let lockExpected = 0;
    const lockToLastSignature = await Promise.all(
      casts.map(async (cast) => {
        const signers = [cast.pupil, ...cast.guardians, cast.mentor];
        lockExpected += signers.length;
        const told = signers.map((s) => signerStreams.get(`${cast.talkId}:${s.id}`)!.next("status"));
        const t0 = performance.now();
        const locked = await postFields(`${server.url}/plans/${cast.planId}`, [["intent", "lock"], ...cast.guardians.map((g): [string, string] => ["guardian", g.id])], cast.mentor.cookie);
        if (locked.status !== 200) fail(`a lock: ${locked.status}`);
        const signed = await Promise.all(
          signers.map(async (signer, i) => {
            await told[i]!.then(() => lockDelivered++).catch(() => fail("a lock did not reach a signer's page"));
            // The version and hash the signing form shows: a signature covers exactly what was shown.
            const shown = one<{ version: number; content_hash: string }>(
              "select version, content_hash from plan_versions where plan_id = ? order by version desc limit 1",
              cast.planId,
            );
            const fields = { intent: "sign", version: String(shown.version), contentHash: shown.content_hash };
            await expectStatus(postForm(`${server.url}/plans/${cast.planId}`, fields, signer.cookie), 200, "a signature");
            return performance.now();
          }),
        );
        return Math.max(...signed) - t0;
      }),
    );
    const unsigned = casts.filter((c) => one<{ status: string }>("select status from plans where id = ?", c.planId).status !== "signed").length;
    if (unsigned > 0) fail(`${unsigned} plans not signed`);
    // The pupils' writing connections were closed by the lock (4423), as they should be; nothing else closed.
    for (const client of clients) {
      const unexpected = client.closeCodes.filter((code) => code !== 4423);
      if (unexpected.length > 0) fail(`a socket closed with ${unexpected.join(", ")}`);
    }

    // Mail: everything queued has left (invitations, reminders for today, interpreters' links).
    const mailDeadline = Date.now() + 30_000;
    while (Date.now() < mailDeadline && one<{ n: number }>("select count(*) as n from outbox_messages where status in ('queued', 'sending')").n > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const mail = one<{ total: number; sent: number }>("select count(*) as total, sum(status = 'sent') as sent from outbox_messages");
    if (mail.sent !== mail.total) fail(`mail sent ${mail.sent} of ${mail.total}`);
    for (const line of server.logs) {
      const entry = (() => {
        try {
          return JSON.parse(line) as { level?: number; msg?: string };
        } catch {
          return null;
        }
      })();
      if (entry?.level !== undefined && entry.level >= 40) fail(`server logged: ${entry.msg}`);
    }

    const figures = {
      talks: casts.length,
      pupils: casts.length,
      guardians: casts.reduce((n, c) => n + c.guardians.length, 0),
      remote: casts.reduce((n, c) => n + c.guardians.filter((g) => g.remote).length, 0),
      interpreters,
      mentors: mentors.length,
      teachers: teacherStreams.size,
      calls: callPlan.length,
      lockToLastSignatureMs: { median: round(quantile(lockToLastSignature, 0.5)), p90: round(quantile(lockToLastSignature, 0.9)), max: round(Math.max(...lockToLastSignature)) },
      callToNotifiedMs: { median: round(quantile(notified, 0.5)), max: round(Math.max(...notified)) },
      callToAcknowledgedMs: { median: round(quantile(acknowledged, 0.5)), max: round(Math.max(...acknowledged)) },
      deliveries: {
        mail: { sent: mail.sent, total: mail.total },
        callsToTeachers: { delivered: callsDelivered, expected: callPlan.length },
        acknowledgementsToPupils: { delivered: acksDelivered, expected: callPlan.length },
        lockToSignersPages: { delivered: lockDelivered, expected: lockExpected },
        typingToReaders: { delivered: typingDelivered, expected: typingExpected },
      },
      signed: casts.length - unsigned,
      errors: errors.length,
      seconds: round((performance.now() - started) / 1000),
    };
    const f = figures;
    console.log(`Talk-day rehearsal${smoke ? " (smoke)" : ""}: ${f.talks} talks, ${f.guardians} guardians (${f.remote} remote, ${f.interpreters} with an interpreter as guest), ${f.mentors} mentors, ${f.teachers} teachers called ${f.calls} times`);
    console.log(`  lock → last signature     median ${f.lockToLastSignatureMs.median} ms · p90 ${f.lockToLastSignatureMs.p90} ms · max ${f.lockToLastSignatureMs.max} ms (${f.signed}/${f.talks} signed)`);
    console.log(`  call → teacher notified   median ${f.callToNotifiedMs.median} ms · max ${f.callToNotifiedMs.max} ms`);
    console.log(`  call → answer seen        median ${f.callToAcknowledgedMs.median} ms · max ${f.callToAcknowledgedMs.max} ms`);
    const d = f.deliveries;
    console.log(
      `  deliveries                mail ${d.mail.sent}/${d.mail.total} · calls ${d.callsToTeachers.delivered}/${d.callsToTeachers.expected} · answers ${d.acknowledgementsToPupils.delivered}/${d.acknowledgementsToPupils.expected} · lock to signers ${d.lockToSignersPages.delivered}/${d.lockToSignersPages.expected} · typing ${d.typingToReaders.delivered}/${d.typingToReaders.expected}`,
    );
    console.log(`  errors                    ${f.errors}${errors.length ? `: ${[...new Set(errors)].slice(0, 10).join("; ")}` : ""}`);
    console.log(JSON.stringify(figures));
    return errors.length === 0 ? 0 : 1;
  } finally {
    for (const client of clients) client.destroy();
    for (const stream of streams) stream.close();
    sqlite.close();
    await server.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
