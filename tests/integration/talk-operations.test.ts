import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, postForm, signInEach } from "../support/http";
import { actionData, bookingAroundNow, createTalkDay, dayFromNow, loaderData, openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Talk days as staff run them, through the real server: siblings kept apart across every talk day
 * of the school (placing, moving, booking, a guardian's choice) and a clash made on purpose with
 * its reason; corrections of a planned day with the rules checked again and the families told;
 * the clock that does not restart by accident; closing a call; telephone as a way of attending;
 * the one-to-one talks' live board. The stored result is read back from SQLite; a refused request
 * must have written nothing.
 */

let server: TestServer;
let school: SchoolDatabase;
let cookies: Record<string, string>;
const ids: Record<string, string> = {};

const day = dayFromNow(20);
const day2 = dayFromNow(27);

interface TalkRow {
  id: string;
  event_id: string;
  pupil_id: string;
  sitting_id: string | null;
  starts_at: string;
  ends_at: string;
  started_at: number | null;
}
const talkOf = (eventId: string, pupilId: string) => school.one<TalkRow>("select * from talks where event_id = ? and pupil_id = ?", eventId, pupilId);
const sittingsOf = (eventId: string) => school.all<{ id: string; starts_at: string; ends_at: string; capacity: number | null }>("select * from talk_sittings where event_id = ? order by starts_at", eventId);
const overlaps = (a: { starts_at: string; ends_at: string }, b: { starts_at: string; ends_at: string }) => a.starts_at < b.ends_at && b.starts_at < a.ends_at;
const board = (who: string, eventId: string, fields: Record<string, string>) => postForm(`${server.url}/talk-days/${eventId}`, fields, cookies[who]);
const html = async (who: string, path: string) => {
  const response = await get(`${server.url}${path}`, cookies[who]);
  expect(response.status, `GET ${path} as ${who}`).toBe(200);
  return response.text();
};
const counts = () =>
  Object.fromEntries(
    ["talks", "talk_sittings", "talk_rule_overrides", "talk_guardian_replies", "outbox_messages", "talk_calls"].map((t) => [t, school.count(`select count(*) as n from ${t}`)]),
  );
const snapshot = (eventId: string) => ({
  talks: school.all("select id, sitting_id, starts_at, ends_at from talks where event_id = ? order by id", eventId),
  sittings: sittingsOf(eventId),
  event: school.one("select * from talk_events where id = ?", eventId),
});
/** A guardian's children's talks as the home page's loader gives them. */
async function guardianTalks(who: string) {
  const data = await loaderData(server.url, "/", cookies[who]!);
  return (data["routes/_index"]!.data as { guardianTalks: Array<{ talkId: string; pupil: { id: string }; talkMinutes: number; alternatives: Array<{ id: string; startsAt: string; endsAt: string }> }> }).guardianTalks;
}

beforeAll(async () => {
  server = await startTestServer();
  school = openSchoolDatabase(server.databasePath);
  cookies = await signInEach(server.url, {
    admin: "admin@demo.test",
    jonas: "mentor@demo.test",
    karin: "matte@demo.test",
    sara: "vh@demo.test",
    johan: "vh2@demo.test",
    lisa: "vh3@demo.test",
    alva: "elev@demo.test",
    petra: "annan.vh@demo.test",
  });
  ids.alva = school.personId("elev@demo.test");
  ids.sara = school.personId("vh@demo.test");
  ids.johan = school.personId("vh2@demo.test");
  ids.admin = school.personId("admin@demo.test");
  ids.elis = school.personNamed("Elis", "Lindqvist");
  ids.wilma = school.personNamed("Wilma", "Berg");
  // Three talk days on the same afternoon, planned apart: 8A (Jonas), 6A and 8B (the admin).
  ids.eventA = await createTalkDay(server.url, cookies.jonas!, { groupIds: [school.groupId("8A – Jonas Ek")], dates: [day], capacity: "30" });
  ids.eventB = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("6A"), dates: [day], capacity: "30" });
  ids.eventC = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("8B"), dates: [day], capacity: "30" });
}, 120_000);

afterAll(async () => {
  school?.close();
  await server?.stop();
  server?.cleanup();
});

