import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstPlanId, get, openEventStream, postForm, signInEach } from "../support/http";
import { createTalkDay, loaderData, openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The pupil's questions, each person's news and the notification mail, through the real server:
 * who may ask whom, who is told of what (never of what they may not see), and the mail — what it
 * says, to whom, in which language, batched per person and turned off by the person.
 * This server keeps an hour between one person's mails, so that what waits for the window can be
 * read from the database without waiting; a second server with a three-second window shows the
 * batched mail going out.
 */

let server: TestServer;
let school: SchoolDatabase;
let cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const HOUR = 60 * 60 * 1000;

type NewsItem = { kind: string; pupil: { givenName: string; familyName: string; masked: boolean } | null; subject: { nameSv: string } | null; count: number; path: string; todo: boolean };

/** The home page's news for a person, as the page's loader gives it. */
async function newsOf(who: string): Promise<NewsItem[]> {
  const data = await loaderData(server.url, "/", cookies[who]!);
  return (data["routes/_index"]!.data as { news: { items: NewsItem[] } }).news.items;
}
const kinds = (items: NewsItem[]) => items.map((item) => `${item.kind}:${item.pupil ? `${item.pupil.givenName}` : "own"}:${item.subject?.nameSv ?? ""}`);

const plan = (who: string, fields: Record<string, string>) => postForm(`${server.url}/plans/${ids.alvaPlan}`, fields, cookies[who]);
const ask = (who: string, body: string, extra: Record<string, string> = {}) => plan(who, { intent: "ask-teacher", subjectId: ids.maths!, body, ...extra });
const mailsTo = (personId: string) =>
  school.all<{ subject: string; body: string; locale: string; created_at: number; to_address: string }>(
    "select subject, body, locale, created_at, to_address from outbox_messages where recipient_id = ? and kind = 'notification' order by created_at",
    personId,
  );
const stateOf = (personId: string) =>
  school.one<{ mail_enabled: number; mail_due_at: number | null; last_mail_at: number | null } | undefined>("select * from notification_states where person_id = ?", personId);

beforeAll(async () => {
  server = await startTestServer({ env: { NOTIFICATION_MAIL_MINUTES: "60" } });
  school = openSchoolDatabase(server.databasePath);
  cookies = await signInEach(server.url, {
    alva: "elev@demo.test",
    sara: "vh@demo.test",
    johan: "vh2@demo.test",
    petra: "annan.vh@demo.test",
    jonas: "mentor@demo.test",
    karin: "matte@demo.test",
    erik: "svenska@demo.test",
    nora: "skyddad@demo.test",
    adam: "myndig@demo.test",
    hodan: "myndig.vh@demo.test",
    admin: "admin@demo.test",
  });
  ids.alvaPlan = await firstPlanId(server.url, cookies.alva!);
  ids.noraPlan = await firstPlanId(server.url, cookies.nora!);
  ids.adamPlan = await firstPlanId(server.url, cookies.adam!);
  ids.maths = school.subjectId("MA");
  ids.swedish = school.subjectId("SV");
  for (const [key, email] of Object.entries({ alva: "elev@demo.test", sara: "vh@demo.test", johan: "vh2@demo.test", karin: "matte@demo.test", jonas: "mentor@demo.test", erik: "svenska@demo.test" })) {
    ids[key] = school.personId(email);
  }
}, 60_000);

afterAll(async () => {
  school?.close();
  await server?.stop();
  server?.cleanup();
});

describe("who may ask whom", () => {
  it("lets the pupil ask her maths teacher about her whole reflection: stored as hers, about the reflection, never staff-only", async () => {
    // A staff-only field from a modified form is not taken: a question is never staff-only.
    const response = await ask("alva", "Hur kan jag öva på bråk hemma?", { staffOnly: "on" });
    expect(response.status).toBe(200);
    const thread = school.one<{ anchor_kind: string; staff_only: number; created_by: string; subject_id: string }>(
      "select t.* from comment_threads t join comments c on c.thread_id = t.id where c.body = ?",
      "Hur kan jag öva på bråk hemma?",
    );
    expect(thread).toMatchObject({ anchor_kind: "reflection", staff_only: 0, created_by: ids.alva, subject_id: ids.maths });
  });

  it("refuses bad questions with a reason and stores nothing: empty, too long, a subject no one teaches her, a passage that is not in her text", async () => {
    const before = school.count("select count(*) as n from comment_threads");
    const empty = await ask("alva", "   ");
    expect(empty.status).toBe(400);
    expect((await ask("alva", "x".repeat(2001))).status).toBe(400);
    const noTeacher = await plan("alva", { intent: "ask-teacher", subjectId: "no-such-subject", body: "Vem undervisar?" });
    expect(noTeacher.status).toBe(409);
    const forged = await ask("alva", "Om en påhittad text", { anchorStart: '{"type":{"client":1,"clock":99999},"tname":null,"item":null,"assoc":0}', anchorEnd: "{}", quote: "påhittad" });
    expect(forged.status).toBe(400);
    expect(school.count("select count(*) as n from comment_threads")).toBe(before);
  });
});

describe("who is told of what", () => {
  it("tells the maths teacher of the pupil's question, and no one else: not another teacher, not her mentor, not her guardians", async () => {
    expect(kinds(await newsOf("karin"))).toContain("question:Alva:Matematik");
    for (const who of ["erik", "jonas", "sara", "johan", "petra"]) expect(kinds(await newsOf(who)).filter((k) => k.startsWith("question")), who).toEqual([]);
  });

  it("tells the pupil of an answer in her plan, and the teacher who wrote in a thread of the next word there; guardians are not told of comments", async () => {
    const thread = school.one<{ id: string }>("select thread_id as id from comments where body = 'Hur kan jag öva på bråk hemma?'").id;
    expect((await plan("karin", { intent: "reply", threadId: thread, body: "Prova avsnittet om bråk." })).status).toBe(200);
    expect(kinds(await newsOf("alva"))).toContain("comment:own:Matematik");
    expect(kinds(await newsOf("sara")).filter((k) => k.startsWith("comment"))).toEqual([]);
    // Jonas, her mentor, writes in the thread: Karin (teaches the subject) is told; Erik is not.
    expect((await plan("jonas", { intent: "reply", threadId: thread, body: "Jag tar upp det på mentorstiden." })).status).toBe(200);
    expect(kinds(await newsOf("karin"))).toContain("comment:Alva:Matematik");
    expect(kinds(await newsOf("erik")).filter((k) => k.startsWith("comment"))).toEqual([]);
  });

  it("tells only staff of a staff-only thread: the pupil and her guardians learn nothing of it", async () => {
    const alvaBefore = (await newsOf("alva")).find((item) => item.kind === "comment")?.count ?? 0;
    expect((await plan("karin", { intent: "start-thread", subjectId: ids.maths!, body: "Inför enskilt samtal", staffOnly: "on" })).status).toBe(200);
    const staffThread = school.one<{ id: string }>("select thread_id as id from comments where body = 'Inför enskilt samtal'").id;
    expect((await plan("jonas", { intent: "reply", threadId: staffThread, body: "Bra, vi bokar en tid." })).status).toBe(200);
    // Karin wrote in it: told of Jonas's reply (posting her thread showed her the plan up to then).
    const karins = (await newsOf("karin")).find((item) => item.kind === "comment")!;
    expect(karins.count).toBe(1);
    expect(karins.path).toContain(`#thread-${staffThread}`);
    expect((await newsOf("alva")).find((item) => item.kind === "comment")?.count ?? 0).toBe(alvaBefore);
    for (const who of ["sara", "johan"]) expect(JSON.stringify(await newsOf(who))).not.toContain(staffThread);
  });

  it("tells the pupil and the guardians who read along of a new assessment; not the teacher who made it, not other families, not a guardian an adult pupil has not let read", async () => {
    const duty = (group: string) =>
      school.one<{ id: string }>(
        `select d.id from teaching_duties d join groups g on g.id = d.group_id join terms t on t.id = d.term_id join people p on p.id = d.teacher_id
          where g.name = ? and p.email = 'matte@demo.test' and t.starts_on <= date('now') order by t.starts_on desc`,
        group,
      ).id;
    const assess = (group: string, pupilId: string) => postForm(`${server.url}/assessments/${duty(group)}`, { intent: "save", pupilId, level: "C", written: "Omdöme" }, cookies.karin);
    expect((await assess("8A Matematik", ids.alva!)).status).toBe(200);
    expect((await assess("9A Matematik", school.personId("myndig@demo.test"))).status).toBe(200);
    expect(kinds(await newsOf("alva"))).toContain("assessment:own:Matematik");
    for (const who of ["sara", "johan"]) expect(kinds(await newsOf(who)), who).toContain("assessment:Alva:Matematik");
    expect(kinds(await newsOf("karin")).filter((k) => k.startsWith("assessment"))).toEqual([]);
    expect(kinds(await newsOf("petra")).filter((k) => k.startsWith("assessment"))).toEqual([]);
    expect(kinds(await newsOf("adam"))).toContain("assessment:own:Matematik");
    // Adam is 18 and has not let Hodan read his plan: she is not told.
    expect(kinds(await newsOf("hodan"))).toEqual([]);
  });

  it("forgets news once marked as read or once the plan is opened, and tells of what comes after", async () => {
    const news = (await loaderData(server.url, "/", cookies.sara!))["routes/_index"]!.data as { news: { seenUpTo: string } };
    expect((await postForm(`${server.url}/?index`, { intent: "news-seen", upTo: news.news.seenUpTo }, cookies.sara)).status).toBe(200);
    expect(await newsOf("sara")).toEqual([]);
    expect((await postForm(`${server.url}/?index`, { intent: "news-seen", upTo: "not a time" }, cookies.sara)).status).toBe(400);
    // Alva opens her plan: its news is seen.
    expect((await get(`${server.url}/plans/${ids.alvaPlan}`, cookies.alva)).status).toBe(200);
    expect(kinds(await newsOf("alva")).filter((k) => k.startsWith("comment") || k.startsWith("assessment"))).toEqual([]);
    // Something new after that is news again.
    expect((await plan("karin", { intent: "reply", threadId: school.one<{ id: string }>("select thread_id as id from comments where body = 'Hur kan jag öva på bråk hemma?'").id, body: "En sak till." })).status).toBe(200);
    expect((await newsOf("alva")).find((item) => item.kind === "comment")?.count).toBe(1);
  });
});

describe("who may not ask", () => {
  // After the news tests: a page posted to is shown again, and that counts as having read the plan.
  it("lets no one else ask in her plan: guardians, her mentor and teachers are refused (403), other families do not find the plan (404)", async () => {
    const before = school.count("select count(*) as n from comment_threads");
    for (const who of ["sara", "johan", "jonas", "karin", "erik"]) expect((await ask(who, "Fråga från någon annan")).status, who).toBe(403);
    expect((await ask("petra", "Fråga från en annan familj")).status).toBe(404);
    expect(school.count("select count(*) as n from comment_threads")).toBe(before);
  });

});

describe("mail", () => {
  it("mails the teacher of the subject about the question: in her language, no subject or question text, a link on the public address", () => {
    const mails = mailsTo(ids.karin!);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to_address).toBe("matte@demo.test");
    expect(mail.subject).toBe("En elev har en fråga till dig – Elevledd IUP");
    expect(mail.body).toContain("Alva Lindqvist har en fråga till dig i sin utvecklingsplan.");
    expect(mail.body).toContain(`${server.url}/plans/${ids.alvaPlan}#thread-`);
    expect(mail.body).not.toContain("bråk");
    expect(mail.body).not.toContain("Matematik");
    // Nobody else was mailed about it.
    for (const who of ["erik", "jonas", "sara"]) expect(mailsTo(ids[who]!), who).toEqual([]);
  });

  it("batches: a second question within the hour waits for the window, to go with whatever else comes", async () => {
    expect((await ask("alva", "Och procent då?")).status).toBe(200);
    expect((await ask("alva", "Och decimaltal?")).status).toBe(200);
    expect(mailsTo(ids.karin!)).toHaveLength(1);
    const state = stateOf(ids.karin!)!;
    expect(state.mail_due_at! - state.last_mail_at!).toBe(HOUR);
  });

  it("mails the signers when the plan is locked, each in their own language (not the mentor who locked it)", async () => {
    // Johan reads in English.
    expect((await postForm(`${server.url}/language`, { locale: "en", redirectTo: "/" }, cookies.johan)).status).toBe(302);
    expect((await postFields(`${server.url}/plans/${ids.alvaPlan}`, [["intent", "lock"], ["guardian", ids.sara!], ["guardian", ids.johan!]], cookies.jonas)).status).toBe(200);
    await expect.poll(() => [ids.alva, ids.sara, ids.johan].map((id) => mailsTo(id!).length)).toEqual([1, 1, 1]);
    expect(mailsTo(ids.sara!)[0]).toMatchObject({ subject: "Din signatur behövs – Elevledd IUP", locale: "sv" });
    expect(mailsTo(ids.sara!)[0]!.body).toContain("Din signatur behövs på utvecklingsplanen för Alva Lindqvist.");
    expect(mailsTo(ids.alva!)[0]!.body).toContain("Din signatur behövs på din utvecklingsplan.");
    expect(mailsTo(ids.johan!)[0]).toMatchObject({ subject: "Your signature is needed – Student-led IUP", locale: "en" });
    expect(mailsTo(ids.johan!)[0]!.body).toContain("Your signature is needed on the development plan of Alva Lindqvist.");
    expect(mailsTo(ids.jonas!)).toEqual([]);
    // The signers' news: a to-do until they sign.
    expect((await newsOf("sara")).filter((item) => item.todo).map((item) => item.kind)).toEqual(["signature"]);
  });

  it("never names a pupil with protected identity in mail", async () => {
    expect((await postForm(`${server.url}/plans/${ids.noraPlan}`, { intent: "ask-teacher", subjectId: ids.swedish!, body: "Hur skriver jag en krönika?" }, cookies.nora)).status).toBe(200);
    const erikMails = () => mailsTo(ids.erik!);
    await expect.poll(() => erikMails().length).toBe(1);
    expect(erikMails()[0]!.body).toContain("En elev har en fråga till dig i sin utvecklingsplan.");
    expect(erikMails()[0]!.body).not.toMatch(/Nora|Karlsson|krönika/);
    // In the app, where Erik works with her, he sees who asked.
    expect(kinds(await newsOf("erik"))).toContain("question:Nora:Svenska");
  });

  it("lets a person turn mail off (nothing is put in line for them) and on again (from then on)", async () => {
    expect((await postForm(`${server.url}/settings`, { intent: "mail" }, cookies.erik)).status).toBe(200);
    expect(stateOf(ids.erik!)).toMatchObject({ mail_enabled: 0, mail_due_at: null });
    expect((await postForm(`${server.url}/plans/${ids.noraPlan}`, { intent: "ask-teacher", subjectId: ids.swedish!, body: "En fråga till" }, cookies.nora)).status).toBe(200);
    // Still told in the app; by mail, nothing is due.
    expect((await newsOf("erik")).find((item) => item.kind === "question")?.count).toBe(2);
    expect(stateOf(ids.erik!)).toMatchObject({ mail_enabled: 0, mail_due_at: null });
    expect((await postForm(`${server.url}/settings`, { intent: "bogus" }, cookies.erik)).status).toBe(400);
    expect(stateOf(ids.erik!)!.mail_enabled).toBe(0);
    expect((await postForm(`${server.url}/settings`, { intent: "mail", mail: "on" }, cookies.erik)).status).toBe(200);
    expect(stateOf(ids.erik!)).toMatchObject({ mail_enabled: 1, mail_due_at: null });
    // Only another person's own setting: Erik's change touched nobody else.
    expect(stateOf(ids.karin!)!.mail_enabled).toBe(1);
  });

  it("mails a called teacher who is on no page of the app at once, whatever the window; one with a page open is not mailed", async () => {
    const event = await createTalkDay(server.url, cookies.admin!, { groupIds: [school.groupId("8A – Jonas Ek")] });
    expect((await postFields(`${server.url}/talk-days/${event}`, [["intent", "invite"]], cookies.admin)).status).toBe(200);
    // A plan's talk view: Alva's plan is locked now, so her classmate Ella's talk is called from by her mentor.
    const ellaTalk = school.talkOf(event, school.personNamed("Ella", "Lund"))!.id;
    // Karin is on no page: her mail about the two questions waits for the window; the call goes now, with them.
    expect(mailsTo(ids.karin!)).toHaveLength(1);
    expect((await postForm(`${server.url}/talks/${ellaTalk}`, { intent: "call", subjectId: ids.maths! }, cookies.jonas)).status).toBe(200);
    await expect.poll(() => mailsTo(ids.karin!).length).toBe(2);
    const callMail = mailsTo(ids.karin!)[1]!;
    expect(callMail.subject).toBe("2 saker väntar på dig – Elevledd IUP");
    expect(callMail.body).toContain("Ella Lund kallar på dig till sitt utvecklingssamtal just nu.");
    expect(callMail.body).toContain(`/talks/${ellaTalk}`);
    expect(callMail.body).toContain("Alva Lindqvist har 2 frågor till dig i sin utvecklingsplan.");

    // Erik has a page open (its event stream): the call reaches him there; nothing is put in line for mail.
    const stream = await openEventStream(`${server.url}/events`, cookies.erik!);
    try {
      const before = mailsTo(ids.erik!).length;
      expect((await postForm(`${server.url}/talks/${ellaTalk}`, { intent: "call", subjectId: ids.swedish! }, cookies.jonas)).status).toBe(200);
      await expect.poll(() => stream.changes).toContain("calls");
      expect(stateOf(ids.erik!)!.mail_due_at).toBeNull();
      expect(mailsTo(ids.erik!)).toHaveLength(before);
    } finally {
      stream.close();
    }
  });
});

