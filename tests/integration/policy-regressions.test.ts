import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstPlanId, get, openEventStream, postForm, signInEach } from "../support/http";
import { createTalkDay, loaderData, openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The cases issue 15 found where "who may do what" was decided differently in different places,
 * each tried as the person would, through the real server. Every one of them failed before the
 * rules moved into app/policies.
 */

let server: TestServer;
let school: SchoolDatabase;
let cookies: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  school = openSchoolDatabase(server.databasePath);
  cookies = await signInEach(server.url, {
    admin: "admin@demo.test",
    jonas: "mentor@demo.test",
    maths: "matte@demo.test",
    sara: "vh@demo.test",
    johan: "vh2@demo.test",
    alva: "elev@demo.test",
    lund: "lund@demo.test",
  });
});

afterAll(async () => {
  school.close();
  await server.stop();
  server.cleanup();
});

const outboxCount = () => school.count("select count(*) as n from outbox_messages");
const boardIntent = (who: string, eventId: string, fields: Record<string, string>) =>
  postFields(`${server.url}/talk-days/${eventId}.data`, Object.entries(fields), cookies[who]);

describe("a sitting shared by several mentors' groups", () => {
  it("can be changed only by someone who arranges every group in it, so one mentor cannot mail other families", async () => {
    const [jonasGroup, otherGroup] = school.mentorGroupsOf("8A");
    const eventId = await createTalkDay(server.url, cookies.admin!, { groupIds: [jonasGroup!, otherGroup!] });
    expect((await boardIntent("admin", eventId, { intent: "invite" })).status).toBe(200);
    const sitting = school.one<{ id: string }>("select id from talk_sittings where event_id = ? order by starts_at", eventId);
    const before = outboxCount();

    const byJonas = await boardIntent("jonas", eventId, { intent: "sitting", sittingId: sitting.id, place: "Rum 12", videoUrl: "https://evil.example/meet" });
    expect(byJonas.status).toBe(403);
    expect(school.one<{ place: string }>("select place from talk_sittings where id = ?", sitting.id).place).toBe("Aulan");
    expect(outboxCount()).toBe(before);

    // The admin arranges both groups: the change is made and the families of the sitting are told.
    const byAdmin = await boardIntent("admin", eventId, { intent: "sitting", sittingId: sitting.id, place: "Rum 12", videoUrl: "" });
    expect(byAdmin.status).toBe(200);
    expect(outboxCount()).toBeGreaterThan(before);
  });
});

describe("a guardian who also teaches the child", () => {
  it("has one role for that child, in the plan and in the talk view alike", async () => {
    const ella = school.personNamed("Ella", "Lund");
    const eventId = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("8A") });
    expect((await boardIntent("admin", eventId, { intent: "invite" })).status).toBe(200);
    const talk = school.talkOf(eventId, ella)!;
    const talkData = await loaderData(server.url, `/talks/${talk.id}`, cookies.lund!);
    const view = talkData["routes/talks.$talkId"]!.data as { view: { role: string; planId: string }; page: { user: { role: string } } };
    const planData = await loaderData(server.url, `/plans/${view.view.planId}`, cookies.lund!);
    const plan = planData["routes/plans.$planId"]!.data as { user: { role: string } };
    expect(view.view.role).toBe(plan.user.role);
    expect(view.page.user.role).toBe(plan.user.role);
  });
});

describe("the plan's log", () => {
  it("records a guardian reading the plan through the talk view", async () => {
    const alva = school.personId("elev@demo.test");
    const sara = school.personId("vh@demo.test");
    const eventId = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("8A") });
    expect((await boardIntent("admin", eventId, { intent: "invite" })).status).toBe(200);
    const talk = school.talkOf(eventId, alva)!;
    const planId = await firstPlanId(server.url, cookies.alva!);
    const viewsBefore = school.count("select count(*) as n from audit_events where plan_id = ? and actor_id = ? and action = 'view'", planId, sara);
    expect(viewsBefore).toBe(0);
    expect((await get(`${server.url}/talks/${talk.id}`, cookies.sara)).status).toBe(200);
    expect(school.count("select count(*) as n from audit_events where plan_id = ? and actor_id = ? and action = 'view'", planId, sara)).toBe(1);
  });
});

describe("events about staff-only threads", () => {
  it("reach the staff's open views and never the pupil's or the guardians'", async () => {
    const planId = await firstPlanId(server.url, cookies.alva!);
    const streams = {
      sara: await openEventStream(`${server.url}/events?plan=${planId}`, cookies.sara!),
      alva: await openEventStream(`${server.url}/events?plan=${planId}`, cookies.alva!),
      jonas: await openEventStream(`${server.url}/events?plan=${planId}`, cookies.jonas!),
    };
    const maths = school.subjectId("MA");
    const staffOnly = await postForm(`${server.url}/plans/${planId}`, { intent: "start-thread", subjectId: maths, body: "Bara för personalen", staffOnly: "on" }, cookies.maths);
    expect(staffOnly.status).toBe(200);
    const open = await postForm(`${server.url}/plans/${planId}`, { intent: "start-thread", subjectId: maths, body: "Till Alva" }, cookies.maths);
    expect(open.status).toBe(200);
    // The thread everyone sees is announced to everyone; the staff-only one only to staff.
    await expect.poll(() => streams.sara.changes.length).toBe(1);
    await expect.poll(() => streams.alva.changes.length).toBe(1);
    await expect.poll(() => streams.jonas.changes.length).toBe(2);
    for (const stream of Object.values(streams)) stream.close();
  });
});