describe("siblings across the school's talk days", () => {
  it("places each talk day clear of the siblings' talks in the others (Alva 8A, Elis 6A, Wilma 8B share Johan)", () => {
    const alva = talkOf(ids.eventA!, ids.alva!);
    const elis = talkOf(ids.eventB!, ids.elis!);
    const wilma = talkOf(ids.eventC!, ids.wilma!);
    expect(overlaps(alva, elis)).toBe(false);
    expect(overlaps(alva, wilma)).toBe(false);
    expect(overlaps(elis, wilma)).toBe(false);
  });

  it("refuses a staff move onto a sibling's time in another talk day (409), changing nothing; with a reason it is made, stored with who and when, and both boards show it", async () => {
    const alva = talkOf(ids.eventA!, ids.alva!);
    const target = sittingsOf(ids.eventB!).find((s) => s.starts_at === alva.starts_at)!;
    const before = counts();
    const elisBefore = talkOf(ids.eventB!, ids.elis!);
    const move = { intent: "move", pupilId: ids.elis!, sittingId: target.id };
    const refused = await board("admin", ids.eventB!, move);
    expect(refused.status).toBe(409);
    expect(talkOf(ids.eventB!, ids.elis!)).toEqual(elisBefore);
    expect(counts()).toEqual(before);
    // A reason of a word or two is no reason.
    expect((await board("admin", ids.eventB!, { ...move, override: "ok" })).status).toBe(400);
    expect(counts()).toEqual(before);

    const reason = "Båda vårdnadshavarna kommer, en till varje samtal.";
    expect((await board("admin", ids.eventB!, { ...move, override: reason })).status).toBe(200);
    const elis = talkOf(ids.eventB!, ids.elis!);
    expect(elis.starts_at).toBe(alva.starts_at);
    expect(school.all("select talk_id, rule, starts_at, ends_at, reason, created_by from talk_rule_overrides")).toEqual([
      { talk_id: elis.id, rule: "sibling", starts_at: elis.starts_at, ends_at: elis.ends_at, reason, created_by: ids.admin },
    ]);
    const boardB = await html("admin", `/talk-days/${ids.eventB}`);
    expect(boardB).toContain("Krockar med ett syskons samtal");
    expect(boardB).toContain("Godkänt av Lena Åberg");
    expect(boardB).toContain(reason);
    // Jonas's board of 8A shows the clash on Alva's row, without naming the sibling in 6A.
    const boardA = await html("jonas", `/talk-days/${ids.eventA}`);
    expect(boardA).toContain("Krockar med ett syskons samtal");
    expect(boardA).toContain(reason);
    expect(boardA).not.toContain("Elis Lindqvist");
  });

  it("keeps a guardian's choices to what that household may know: Johan is kept from his other children's times, Lisa and Sara are not, and the clash goes to staff", async () => {
    for (const event of [ids.eventA!, ids.eventB!, ids.eventC!]) expect((await board("admin", event, { intent: "invite" })).status).toBe(200);
    const alva = talkOf(ids.eventA!, ids.alva!);
    const wilma = talkOf(ids.eventC!, ids.wilma!);
    const atAlvasTime = sittingsOf(ids.eventC!).find((s) => s.starts_at === alva.starts_at)!;
    const choices = async (who: string, pupilId: string) => (await guardianTalks(who)).find((t) => t.pupil.id === pupilId)!.alternatives.map((a) => a.id);
    // Lisa (Wilma's other household) is offered Alva's hour: Alva is not her child.
    expect(await choices("lisa", ids.wilma!)).toContain(atAlvasTime.id);
    // Johan is not: Alva is his.
    expect(await choices("johan", ids.wilma!)).not.toContain(atAlvasTime.id);
    const choose = (who: string) => postForm(`${server.url}/?index`, { intent: "confirm", talkId: wilma.id, attendance: "room", sittingId: atAlvasTime.id }, cookies[who]);
    expect((await choose("johan")).status).toBe(409);
    expect(talkOf(ids.eventC!, ids.wilma!).starts_at).toBe(wilma.starts_at);
    // Lisa's choice is taken, and the admin's board of 8B shows the clash for staff to resolve.
    expect((await choose("lisa")).status).toBe(200);
    expect(talkOf(ids.eventC!, ids.wilma!).starts_at).toBe(alva.starts_at);
    const boardC = await html("admin", `/talk-days/${ids.eventC}`);
    expect(boardC).toContain("Krockar med ett syskons samtal");
    // Nothing of it reaches Lisa: her page names no one but Wilma.
    const lisaHome = await html("lisa", "/");
    for (const name of ["Alva Lindqvist", "Elis Lindqvist"]) expect(lisaHome).not.toContain(name);
  });

  it("refuses a one-to-one booking on a sibling's time without a reason, and books it with one", async () => {
    const elis = talkOf(ids.eventB!, ids.elis!);
    const [date, from] = elis.starts_at.split("T") as [string, string];
    const booking = { intent: "book", pupilId: ids.alva!, date, from, to: elis.ends_at.slice(11), place: "Grupprum 1" };
    const before = counts();
    expect((await board("jonas", ids.eventA!, booking)).status).toBe(409);
    expect(counts()).toEqual(before);
    expect((await board("jonas", ids.eventA!, { ...booking, override: "Samtalen hålls efter varandra i samma rum." })).status).toBe(200);
    const alva = talkOf(ids.eventA!, ids.alva!);
    expect(alva.sitting_id).toBeNull();
    expect(school.count("select count(*) as n from talk_rule_overrides where talk_id = ? and rule = 'sibling' and starts_at = ?", alva.id, alva.starts_at)).toBe(1);
  });
});

