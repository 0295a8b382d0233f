import { createHash } from "node:crypto";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { cookieFrom, get, openEventStream, postForm, signInEach } from "../support/http";
import { actionData, bookingAroundNow, createTalkDay, dayFromNow, loaderData, openSchoolDatabase, stockholmAt, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * An interpreter as a guest of one talk, through the real server: who may add one, the link
 * (shown once, only its hash stored), its window (opens 15 minutes before the talk, closes 30
 * minutes after), its scope (that talk's view, the plan read-only over /collab, the family's
 * events; nothing else, not even to add to a signed-in person's rights), withdrawal, and the
 * plan's log naming every opening.
 */

let server: TestServer;
let school: SchoolDatabase;
let cookies: Record<string, string>;
const ids: Record<string, string> = {};
const clients: PlanClient[] = [];
const marker = "Alvas text för tolken 5QX";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const guestPage = (eventId: string, talkId: string) => `/talk-days/${eventId}/talks/${talkId}`;
/** Adds an interpreter as the app's own form does; the link from the answer. */
async function addInterpreter(who: string, talkId: string, fields: Record<string, string> = {}) {
  const answer = await actionData(server.url, guestPage(ids.event!, talkId), { intent: "add-guest", name: "Amal Haddad", language: "arabiska", phone: "070-111 22 33", ...fields }, cookies[who]);
  return { status: answer.status, link: (answer.data as { link?: string }).link ?? null };
}
const tokenOf = (link: string) => link.split("/guest/")[1]!;
/** Opens a guest's link as a browser would: the redirect's cookie is the guest's from then on. */
async function open(link: string) {
  const response = await fetch(link, { redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), cookie: cookieFrom(response) };
}

beforeAll(async () => {
  server = await startTestServer({ env: { COLLAB_UNLOAD_MS: "100" } });
  school = openSchoolDatabase(server.databasePath);
  cookies = await signInEach(server.url, {
    admin: "admin@demo.test",
    jonas: "mentor@demo.test",
    karin: "matte@demo.test",
    sara: "vh@demo.test",
    alva: "elev@demo.test",
    petra: "annan.vh@demo.test",
  });
  ids.alva = school.personId("elev@demo.test");
  ids.event = await createTalkDay(server.url, cookies.jonas!, { groupIds: [school.groupId("8A – Jonas Ek")], dates: [dayFromNow(20)] });
  expect((await postForm(`${server.url}/talk-days/${ids.event}`, { intent: "invite" }, cookies.jonas)).status).toBe(200);
  // Alva's talk now; another pupil's an hour ago (its link has closed); a third stays in 20 days.
  const others = school.all<{ id: string }>(
    "select gm.pupil_id as id from group_members gm join groups g on g.id = gm.group_id where g.name = '8A – Jonas Ek' and gm.pupil_id != ? and gm.pupil_id not in (select id from people where protected_identity = 1) order by gm.pupil_id limit 3",
    ids.alva,
  );
  ids.past = others[0]!.id;
  ids.later = others[1]!.id;
  ids.closing = others[2]!.id;
  const book = (pupilId: string, time: { date: string; from: string; to: string }) =>
    postForm(`${server.url}/talk-days/${ids.event}`, { intent: "book", pupilId, ...time, place: "Grupprum 2" }, cookies.jonas);
  expect((await book(ids.alva, bookingAroundNow(5, 40))).status).toBe(200);
  expect((await book(ids.past, bookingAroundNow(95, -65))).status).toBe(200);
  const talk = (pupilId: string) => school.one<{ id: string; plan_id: string }>("select id, plan_id from talks where event_id = ? and pupil_id = ?", ids.event, pupilId);
  ids.alvaTalk = talk(ids.alva).id;
  ids.alvaPlan = talk(ids.alva).plan_id;
  ids.pastTalk = talk(ids.past).id;
  ids.laterTalk = talk(ids.later).id;
  ids.otherPlan = talk(ids.later).plan_id;
  // Alva writes in her plan (the interpreter reads it).
  const alva = connectToPlan(server.url, ids.alvaPlan, cookies.alva!);
  clients.push(alva);
  await alva.synced();
  typeInto(alva.doc, "about", marker);
  // Stored and sent on: a second connection of hers receives it.
  const check = connectToPlan(server.url, ids.alvaPlan, cookies.alva!);
  clients.push(check);
  await check.synced();
  await new Promise<void>((resolve) => {
    const seen = () => sectionText(check.doc, "about").includes(marker);
    if (seen()) return resolve();
    check.doc.on("update", () => seen() && resolve());
  });
}, 120_000);

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  school?.close();
  await server?.stop();
  server?.cleanup();
});