describe("a guardian choosing another sitting", () => {
  it("is offered every sitting with room, whatever another household has said or booked", async () => {
    const alva = school.personId("elev@demo.test");
    const wilma = school.personNamed("Wilma", "Berg");
    const johan = school.personId("vh2@demo.test");
    const eventId = await createTalkDay(server.url, cookies.admin!, { groupIds: [...school.mentorGroupsOf("8A"), ...school.mentorGroupsOf("8B")] });
    // Johan (Alva's other household, and Wilma's guardian) cannot come to the last sitting.
    const sittings = school.all<{ id: string; starts_at: string; ends_at: string }>("select id, starts_at, ends_at from talk_sittings where event_id = ? order by starts_at", eventId);
    const last = sittings.at(-1)!;
    const johanTalk = school.talkOf(eventId, alva)!;
    const unavailable = await postForm(
      `${server.url}/?index`,
      { intent: "unavailable", talkId: johanTalk.id, date: last.starts_at.slice(0, 10), from: last.starts_at.slice(11), to: last.ends_at.slice(11) },
      cookies.johan,
    );
    expect(unavailable.status).toBe(200);
    expect(school.count("select count(*) as n from guardian_unavailability where guardian_id = ?", johan)).toBe(1);
    expect((await boardIntent("admin", eventId, { intent: "replace" })).status).toBe(200);
    expect((await boardIntent("admin", eventId, { intent: "invite" })).status).toBe(200);

    const alvaTalk = school.talkOf(eventId, alva)!;
    const wilmaTalk = school.talkOf(eventId, wilma)!;
    // Wilma is Johan's child with Lisa: the placement keeps Alva and Wilma apart for Johan's sake.
    expect(wilmaTalk.sitting_id).not.toBe(alvaTalk.sitting_id);
    const home = await (await get(`${server.url}/`, cookies.sara)).text();
    const offered = sittings.filter((s) => s.id !== alvaTalk.sitting_id && home.includes(`value="${s.id}"`)).map((s) => s.id);
    // Neither Wilma's time nor Johan's unavailable time is missing from Sara's choices.
    expect(offered).toContain(wilmaTalk.sitting_id);
    if (alvaTalk.sitting_id !== last.id) expect(offered).toContain(last.id);
    expect(home).not.toContain("Wilma");

    // Sara may take Wilma's time; the clash she cannot see is left to the staff, on their board.
    const chosen = await postForm(`${server.url}/?index`, { intent: "confirm", talkId: alvaTalk.id, attendance: "room", sittingId: wilmaTalk.sitting_id! }, cookies.sara);
    expect(chosen.status).toBe(200);
    expect(await chosen.text()).not.toContain("Wilma");
    expect(school.talkOf(eventId, alva)!.sitting_id).toBe(wilmaTalk.sitting_id);
    const board = await (await get(`${server.url}/talk-days/${eventId}`, cookies.admin)).text();
    expect(board).toContain("Krockar med ett syskons samtal");
  });
});

describe("a family with protected identity", () => {
  it("is masked for the school's admin in the outbox and on the boards, and shown to the pupil's mentor", async () => {
    const nora = school.personNamed("Nora", "Karlsson");
    const eventId = await createTalkDay(server.url, cookies.admin!, { groupIds: school.mentorGroupsOf("8A") });
    expect((await boardIntent("admin", eventId, { intent: "invite" })).status).toBe(200);
    const noraTalk = school.talkOf(eventId, nora)!;

    const outbox = await (await get(`${server.url}/admin/outbox`, cookies.admin)).text();
    expect(outbox).toContain("Alva Lindqvist");
    expect(outbox).not.toContain("Karlsson");
    expect(outbox).not.toContain("skyddad.vh@demo.test");

    const adminBoard = await (await get(`${server.url}/talk-days/${eventId}`, cookies.admin)).text();
    expect(adminBoard).not.toContain("Nora Karlsson");
    const adminSitting = await (await get(`${server.url}/talk-days/${eventId}/sittings/${noraTalk.sitting_id}`, cookies.admin)).text();
    expect(adminSitting).not.toContain("Karlsson");

    const mentorBoard = await (await get(`${server.url}/talk-days/${eventId}`, cookies.jonas)).text();
    expect(mentorBoard).toContain("Nora Karlsson");
  });
});