describe("correcting a talk day", () => {
  beforeAll(async () => {
    // On another afternoon: 8A (Jonas) 15–17 in two sittings, and 6A (the admin) with Elis at 17.
    ids.eventP = await createTalkDay(server.url, cookies.jonas!, { groupIds: [school.groupId("8A – Jonas Ek")], dates: [day2], windowStart: "15:00", windowEnd: "17:00", capacity: "30" });
    ids.eventQ = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("6A"), dates: [day2], windowStart: "17:00", windowEnd: "18:00", capacity: "30" });
    const [, second] = sittingsOf(ids.eventP);
    expect((await board("jonas", ids.eventP, { intent: "move", pupilId: ids.alva!, sittingId: second!.id })).status).toBe(200);
    expect((await board("jonas", ids.eventP, { intent: "invite" })).status).toBe(200);
    expect((await postForm(`${server.url}/?index`, { intent: "confirm", talkId: talkOf(ids.eventP, ids.alva!).id, attendance: "room" }, cookies.sara)).status).toBe(200);
  });

  const correction = (overrides: Record<string, string> = {}): Array<[string, string]> =>
    Object.entries({
      intent: "correct",
      dates: day2,
      windowStart: "15:00",
      windowEnd: "17:00",
      sittingMinutes: "60",
      talkMinutes: "30",
      place: "Aulan",
      videoUrl: "",
      phoneNumber: "",
      capacity: "30",
      ...overrides,
    });
  const correct = (who: string, fields: Array<[string, string]>) => postFields(`${server.url}/talk-days/${ids.eventP}/edit`, fields, cookies[who]);

  it("is for those who plan every group of the talk day: others get 404, bad input 400, and nothing changes", async () => {
    const before = snapshot(ids.eventP!);
    expect((await get(`${server.url}/talk-days/${ids.eventP}/edit`, cookies.jonas)).status).toBe(200);
    for (const who of ["karin", "sara", "alva"]) {
      expect((await get(`${server.url}/talk-days/${ids.eventP}/edit`, cookies[who])).status, who).toBe(404);
      expect((await correct(who, correction({ talkMinutes: "60" }))).status, who).toBe(404);
    }
    expect((await correct("jonas", correction({ windowEnd: "14:00" }))).status).toBe(400);
    expect((await correct("jonas", correction({ talkMinutes: "90" }))).status).toBe(400);
    expect((await correct("jonas", correction({ phoneNumber: "ring mig" }))).status).toBe(400);
    expect((await correct("jonas", correction({ dates: "sometime" }))).status).toBe(400);
    expect(snapshot(ids.eventP!)).toEqual(before);
  });

  it("refuses a change that leaves pupils without a place (409 capacity), changing nothing", async () => {
    const before = snapshot(ids.eventP!);
    const messages = school.count("select count(*) as n from outbox_messages");
    // One sitting of four places for twelve pupils.
    expect((await correct("jonas", correction({ windowEnd: "16:00", capacity: "4" }))).status).toBe(409);
    expect(snapshot(ids.eventP!)).toEqual(before);
    expect(school.count("select count(*) as n from outbox_messages")).toBe(messages);
  });

  it("names in a refused correction's clash list only the pupils the viewer may identify: Nora (protected) is masked for the admin, named for her mentor", async () => {
    const nora = school.personNamed("Nora", "Karlsson");
    expect(talkOf(ids.eventP!, nora).sitting_id).not.toBeNull();
    const before = snapshot(ids.eventP!);
    // One place per sitting: every pupil of the day is in the clash list.
    const overFull = correction({ capacity: "1" });
    const answer = await actionData(server.url, `/talk-days/${ids.eventP}/edit`, Object.fromEntries(overFull), cookies.admin);
    expect(answer.status).toBe(409);
    const clashes = (answer.data as { details: { clashes: Array<{ pupilId: string; givenName: string; familyName: string; masked: boolean }> } }).details.clashes;
    expect(clashes.find((c) => c.pupilId === nora)).toMatchObject({ givenName: "", familyName: "", masked: true });
    expect(clashes.find((c) => c.pupilId === ids.alva)).toMatchObject({ givenName: "Alva", masked: false });
    expect(clashes.at(-1)!.masked).toBe(true);
    const adminPage = await (await correct("admin", overFull)).text();
    expect(adminPage).not.toContain("Karlsson");
    expect(adminPage).toContain("Elev med skyddade personuppgifter");
    expect(adminPage).toContain("Alva Lindqvist");
    // Jonas mentors Nora: he sees her name, as on his board.
    const mentorPage = await (await correct("jonas", overFull)).text();
    expect(mentorPage).toContain("Nora Karlsson");
    expect(mentorPage).not.toContain("Elev med skyddade personuppgifter");
    expect(snapshot(ids.eventP!)).toEqual(before);
  });

  it("checks the rules again: a talk moved onto a sibling's time needs a reason; with one the talks follow their sittings, guardians answer again and are told", async () => {
    const alvaBefore = talkOf(ids.eventP!, ids.alva!);
    const before = snapshot(ids.eventP!);
    const changes = school.count("select count(*) as n from outbox_messages where kind = 'talk-change'");
    // An hour later: the second sitting (Alva's) would be 17–18, Elis's hour in 6A.
    const later = correction({ windowStart: "16:00", windowEnd: "18:00" });
    const refused = await correct("jonas", later);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Alva");
    expect(snapshot(ids.eventP!)).toEqual(before);

    const reason = "Elis samtal flyttas också; familjen vet.";
    expect((await correct("jonas", [...later, ["override", reason]])).status).toBe(200);
    const alva = talkOf(ids.eventP!, ids.alva!);
    expect(alva.id).toBe(alvaBefore.id);
    expect(alva.sitting_id).toBe(alvaBefore.sitting_id);
    expect([alva.starts_at, alva.ends_at]).toEqual([`${day2}T17:00`, `${day2}T18:00`]);
    expect(sittingsOf(ids.eventP!).map((s) => s.starts_at)).toEqual([`${day2}T16:00`, `${day2}T17:00`]);
    expect(school.one<{ reason: string; rule: string }>("select reason, rule from talk_rule_overrides where talk_id = ? and starts_at = ?", alva.id, alva.starts_at)).toEqual({ reason, rule: "sibling" });
    // Sara confirmed the old time; the new one needs her answer again. Every family was told.
    expect(school.one<{ confirmed_at: number | null }>("select confirmed_at from talk_guardian_replies where talk_id = ? and guardian_id = ?", alva.id, ids.sara).confirmed_at).toBeNull();
    const told = school.all<{ to_address: string; body: string }>("select to_address, body from outbox_messages where kind = 'talk-change' order by created_at desc limit 100");
    expect(school.count("select count(*) as n from outbox_messages where kind = 'talk-change'") - changes).toBeGreaterThanOrEqual(12);
    expect(told.find((m) => m.to_address === "vh@demo.test")?.body).toContain("17:00\u2060–\u206018:00");
  });

  it("makes talks as long as 90 minutes, moves the pupils of a sitting that goes away into the others, and tells the families the new length", async () => {
    const changes = school.count("select count(*) as n from outbox_messages where kind = 'talk-change'");
    // One sitting of 90 minutes instead of two of an hour.
    expect((await correct("jonas", correction({ windowStart: "16:00", windowEnd: "17:30", sittingMinutes: "90", talkMinutes: "90", override: "Samma skäl som förut." }))).status).toBe(200);
    const sittings = sittingsOf(ids.eventP!);
    expect(sittings).toHaveLength(1);
    expect(school.count("select count(*) as n from talks where event_id = ? and sitting_id = ?", ids.eventP, sittings[0]!.id)).toBe(12);
    expect(school.one<{ talk_minutes: number }>("select talk_minutes from talk_events where id = ?", ids.eventP).talk_minutes).toBe(90);
    expect(school.count("select count(*) as n from outbox_messages where kind = 'talk-change'")).toBeGreaterThan(changes);
    const saraTalk = (await guardianTalks("sara")).find((t) => t.talkId === talkOf(ids.eventP!, ids.alva!).id)!;
    expect(saraTalk.talkMinutes).toBe(90);
  });
});