describe("the batched mail goes out when the window has passed", () => {
  let quick: TestServer;
  afterAll(async () => {
    await quick?.stop();
    quick?.cleanup();
  });

  it("sends one mail at once and one more after the window with everything that came meanwhile", async () => {
    quick = await startTestServer({ env: { NOTIFICATION_MAIL_MINUTES: "0.05" } });
    const db = openSchoolDatabase(quick.databasePath);
    try {
      const c = await signInEach(quick.url, { alva: "elev@demo.test" });
      const planId = await firstPlanId(quick.url, c.alva!);
      const maths = db.subjectId("MA");
      const karin = db.personId("matte@demo.test");
      const mails = () => db.all<{ body: string; created_at: number }>("select body, created_at from outbox_messages where recipient_id = ? and kind = 'notification' order by created_at", karin);
      for (const body of ["Första frågan", "Andra frågan", "Tredje frågan"]) {
        expect((await postForm(`${quick.url}/plans/${planId}`, { intent: "ask-teacher", subjectId: maths, body }, c.alva)).status).toBe(200);
        if (body === "Första frågan") await expect.poll(() => mails().length).toBe(1);
      }
      await expect.poll(() => mails().length, { timeout: 15_000 }).toBe(2);
      const [first, second] = mails();
      expect(first!.body).toContain("Alva Lindqvist har en fråga till dig");
      expect(second!.body).toContain("Alva Lindqvist har 2 frågor till dig");
      expect(second!.created_at - first!.created_at).toBeGreaterThanOrEqual(3000);
      expect(db.one<{ mail_due_at: number | null }>("select mail_due_at from notification_states where person_id = ?", karin).mail_due_at).toBeNull();
    } finally {
      db.close();
    }
  });
});