describe("adding an interpreter", () => {
  it("is for the pupil's mentor only; the link is shown once and only its SHA-256 is kept", async () => {
    // Not the school's admin either: the link opens the plan, which an admin does not read.
    for (const who of ["admin", "karin", "sara", "alva", "petra"]) {
      expect((await get(`${server.url}${guestPage(ids.event!, ids.alvaTalk!)}`, cookies[who])).status, who).toBe(404);
      expect((await addInterpreter(who, ids.alvaTalk!)).status, who).toBe(404);
    }
    expect(school.count("select count(*) as n from talk_guests")).toBe(0);
    // A way to reach the interpreter is needed; a malformed one is refused.
    expect((await addInterpreter("jonas", ids.alvaTalk!, { phone: "" })).status).toBe(400);
    expect((await addInterpreter("jonas", ids.alvaTalk!, { email: "not an address" })).status).toBe(400);
    expect(school.count("select count(*) as n from talk_guests")).toBe(0);

    const added = await addInterpreter("jonas", ids.alvaTalk!);
    expect(added.status).toBe(200);
    expect(added.link).toMatch(new RegExp(`^${server.url}/guest/[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(added.link!);
    ids.token = token;
    const stored = school.one<Record<string, unknown>>("select * from talk_guests");
    expect(stored.token_hash).toBe(sha256(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    // The page shows the guest, never the link again.
    const page = await (await get(`${server.url}${guestPage(ids.event!, ids.alvaTalk!)}`, cookies.jonas)).text();
    expect(page).toContain("Amal Haddad");
    expect(page).not.toContain(token);
    // The plan's log says who gave access.
    expect((await addInterpreter("jonas", ids.laterTalk!, { name: "Hamid Rahimi", language: "dari" })).status).toBe(200);
    expect(school.count("select count(*) as n from audit_events where action = 'add-guest'")).toBe(2);
  });

  it("mails the link when there is an address, to the guest (no person), and names no child", async () => {
    const added = await addInterpreter("jonas", ids.alvaTalk!, { name: "Sami Berhane", language: "tigrinja", email: "tolk@tolkbyran.example", phone: "" });
    expect(added.status).toBe(200);
    ids.samiLink = added.link!;
    const message = school.one<{ recipient_id: string | null; guest_id: string; to_address: string; kind: string; body: string; status: string }>(
      "select * from outbox_messages where kind = 'guest-link'",
    );
    expect(message).toMatchObject({ recipient_id: null, to_address: "tolk@tolkbyran.example", status: "outbox" });
    expect(message.body).toContain(added.link);
    expect(message.body).not.toContain("Alva");
  });
});

describe("the guest's link", () => {
  it("opens the talk, read-only, inside its window; the token leaves the address bar for the guest's own cookie", async () => {
    const opened = await open(`${server.url}/guest/${ids.token}`);
    expect(opened.status).toBe(302);
    expect(opened.location).toBe("/guest");
    expect(opened.cookie).toMatch(/^__guest=/);
    ids.guestCookie = opened.cookie;
    const page = await get(`${server.url}/guest`, opened.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Utvecklingssamtal – Alva Lindqvist");
    expect(html).toContain("Du deltar som tolk (arabiska)");
    expect(html).not.toContain('name="intent" value="start"');
    expect(html).not.toContain('name="intent" value="call"');
    // The server's log holds no token.
    expect(server.logs.join("\n")).not.toContain(ids.token);
  });

  it("before the window says when it opens and logs nothing; after it answers 410; unknown or malformed links are 404", async () => {
    const later = await addInterpreter("jonas", ids.laterTalk!, { name: "Lina Karim" });
    const past = await addInterpreter("jonas", ids.pastTalk!, { name: "Omar Said" });
    const views = () => school.count("select count(*) as n from audit_events where guest_id is not null");
    const before = views();
    const early = await open(later.link!);
    expect(early.status).toBe(302);
    const earlyPage = await get(`${server.url}/guest`, early.cookie);
    expect(earlyPage.status).toBe(200);
    expect(await earlyPage.text()).toContain("Länken öppnas");
    expect((await get(`${server.url}/guest/events`, early.cookie)).status).toBe(404);
    const over = await open(past.link!);
    expect((await get(`${server.url}/guest`, over.cookie)).status).toBe(410);
    expect(views()).toBe(before);
    expect((await open(`${server.url}/guest/${"A".repeat(43)}`)).status).toBe(404);
    expect((await open(`${server.url}/guest/short`)).status).toBe(404);
    expect((await get(`${server.url}/guest`)).status).toBe(404);
    expect((await get(`${server.url}/guest`, "__guest=garbage")).status).toBe(404);
  });

  it("logs every opening in the plan's log, with the guest (not a person) as who", async () => {
    const before = school.count("select count(*) as n from audit_events where guest_id is not null and plan_id = ?", ids.alvaPlan);
    await open(`${server.url}/guest/${ids.token}`);
    await open(`${server.url}/guest/${ids.token}`);
    const rows = school.all<{ actor_id: string | null; action: string }>("select actor_id, action from audit_events where guest_id is not null and plan_id = ? order by id", ids.alvaPlan);
    expect(rows.length - before).toBe(2);
    for (const row of rows) expect(row).toEqual({ actor_id: null, action: "view" });
    const log = await (await get(`${server.url}/plans/${ids.alvaPlan}/log`, cookies.sara)).text();
    expect(log).toContain("Amal Haddad (tolk)");
  });

  it("opens nothing else: no page, no plan, no event stream, and it adds nothing to a signed-in person's rights", async () => {
    const guest = ids.guestCookie!;
    for (const path of ["/", `/plans/${ids.alvaPlan}`, `/talks/${ids.alvaTalk}`, `/pupils/${ids.alva}`, `/events?plan=${ids.alvaPlan}`, `/talk-days/${ids.event}`]) {
      const response = await get(`${server.url}${path}`, guest);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location"), path).toMatch(/^\/login/);
    }
    expect((await get(`${server.url}/api/me/plans`, guest)).status).toBe(401);
    // Petra (another family) with the guest's cookie as well: still nothing of Alva's.
    const both = `${cookies.petra}; ${guest}`;
    expect((await get(`${server.url}/plans/${ids.alvaPlan}`, both)).status).toBe(404);
    expect((await get(`${server.url}/talks/${ids.alvaTalk}`, both)).status).toBe(404);
    // And a session alone opens no guest's view.
    expect((await get(`${server.url}/guest`, cookies.jonas)).status).toBe(404);
  });

  it("hears the family's news of the plan while open", async () => {
    const stream = await openEventStream(`${server.url}/guest/events`, ids.guestCookie!);
    expect(stream.status).toBe(200);
    expect((await postForm(`${server.url}/talks/${ids.alvaTalk}`, { intent: "section", fragment: "goals" }, cookies.alva)).status).toBe(200);
    await expect.poll(() => stream.changes).toContain("talk");
    stream.close();
  });
});

describe("the guest on /collab", () => {
  function upgradeStatus(planId: string, cookie: string, query = ""): Promise<number> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${planId}${query}`, { headers: { Cookie: cookie } });
      socket.on("open", () => {
        socket.close();
        resolve(101);
      });
      socket.on("unexpected-response", (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on("error", () => undefined);
    });
  }

  it("reads that one plan, and only as a guest: another plan is 404, a guest's cookie without asking as a guest is 401", async () => {
    expect(await upgradeStatus(ids.alvaPlan!, ids.guestCookie!, "?as=guest")).toBe(101);
    expect(await upgradeStatus(ids.otherPlan!, ids.guestCookie!, "?as=guest")).toBe(404);
    expect(await upgradeStatus(ids.alvaPlan!, ids.guestCookie!)).toBe(401);
    // A person's session asking as a guest gets no guest's rights.
    expect(await upgradeStatus(ids.alvaPlan!, cookies.sara!, "?as=guest")).toBe(404);
  });

  it("takes nothing from the guest: a change is refused (4403) and never stored", async () => {
    const guest = connectToPlan(server.url, ids.alvaPlan!, ids.guestCookie!, { asGuest: true });
    clients.push(guest);
    await guest.synced();
    expect(sectionText(guest.doc, "about")).toContain(marker);
    typeInto(guest.doc, "goals", " skrivet av tolken");
    await expect.poll(() => guest.closeCodes).toContain(4403);
    const check = connectToPlan(server.url, ids.alvaPlan!, cookies.alva!);
    clients.push(check);
    await check.synced();
    expect(sectionText(check.doc, "goals")).not.toContain("skrivet av tolken");
  });

  it("is shown on the mentor's board while the guest has the plan open", async () => {
    const guest = connectToPlan(server.url, ids.alvaPlan!, ids.guestCookie!, { asGuest: true });
    clients.push(guest);
    await guest.synced();
    const guestsOnBoard = async () => {
      const data = await loaderData(server.url, `/talk-days/${ids.event}/one-to-one`, cookies.jonas!);
      const board = data["routes/talk-days.$eventId_.one-to-one"]!.data as { pupils: Array<{ talkId: string; guests: Array<{ name: string; present: boolean }> }> };
      return board.pupils.find((p) => p.talkId === ids.alvaTalk)!.guests;
    };
    await expect.poll(guestsOnBoard).toContainEqual(expect.objectContaining({ name: "Amal Haddad", present: true }));
  });
});

describe("the end of the guest's window", () => {
  it("closes the guest's open connection and event stream when it comes, though nobody withdrew the link", async () => {
    // A talk that ended almost half an hour ago: its guests' window (until 30 minutes after the
    // end) closes at the next whole minute at least five seconds away. Talk times are whole
    // minutes, so the test waits for that minute (up to a minute) rather than for a clock of its own.
    let closesAt = Math.ceil((Date.now() + 5000) / 60_000) * 60_000;
    const endFor = (closing: number) => stockholmAt((closing - 30 * 60_000 - Date.now() + 100) / 60_000);
    let end = endFor(closesAt);
    // A talk ending at midnight cannot start the same day: then the next minute.
    if (end.time === "00:00") end = endFor((closesAt += 60_000));
    const start = stockholmAt(-35);
    const booking = { date: end.date, from: start.date === end.date ? start.time : "00:00", to: end.time };
    expect((await postForm(`${server.url}/talk-days/${ids.event}`, { intent: "book", pupilId: ids.closing!, ...booking, place: "Grupprum 2" }, cookies.jonas)).status).toBe(200);
    const talk = school.one<{ id: string; plan_id: string }>("select id, plan_id from talks where event_id = ? and pupil_id = ?", ids.event, ids.closing);
    const { link } = await addInterpreter("jonas", talk.id, { name: "Nadia Yusuf" });
    const opened = await open(link!);
    expect(opened.status).toBe(302);
    const cookie = opened.cookie!;
    const guest = connectToPlan(server.url, talk.plan_id, cookie, { asGuest: true });
    clients.push(guest);
    await guest.synced();
    // The client then falls silent (no presence renewals every 15 s): what closes it must be the
    // server's own timer, not a check made when a message arrives.
    guest.provider.awareness.setLocalState(null);
    const stream = await openEventStream(`${server.url}/guest/events`, cookie);
    expect(stream.status).toBe(200);
    expect(guest.closeCodes).toEqual([]);

    await expect.poll(() => guest.closeCodes, { timeout: closesAt - Date.now() + 5000 }).toContain(4409);
    expect(Date.now()).toBeGreaterThanOrEqual(closesAt);
    await expect.poll(() => stream.hasEnded()).toBe(true);
    // And nothing opens again, with that cookie or by the link once more.
    expect(await upgradeOf(talk.plan_id, cookie)).toBe(404);
    expect((await get(`${server.url}/guest`, cookie)).status).toBe(410);
    const again = await open(link!);
    expect((await get(`${server.url}/guest`, again.cookie)).status).toBe(410);
    expect((await get(`${server.url}/guest/events`, again.cookie)).status).toBe(404);
  }, 90_000);
});

describe("withdrawing and renewing a link", () => {
  it("withdrawn, the link is dead at once, and an open connection with it closes", async () => {
    const guest = connectToPlan(server.url, ids.alvaPlan!, ids.guestCookie!, { asGuest: true });
    clients.push(guest);
    await guest.synced();
    const amal = school.one<{ id: string }>("select id from talk_guests where name = 'Amal Haddad'").id;
    for (const who of ["karin", "sara"]) expect((await actionData(server.url, guestPage(ids.event!, ids.alvaTalk!), { intent: "withdraw", guestId: amal }, cookies[who])).status, who).toBe(404);
    expect((await actionData(server.url, guestPage(ids.event!, ids.alvaTalk!), { intent: "withdraw", guestId: amal }, cookies.jonas)).status).toBe(200);
    expect(school.one<{ revoked_by: string }>("select revoked_by from talk_guests where id = ?", amal).revoked_by).toBe(school.personId("mentor@demo.test"));
    await expect.poll(() => guest.closeCodes).toContain(4409);
    expect((await open(`${server.url}/guest/${ids.token}`)).status).toBe(404);
    expect((await get(`${server.url}/guest`, ids.guestCookie)).status).toBe(404);
    expect(await upgradeOf(ids.alvaPlan!, ids.guestCookie!)).toBe(404);
    expect(school.count("select count(*) as n from audit_events where action = 'revoke-guest'")).toBe(1);
  });

  it("a new link replaces the old one: what the old link opened closes at once, the new one works", async () => {
    const sami = school.one<{ id: string }>("select id from talk_guests where name = 'Sami Berhane'").id;
    const oldToken = school.one<{ token_hash: string }>("select token_hash from talk_guests where id = ?", sami).token_hash;
    // Sami is in the talk with the old link: the plan over /collab and the guest's event stream.
    const old = await open(ids.samiLink!);
    expect(old.status).toBe(302);
    const guest = connectToPlan(server.url, ids.alvaPlan!, old.cookie, { asGuest: true });
    clients.push(guest);
    await guest.synced();
    const stream = await openEventStream(`${server.url}/guest/events`, old.cookie);
    expect(stream.status).toBe(200);

    const renewed = await actionData(server.url, guestPage(ids.event!, ids.alvaTalk!), { intent: "new-link", guestId: sami }, cookies.jonas);
    expect(renewed.status).toBe(200);
    const link = (renewed.data as { link: string }).link;
    expect(sha256(tokenOf(link))).not.toBe(oldToken);
    // Closed as a withdrawal closes it; the old cookie opens nothing any more.
    await expect.poll(() => guest.closeCodes).toContain(4409);
    await expect.poll(() => stream.hasEnded()).toBe(true);
    expect(await upgradeOf(ids.alvaPlan!, old.cookie)).toBe(404);
    expect((await get(`${server.url}/guest`, old.cookie)).status).toBe(404);
    expect((await get(`${server.url}/guest/events`, old.cookie)).status).toBe(404);

    const fresh = await open(link);
    expect(fresh.status).toBe(302);
    expect((await get(`${server.url}/guest`, fresh.cookie)).status).toBe(200);
    const again = connectToPlan(server.url, ids.alvaPlan!, fresh.cookie, { asGuest: true });
    clients.push(again);
    await again.synced();
    expect(sectionText(again.doc, "about")).toContain(marker);
    const freshStream = await openEventStream(`${server.url}/guest/events`, fresh.cookie);
    expect(freshStream.status).toBe(200);
    freshStream.close();
  });
});

function upgradeOf(planId: string, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${planId}?as=guest`, { headers: { Cookie: cookie } });
    socket.on("open", () => {
      socket.close();
      resolve(101);
    });
    socket.on("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on("error", () => undefined);
  });
}