describe("correcting the days of a talk day", () => {
  it("keeps a day that stays and moves a dropped day's sittings, with their pupils, to the day added", async () => {
    const [d1, d2, d3] = [dayFromNow(50), dayFromNow(51), dayFromNow(53)];
    const eventK = await createTalkDay(server.url, cookies.karin!, { groupIds: [school.groupId("8A – Karin Holm")], dates: [d1, d2] });
    const before = sittingsOf(eventK);
    const talksBefore = school.all<{ id: string; sitting_id: string; starts_at: string }>("select id, sitting_id, starts_at from talks where event_id = ? order by id", eventK);
    const fields: Array<[string, string]> = [
      ["intent", "correct"],
      ["dates", d1],
      ["dates", d3],
      ...Object.entries({ windowStart: "15:00", windowEnd: "18:00", sittingMinutes: "60", talkMinutes: "30", place: "Aulan", capacity: "24" }),
    ];
    expect((await postFields(`${server.url}/talk-days/${eventK}/edit`, fields, cookies.karin)).status).toBe(200);
    const after = sittingsOf(eventK);
    // The same sittings: the first day's untouched, the second day's now on the day added.
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    expect(after.map((s) => s.starts_at)).toEqual(before.map((s) => s.starts_at.replace(d2, d3)));
    const talksAfter = school.all<{ id: string; sitting_id: string; starts_at: string }>("select id, sitting_id, starts_at from talks where event_id = ? order by id", eventK);
    expect(talksAfter.map((t) => [t.id, t.sitting_id, t.starts_at])).toEqual(talksBefore.map((t) => [t.id, t.sitting_id, t.starts_at.replace(d2, d3)]));
  });
});

describe("the talk's clock and calls", () => {
  const talkAction = (who: string, talkId: string, fields: Record<string, string>) => postForm(`${server.url}/talks/${talkId}`, fields, cookies[who]);

  it("starts once; a second start is refused (409) and only an explicit restart resets it", async () => {
    const talk = talkOf(ids.eventC!, ids.wilma!);
    // Wilma's talk is led by her mentor; Johan is a guardian.
    expect((await talkAction("johan", talk.id, { intent: "start" })).status).toBe(403);
    const alvaTalk = talkOf(ids.eventP!, ids.alva!);
    expect((await talkAction("alva", alvaTalk.id, { intent: "start" })).status).toBe(200);
    const started = talkOf(ids.eventP!, ids.alva!).started_at;
    expect(started).not.toBeNull();
    expect((await talkAction("alva", alvaTalk.id, { intent: "start" })).status).toBe(409);
    expect(talkOf(ids.eventP!, ids.alva!).started_at).toBe(started);
    expect((await talkAction("alva", alvaTalk.id, { intent: "start", restart: "no" })).status).toBe(400);
    expect((await talkAction("alva", alvaTalk.id, { intent: "start", restart: "yes" })).status).toBe(200);
    expect(talkOf(ids.eventP!, ids.alva!).started_at).toBeGreaterThan(started!);
  });

  it("lets the pupil or the mentor close a call, and nobody else; a closed call leaves the teacher's notices", async () => {
    const talk = talkOf(ids.eventP!, ids.alva!);
    const maths = school.subjectId("MA");
    expect((await talkAction("alva", talk.id, { intent: "call", subjectId: maths })).status).toBe(200);
    const call = school.one<{ id: string }>("select id from talk_calls where talk_id = ? and closed_at is null", talk.id);
    const karinCalls = async () => ((await loaderData(server.url, "/", cookies.karin!)).root!.data as { calls: Array<{ id: string }> }).calls.map((c) => c.id);
    expect(await karinCalls()).toContain(call.id);
    expect((await talkAction("sara", talk.id, { intent: "close-call", callId: call.id })).status).toBe(403);
    expect((await talkAction("karin", talk.id, { intent: "close-call", callId: call.id })).status).toBe(403);
    expect((await talkAction("petra", talk.id, { intent: "close-call", callId: call.id })).status).toBe(404);
    // A call of another talk is not this talk's to close.
    expect((await talkAction("alva", talkOf(ids.eventA!, ids.alva!).id, { intent: "close-call", callId: call.id })).status).toBe(404);
    expect(school.one<{ closed_at: number | null }>("select closed_at from talk_calls where id = ?", call.id).closed_at).toBeNull();

    expect((await talkAction("alva", talk.id, { intent: "close-call", callId: call.id })).status).toBe(200);
    expect(school.one<{ closed_by: string }>("select closed_by from talk_calls where id = ?", call.id).closed_by).toBe(ids.alva);
    expect(await karinCalls()).not.toContain(call.id);
    // Calling again is a new call.
    expect((await talkAction("alva", talk.id, { intent: "call", subjectId: maths })).status).toBe(200);
    expect(school.count("select count(*) as n from talk_calls where talk_id = ? and closed_at is null", talk.id)).toBe(1);
  });
});

describe("telephone", () => {
  it("puts the number to call in the invitation, takes 'by telephone' only where there is a number, and a sitting may have its own", async () => {
    const eventT = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("7A"), dates: [dayFromNow(40)], phoneNumber: "08-123 456 78" });
    await expect(createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("9A"), dates: [dayFromNow(41)], phoneNumber: "ring mig" })).rejects.toThrow(/400/);
    expect((await board("admin", eventT, { intent: "invite" })).status).toBe(200);
    const liamTalk = talkOf(eventT, school.personNamed("Liam", "Johansson"));
    const invitation = school.one<{ body: string }>("select body from outbox_messages where talk_id = ? and kind = 'talk-invitation' and to_address = 'annan.vh@demo.test'", liamTalk.id);
    expect(invitation.body).toContain("ring 08-123 456 78");
    const confirm = (who: string, talkId: string, attendance: string) => postForm(`${server.url}/?index`, { intent: "confirm", talkId, attendance }, cookies[who]);
    expect((await confirm("petra", liamTalk.id, "phone")).status).toBe(200);
    expect(school.one<{ attendance: string }>("select attendance from talk_guardian_replies where talk_id = ?", liamTalk.id).attendance).toBe("phone");
    expect((await confirm("petra", liamTalk.id, "pigeon")).status).toBe(400);

    // Wilma's talk day (8B) has no number: by telephone is refused and nothing is stored.
    const wilma = talkOf(ids.eventC!, ids.wilma!);
    const reply = () => school.one<{ attendance: string | null; confirmed_at: number | null }>("select attendance, confirmed_at from talk_guardian_replies where talk_id = ? and guardian_id = (select id from people where email = 'vh3@demo.test')", wilma.id);
    const before = reply();
    expect((await confirm("lisa", wilma.id, "phone")).status).toBe(409);
    expect(reply()).toEqual(before);
    // A number for Wilma's sitting: her families are told it, and Lisa may call in.
    expect((await board("admin", ids.eventC!, { intent: "sitting", sittingId: wilma.sitting_id!, place: "Aulan", phoneNumber: "08-999 00 11" })).status).toBe(200);
    const change = school.one<{ body: string }>("select body from outbox_messages where talk_id = ? and kind = 'talk-change' and to_address = 'vh3@demo.test' order by created_at desc", wilma.id);
    expect(change.body).toContain("ring 08-999 00 11");
    expect((await confirm("lisa", wilma.id, "phone")).status).toBe(200);
    expect(reply().attendance).toBe("phone");
  });
});

describe("the one-to-one talks' live board", () => {
  it("shows the mentor their pupils' one-to-one talks with the clock and calls; other mentors see none of theirs, families nothing", async () => {
    const booking = bookingAroundNow(5, 40);
    expect((await board("jonas", ids.eventA!, { intent: "book", pupilId: ids.alva!, ...booking, place: "Grupprum 2", override: "Bokad nu för testet." })).status).toBe(200);
    const page = await html("jonas", `/talk-days/${ids.eventA}/one-to-one`);
    expect(page).toContain("Alva Lindqvist");
    expect(page).toContain("Grupprum 2");
    const karin = await get(`${server.url}/talk-days/${ids.eventA}/one-to-one`, cookies.karin);
    // Karin mentors the other half of 8A: not part of this talk day, so no board at all.
    expect(karin.status).toBe(404);
    for (const who of ["sara", "alva", "petra"]) expect((await get(`${server.url}/talk-days/${ids.eventA}/one-to-one`, cookies[who])).status, who).toBe(404);
    const view = await loaderData(server.url, `/talks/${talkOf(ids.eventA!, ids.alva!).id}`, cookies.jonas!);
    expect((view["routes/talks.$talkId"]!.data as { view: { liveBoard: { href: string } } }).view.liveBoard.href).toBe(`/talk-days/${ids.eventA}/one-to-one`);
  });
});
