import Database from "better-sqlite3";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { caretIn, collabMessage, openRawSocket, updateFrom, type RawCollabSocket } from "../support/collab-raw";
import { firstPlanId, get, openEventStream, postForm, signIn, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The collaboration socket against hostile clients: what the stock y-websocket client (or a raw
 * socket speaking its protocol) can send that no editor of ours would, from read-only and from
 * writing connections. Each test is something an attacker did; the assertions are what the
 * people in the plan would notice (their text, their carets, who is shown as present, the log).
 */

let server: TestServer;
const cookies: Record<string, string> = {};
let planId = "";
const clients: PlanClient[] = [];
const sockets: RawCollabSocket[] = [];
const streams: Array<{ close(): void }> = [];

const accounts = { alva: "elev@demo.test", guardian: "vh@demo.test", mentor: "mentor@demo.test", maths: "matte@demo.test" };

beforeAll(async () => {
  server = await startTestServer({ env: { COLLAB_UNLOAD_MS: "200" } });
  Object.assign(cookies, await signInEach(server.url, accounts));
  planId = await firstPlanId(server.url, cookies.alva!);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const raw of sockets.splice(0)) raw.socket.terminate();
  for (const stream of streams.splice(0)) stream.close();
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

function open(who: keyof typeof accounts | { cookie: string }): PlanClient {
  const client = connectToPlan(server.url, planId, typeof who === "string" ? cookies[who]! : who.cookie);
  clients.push(client);
  return client;
}

async function raw(who: keyof typeof accounts | { cookie: string }): Promise<RawCollabSocket> {
  const socket = openRawSocket(server.url, planId, typeof who === "string" ? cookies[who]! : who.cookie);
  sockets.push(socket);
  expect(await socket.outcome).toEqual({ open: true });
  return socket;
}

async function stream(url: string, cookie: string) {
  const opened = await openEventStream(url, cookie);
  streams.push(opened);
  return opened;
}

function withDatabase<T>(use: (db: Database.Database) => T, readonly = true): T {
  const db = new Database(server.databasePath, { readonly });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** Whether any stored update or compacted state of any plan holds these bytes. */
function stored(text: string): boolean {
  return withDatabase((db) => {
    const rows = db.prepare("select data as blob from plan_updates union all select state as blob from plan_document_states").all() as Array<{ blob: Buffer }>;
    return rows.some((row) => Buffer.from(row.blob).includes(text));
  });
}

/** The text of a section as a client that connects now receives it. */
async function freshText(fragment: string): Promise<string> {
  const reader = connectToPlan(server.url, planId, cookies.alva!);
  try {
    await reader.synced();
    return sectionText(reader.doc, fragment);
  } finally {
    reader.destroy();
  }
}

/** The awareness states a client holds of everyone else. */
function peers(client: PlanClient): Map<number, Record<string, unknown>> {
  const states = new Map(client.provider.awareness.getStates());
  states.delete(client.doc.clientID);
  return states as Map<number, Record<string, unknown>>;
}

/** What the app's editors can draw: a user set by the server and, at most, a caret of two Yjs positions. */
function drawable(state: Record<string, unknown>): boolean {
  const position = (value: unknown) => {
    if (typeof value !== "object" || value === null) return false;
    const p = value as Record<string, unknown>;
    const id = (v: unknown) => v === undefined || v === null || (typeof v === "object" && Number.isInteger((v as { client: unknown }).client) && Number.isInteger((v as { clock: unknown }).clock));
    return id(p.type) && id(p.item) && (p.tname === undefined || p.tname === null || typeof p.tname === "string") && (p.type != null || typeof p.tname === "string");
  };
  const keys = Object.keys(state).sort().join();
  if (keys !== "cursor,user" && keys !== "user") return false;
  const user = state.user as Record<string, unknown>;
  if (typeof user?.name !== "string" || !["pupil", "mentor", "teacher", "guardian"].includes(user.role as string)) return false;
  const cursor = state.cursor as Record<string, unknown> | null | undefined;
  return cursor == null || (Object.keys(cursor).sort().join() === "anchor,head" && position(cursor.anchor) && position(cursor.head));
}

/** Sends a message and then a SyncStep1 on the same socket: once the reply (or a close) comes,
 * the server has handled the message. */
async function sendAndSettle(socket: RawCollabSocket, message: Uint8Array) {
  const before = socket.received.length;
  socket.send(message);
  socket.send(collabMessage.syncStep1(new Uint8Array([0])));
  await expect.poll(() => socket.closeCode() !== null || socket.received.slice(before).some((m) => m[0] === 0 && m[1] === 1)).toBe(true);
}

function auditCount(email: string, action: string): number {
  return withDatabase(
    (db) =>
      (db.prepare("select count(*) as n from audit_events a join people p on p.id = a.actor_id where p.email = ? and a.plan_id = ? and a.action = ?").get(email, planId, action) as { n: number }).n,
  );
}

describe("the plan's log", () => {
  // First in the file: nobody has written in this database yet, so the 10-minute window is empty.
  it("records a writing session when the mentor's first change is accepted, not when the plan is only opened", async () => {
    const before = auditCount(accounts.mentor, "edit-session");
    const mentor = open("mentor");
    await mentor.synced();
    // A round trip after the connection was set up: whatever opening records is recorded by now.
    const pupil = open("alva");
    await pupil.synced();
    expect(auditCount(accounts.mentor, "edit-session")).toBe(before);

    typeInto(mentor.doc, "about", "Jonas skrev. ");
    await expect.poll(() => sectionText(pupil.doc, "about")).toContain("Jonas skrev.");
    await expect.poll(() => auditCount(accounts.mentor, "edit-session")).toBe(before + 1);
    // The pupil only read: nothing for her.
    expect(auditCount(accounts.alva, "edit-session")).toBe(0);

    // Writing again, on a new connection, within ten minutes counts once.
    mentor.destroy();
    const again = open("mentor");
    await again.synced();
    typeInto(again.doc, "about", "Och igen. ");
    await expect.poll(() => sectionText(pupil.doc, "about")).toContain("Och igen.");
    expect(auditCount(accounts.mentor, "edit-session")).toBe(before + 1);
  });
});

describe("awareness from a read-only connection", () => {
  it("refuses carets that are not two Yjs positions (closing 4400), and no editor ever receives them", async () => {
    const pupil = open("alva");
    await pupil.synced();
    typeInto(pupil.doc, "goals", "Mentorns rad står kvar.");
    const good = caretIn(pupil.doc, "goals");
    const bad: Array<{ state?: unknown; json?: string }> = [
      { state: { cursor: { anchor: null, head: null } } },
      { state: { cursor: {} } },
      { state: { cursor: "garbage" } },
      { state: { cursor: { anchor: good.anchor, head: 7 } } },
      // Neither a type nor a root name: Yjs throws resolving it.
      { state: { cursor: { anchor: { type: null, tname: null, item: null, assoc: 0 }, head: good.head } } },
      { state: { cursor: { anchor: { item: { client: "1", clock: 2 }, tname: "goals" }, head: good.head } } },
      { state: { cursor: { anchor: { tname: "x".repeat(300) }, head: good.head } } },
      { state: { cursor: { anchor: good.anchor, head: good.head, extra: 1 } } },
      { state: { user: "Rektor", cursor: null } },
      { state: "garbage" },
      { state: 42 },
      { state: [1, 2, 3] },
      { json: "{not json" },
    ];
    for (const [i, entry] of bad.entries()) {
      const guardian = await raw("guardian");
      guardian.send(collabMessage.awareness([{ clientId: 7000 + i, clock: 1, ...entry }]));
      await expect.poll(() => guardian.closeCode(), { message: `state ${JSON.stringify(entry)}` }).toBe(4400);
    }
    // A well-formed caret afterwards arrives: everything sent before it would have arrived too.
    const witness = await raw("guardian");
    witness.send(collabMessage.awareness([{ clientId: 7999, clock: 1, state: { cursor: good } }]));
    await expect.poll(() => peers(pupil).has(7999)).toBe(true);
    for (const [clientId, state] of peers(pupil)) expect(drawable(state), `state of ${clientId}: ${JSON.stringify(state)}`).toBe(true);
    expect([...peers(pupil).keys()].filter((id) => id >= 7000 && id < 7999)).toEqual([]);
  });

  it("passes a well-formed caret on with only the fields the app uses, and the user from the session", async () => {
    const pupil = open("alva");
    await pupil.synced();
    typeInto(pupil.doc, "goals", " Mer.");
    const guardian = await raw("guardian");
    guardian.send(
      collabMessage.awareness([
        { clientId: 7100, clock: 1, state: { user: { name: "Rektor", role: "mentor", color: "red; background: url(x)" }, cursor: caretIn(pupil.doc, "goals"), html: "<img src=x>", pad: "x".repeat(500) } },
      ]),
    );
    await expect.poll(() => peers(pupil).get(7100)).toBeDefined();
    const state = peers(pupil).get(7100)!;
    expect(Object.keys(state).sort()).toEqual(["cursor", "user"]);
    expect(state.user).toEqual(expect.objectContaining({ name: "Sara", role: "guardian", color: "#7a3b8f" }));
    expect(drawable(state)).toBe(true);
    expect(guardian.closeCode()).toBeNull();
  });
});

describe("presence flood", () => {
  it("closes a connection that registers more client ids than a tab has (4429) and removes all its states for everyone", async () => {
    const observer = open("mentor");
    await observer.synced();
    // As an editor does (a first state of clock 0 is not news to anyone, by the awareness protocol).
    observer.provider.awareness.setLocalStateField("cursor", null);
    const flood = await raw("guardian");
    flood.send(collabMessage.awareness([{ clientId: 5001, clock: 1, state: { cursor: null } }]));
    await expect.poll(() => peers(observer).has(5001)).toBe(true);
    flood.send(collabMessage.awareness(Array.from({ length: 1000 }, (_, i) => ({ clientId: 5100 + i, clock: 1, state: { cursor: null } }))));
    await expect.poll(() => flood.closeCode()).toBe(4429);
    await expect.poll(() => [...peers(observer).keys()].filter((id) => id >= 5000 && id < 6200)).toEqual([]);

    // One id per message adds up the same way.
    const trickle = await raw("guardian");
    for (let i = 0; i < 20; i++) trickle.send(collabMessage.awareness([{ clientId: 6300 + i, clock: 1, state: { cursor: null } }]));
    await expect.poll(() => trickle.closeCode()).toBe(4429);
    await expect.poll(() => [...peers(observer).keys()].filter((id) => id >= 6300 && id < 6400)).toEqual([]);

    // A newcomer is told about the people here, not about the flood.
    const newcomer = open("alva");
    await newcomer.synced();
    await expect.poll(() => peers(newcomer).has(observer.doc.clientID)).toBe(true);
    expect([...peers(newcomer).keys()].filter((id) => id >= 5000 && id < 6400)).toEqual([]);
  });

  it("does not count what a stock client sends back: a tab that sees many people come and go stays connected", async () => {
    // y-websocket clients send every awareness change they receive back to the server, everyone's.
    const observer = open("mentor");
    await observer.synced();
    observer.provider.awareness.setLocalStateField("cursor", null);
    for (let round = 0; round < 3; round++) {
      const visitors = [open("alva"), open("guardian"), open("maths"), open("alva"), open("guardian"), open("maths")];
      await Promise.all(visitors.map((v) => v.synced()));
      for (const visitor of visitors) visitor.provider.awareness.setLocalStateField("cursor", null);
      await expect.poll(() => visitors.every((v) => peers(observer).has(v.doc.clientID))).toBe(true);
      for (const visitor of visitors) visitor.destroy();
      await expect.poll(() => peers(observer).size).toBe(0);
    }
    const last = open("alva");
    await last.synced();
    last.provider.awareness.setLocalStateField("cursor", null);
    await expect.poll(() => peers(last).has(observer.doc.clientID)).toBe(true);
    expect(observer.closeCodes).toEqual([]);
  });

  it("refuses a person's seventeenth socket on one plan (429) until one of the others closes", async () => {
    const cookie = await signIn(server.url, accounts.guardian);
    const open16 = await Promise.all(Array.from({ length: 16 }, () => raw({ cookie })));
    const extra = openRawSocket(server.url, planId, cookie);
    sockets.push(extra);
    expect(await extra.outcome).toEqual({ status: 429 });
    // Someone else is not affected.
    await raw("maths");
    open16[0]!.socket.close();
    await open16[0]!.closed;
    await expect
      .poll(async () => {
        const again = openRawSocket(server.url, planId, cookie);
        sockets.push(again);
        return (await again.outcome).open ?? false;
      })
      .toBe(true);
  });

  it("closes a connection whose state is larger than a caret and a name (4429), and relays none of it", async () => {
    const observer = open("mentor");
    await observer.synced();
    const big = await raw("guardian");
    big.send(collabMessage.awareness([{ clientId: 6001, clock: 1, state: { cursor: null, pad: "x".repeat(16_000) } }]));
    await expect.poll(() => big.closeCode()).toBe(4429);
    const witness = await raw("guardian");
    witness.send(collabMessage.awareness([{ clientId: 6002, clock: 1, state: { cursor: null } }]));
    await expect.poll(() => peers(observer).has(6002)).toBe(true);
    expect(peers(observer).has(6001)).toBe(false);
  });
});

describe("a read-only connection that deletes", () => {
  it("is closed with 4403 and the text stays, whether the deletion comes as an update or a sync reply", async () => {
    const pupil = open("alva");
    await pupil.synced();
    typeInto(pupil.doc, "pupilActions", "Jag ska läsa mer.");
    const guardian = open("guardian");
    await guardian.synced();
    await expect.poll(() => sectionText(guardian.doc, "pupilActions")).toBe("Jag ska läsa mer.");
    const deleteAll = (copy: Y.Doc) => {
      const text = (copy.getXmlFragment("pupilActions").get(0) as Y.XmlElement).get(0) as Y.XmlText;
      text.delete(0, text.length);
    };
    const deletion = updateFrom(guardian.doc, deleteAll);
    expect(Y.decodeUpdate(deletion).structs).toEqual([]);

    for (const message of [collabMessage.update(deletion), collabMessage.syncStep2(deletion)]) {
      const socket = await raw("guardian");
      socket.send(message);
      await expect.poll(() => socket.closeCode()).toBe(4403);
    }
    // A teacher (comment rights) reads only too.
    const teacher = await raw("maths");
    teacher.send(collabMessage.update(deletion));
    await expect.poll(() => teacher.closeCode()).toBe(4403);

    expect(sectionText(pupil.doc, "pupilActions")).toBe("Jag ska läsa mer.");
    expect(await freshText("pupilActions")).toBe("Jag ska läsa mer.");
  });

  it("stays connected when it only repeats deletions the server already has (a reader's ordinary sync)", async () => {
    const pupil = open("alva");
    await pupil.synced();
    typeInto(pupil.doc, "guardianActions", "Fråga om läxor.");
    const text = (pupil.doc.getXmlFragment("guardianActions").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(0, 6);
    const guardian = open("guardian");
    await guardian.synced();
    await expect.poll(() => sectionText(guardian.doc, "guardianActions")).toBe("om läxor.");
    // A reader's sync reply holds its whole delete set, the server's own deletions included.
    const socket = await raw("guardian");
    await sendAndSettle(socket, collabMessage.syncStep2(Y.encodeStateAsUpdate(guardian.doc)));
    expect(socket.closeCode()).toBeNull();
    expect(guardian.closeCodes).toEqual([]);
  });
});

describe("changes outside the plan's sections", () => {
  it("closes a writer whose update adds a root type that is no section, or content the editors cannot draw (4400), and stores nothing of it", async () => {
    const pupil = open("alva");
    await pupil.synced();
    const outside = updateFrom(pupil.doc, (copy) => copy.getMap("evil").set("x", "INTRANG-KARTA"), 424242);
    const mixed = updateFrom(
      pupil.doc,
      (copy) =>
        copy.transact(() => {
          copy.getXmlFragment("goals").insert(0, [new Y.XmlText("BLANDAT-AVSNITT")]);
          copy.getXmlFragment("not-a-section").insert(0, [new Y.XmlText("BLANDAT-UTANFOR")]);
        }),
      434343,
    );
    const onSectionMap = updateFrom(pupil.doc, (copy) => copy.getMap("about").set("x", "KARTA-I-AVSNITT"), 454545);
    // Inside a section, but nothing the editors can draw (they would delete it, readers' too).
    const heading = updateFrom(
      pupil.doc,
      (copy) => {
        const node = new Y.XmlElement("heading");
        node.insert(0, [new Y.XmlText("RUBRIK-I-AVSNITT")]);
        copy.getXmlFragment("goals").insert(0, [node]);
      },
      474747,
    );
    const looseText = updateFrom(pupil.doc, (copy) => copy.getXmlFragment("goals").insert(0, [new Y.XmlText("LOS-TEXT")]), 484849);
    const link = updateFrom(pupil.doc, (copy) => typeInto(copy, "goals", " LANK-I-TEXT"), 494950);
    const linked = updateFrom(
      pupil.doc,
      (copy) => {
        Y.applyUpdate(copy, link);
        const text = (copy.getXmlFragment("goals").get(0) as Y.XmlElement).get(0) as Y.XmlText;
        text.format(0, 3, { link: { href: "https://evil.example" } });
      },
      494951,
    );
    for (const update of [outside, mixed, onSectionMap, heading, looseText, Y.mergeUpdates([link, linked])]) {
      const mentor = await raw("mentor");
      mentor.send(collabMessage.update(update));
      await expect.poll(() => mentor.closeCode()).toBe(4400);
    }
    const reader = open("mentor");
    await reader.synced();
    expect(reader.doc.share.has("evil")).toBe(false);
    expect(sectionText(reader.doc, "goals")).not.toContain("BLANDAT");
    for (const marker of ["INTRANG-KARTA", "BLANDAT-AVSNITT", "BLANDAT-UTANFOR", "KARTA-I-AVSNITT", "RUBRIK-I-AVSNITT", "LOS-TEXT", "LANK-I-TEXT"]) {
      expect(stored(marker), marker).toBe(false);
    }
  });

  it("closes a reader whose sync reply carries content anywhere (4403)", async () => {
    const pupil = open("alva");
    await pupil.synced();
    const outside = updateFrom(pupil.doc, (copy) => copy.getMap("evil").set("x", "LASARE-UTANFOR"), 464646);
    const guardian = await raw("guardian");
    guardian.send(collabMessage.syncStep2(outside));
    await expect.poll(() => guardian.closeCode()).toBe(4403);
    expect(stored("LASARE-UTANFOR")).toBe(false);
  });
});

describe("malformed frames", () => {
  const frames: Array<[string, Uint8Array]> = [
    ["an auth message (type 2)", new Uint8Array([2, 0])],
    ["an unknown type", new Uint8Array([4])],
    ["an unknown large type", new Uint8Array([200, 1])],
    ["an unknown sync type", new Uint8Array([0, 3, 0])],
    ["a varint beyond 2^53", new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 1])],
    ["a truncated varint", new Uint8Array([0, 2, 0x80])],
    ["an empty message", new Uint8Array([])],
    ["a length larger than the message", new Uint8Array([0, 2, 0xff, 0xff, 0x03, 1, 2, 3])],
    ["an awareness count with too few entries", new Uint8Array([1, 2, 2, 1])],
    ["a sync request with bytes after it", new Uint8Array([0, 0, 1, 0, 9, 9, 9])],
    ["an awareness client id beyond 32 bits", collabMessage.awareness([{ clientId: 2 ** 40, clock: 1, state: { cursor: null } }])],
  ];
  for (const who of ["mentor", "guardian"] as const) {
    it(`closes a ${who === "mentor" ? "writing" : "read-only"} connection that sends any of them (4400), and others carry on`, async () => {
      const bystander = open("alva");
      await bystander.synced();
      for (const [what, frame] of frames) {
        const socket = await raw(who);
        socket.send(frame);
        await expect.poll(() => socket.closeCode(), { message: what }).toBe(4400);
      }
      typeInto(bystander.doc, "schoolActions", ` efter skräp (${who})`);
      await expect.poll(() => freshText("schoolActions")).toContain(`efter skräp (${who})`);
      expect((await get(`${server.url}/healthz`)).status).toBe(200);
    });
  }

  it("applies nothing a connection sends after it was refused", async () => {
    const pupil = open("alva");
    await pupil.synced();
    const late = updateFrom(pupil.doc, (copy) => typeInto(copy, "goals", " EFTER-STANGNING"), 484848);
    const mentor = await raw("mentor");
    // Garbage and a good update in one go: the second arrives after the server refused the first.
    mentor.send(new Uint8Array([4]));
    mentor.send(collabMessage.update(late));
    mentor.send(collabMessage.awareness([{ clientId: 4848, clock: 1, state: { cursor: null } }]));
    expect(await mentor.closed).toBe(4400);
    const witness = open("mentor");
    await witness.synced();
    expect(sectionText(witness.doc, "goals")).not.toContain("EFTER-STANGNING");
    expect(peers(witness).has(4848)).toBe(false);
    expect(stored("EFTER-STANGNING")).toBe(false);
  });
});

describe("a session that ends", () => {
  async function sessionIdsOf(email: string): Promise<string[]> {
    return withDatabase((db) =>
      (db.prepare("select s.id from sessions s join people p on p.id = s.person_id where p.email = ?").all(email) as Array<{ id: string }>).map((r) => r.id),
    );
  }

  it("sign-out closes the session's open sockets at once (4401) and nothing sent on them afterwards is stored", async () => {
    const cookie = await signIn(server.url, accounts.mentor);
    const pupil = open("alva");
    await pupil.synced();
    const writer = open({ cookie });
    await writer.synced();
    typeInto(writer.doc, "schoolActions", " FORE-UTLOGGNING");
    await expect.poll(() => sectionText(pupil.doc, "schoolActions")).toContain("FORE-UTLOGGNING");
    const lingering = await raw({ cookie });
    const late = updateFrom(pupil.doc, (copy) => typeInto(copy, "schoolActions", " EFTER-UTLOGGNING"), 494949);

    const logout = await postForm(`${server.url}/logout`, {}, cookie);
    expect(logout.status).toBe(302);
    await sendAndSettle(lingering, collabMessage.update(late));
    await expect.poll(() => writer.closeCodes).toContain(4401);
    await expect.poll(() => lingering.closeCode()).toBe(4401);

    expect(sectionText(pupil.doc, "schoolActions")).not.toContain("EFTER-UTLOGGNING");
    expect(await freshText("schoolActions")).not.toContain("EFTER-UTLOGGNING");
    expect(stored("EFTER-UTLOGGNING")).toBe(false);
    // And the old cookie opens nothing new.
    expect((await openRawSocket(server.url, planId, cookie).outcome).status).toBe(401);
  });

  it("sign-out ends the session's event streams", async () => {
    const cookie = await signIn(server.url, accounts.guardian);
    const planStream = await stream(`${server.url}/events?plan=${planId}`, cookie);
    const personStream = await stream(`${server.url}/events`, cookie);
    expect([planStream.status, personStream.status]).toEqual([200, 200]);
    const other = await stream(`${server.url}/events`, cookies.guardian!);
    await postForm(`${server.url}/logout`, {}, cookie);
    await expect.poll(() => [planStream.hasEnded(), personStream.hasEnded()]).toEqual([true, true]);
    // The same person's other session goes on.
    expect(other.hasEnded()).toBe(false);
  });

  it("signing in again over an old session ends that session's sockets (revocation)", async () => {
    const cookie = await signIn(server.url, accounts.mentor);
    const writer = open({ cookie });
    await writer.synced();
    const again = await postForm(`${server.url}/login`, { email: accounts.mentor, password: "demo" }, cookie);
    expect(again.status).toBe(302);
    await expect.poll(() => writer.closeCodes).toContain(4401);
  });

  it("an expired session's socket is closed when the session expires, though nobody signed out", async () => {
    const before = new Set(await sessionIdsOf(accounts.mentor));
    const cookie = await signIn(server.url, accounts.mentor);
    const [sessionId] = (await sessionIdsOf(accounts.mentor)).filter((id) => !before.has(id));
    // The session ends three seconds from now (sessions last 12 hours; the test cannot wait that long).
    withDatabase((db) => db.prepare("update sessions set expires_at = ? where id = ?").run(Date.now() + 3000, sessionId), false);
    const pupil = open("alva");
    await pupil.synced();
    const writer = open({ cookie });
    await writer.synced();
    const events = await stream(`${server.url}/events?plan=${planId}`, cookie);
    typeInto(writer.doc, "goals", " FORE-UTGANG");
    await expect.poll(() => sectionText(pupil.doc, "goals")).toContain("FORE-UTGANG");
    await expect.poll(() => writer.closeCodes, { timeout: 10_000 }).toContain(4401);
    await expect.poll(() => events.hasEnded()).toBe(true);
    typeInto(writer.doc, "goals", " EFTER-UTGANG");
    expect((await openRawSocket(server.url, planId, cookie).outcome).status).toBe(401);
    expect(await freshText("goals")).not.toContain("EFTER-UTGANG");
  });

  it("a session extended while its socket is open (a re-authentication) keeps the socket past the old expiry", async () => {
    const before = new Set(await sessionIdsOf(accounts.mentor));
    const cookie = await signIn(server.url, accounts.mentor);
    const [sessionId] = (await sessionIdsOf(accounts.mentor)).filter((id) => !before.has(id));
    // The socket opens while the session ends two seconds from now...
    const oldExpiry = Date.now() + 2000;
    withDatabase((db) => db.prepare("update sessions set expires_at = ? where id = ?").run(oldExpiry, sessionId), false);
    const pupil = open("alva");
    await pupil.synced();
    const writer = open({ cookie });
    await writer.synced();
    // ...then the session is extended as a re-authentication does (the session storage's updateData
    // writes a new expires_at): twelve hours on.
    withDatabase((db) => db.prepare("update sessions set expires_at = ? where id = ?").run(Date.now() + 12 * 3600_000, sessionId), false);
    // The old expiry passes (the only wait: the clock of a server process cannot be moved).
    await expect.poll(() => Date.now() > oldExpiry + 300, { timeout: 10_000, interval: 100 }).toBe(true);
    typeInto(writer.doc, "goals", " EFTER-FORLANGNING");
    await expect.poll(() => sectionText(pupil.doc, "goals")).toContain("EFTER-FORLANGNING");
    expect(writer.closeCodes).toEqual([]);
    expect(await freshText("goals")).toContain("EFTER-FORLANGNING");
  });
});

describe("rights that end", () => {
  function setAlvaBirthDate(date: string | null): string | null {
    return withDatabase((db) => {
      const before = (db.prepare("select date_of_birth as d from people where email = ?").get(accounts.alva) as { d: string | null }).d;
      db.prepare("update people set date_of_birth = ? where email = ?").run(date, accounts.alva);
      return before;
    }, false);
  }

  it("ends the guardian's socket and event stream of that plan when the pupil (18) withdraws consent, but not their other streams", async () => {
    const original = setAlvaBirthDate("2007-01-15");
    try {
      expect((await postForm(`${server.url}/plans/${planId}`, { intent: "guardian-consent", shares: "on" }, cookies.alva)).status).toBe(200);
      const guardian = open("guardian");
      await guardian.synced();
      const planStream = await stream(`${server.url}/events?plan=${planId}`, cookies.guardian!);
      const personStream = await stream(`${server.url}/events`, cookies.guardian!);
      expect(planStream.status).toBe(200);

      expect((await postForm(`${server.url}/plans/${planId}`, { intent: "guardian-consent" }, cookies.alva)).status).toBe(200);
      await expect.poll(() => guardian.closeCodes).toContain(4409);
      await expect.poll(() => planStream.hasEnded()).toBe(true);
      expect(personStream.hasEnded()).toBe(false);
      expect((await get(`${server.url}/events?plan=${planId}`, cookies.guardian)).status).toBe(404);
    } finally {
      setAlvaBirthDate(original);
    }
  });
});

describe("a reader that stops reading", () => {
  it("is closed (4408) once too much waits for it, while it keeps asking for the whole plan; the server and everyone else carry on", async () => {
    const pupil = open("alva");
    const mentor = open("mentor");
    await Promise.all([pupil.synced(), mentor.synced()]);
    // A long section (~330 kB): each SyncStep1 from nothing is answered with all of it.
    typeInto(pupil.doc, "schoolActions", "Läsa mer. ".repeat(30_000));
    await expect.poll(() => sectionText(mentor.doc, "schoolActions").length).toBeGreaterThanOrEqual(300_000);

    const guardian = await raw("guardian");
    // It reads nothing more, but keeps sending: ~40 MB of answers, more than the kernel's buffers hold.
    const underlying = (guardian.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    underlying.pause();
    for (let i = 0; i < 120; i++) guardian.send(collabMessage.syncStep1(new Uint8Array([0])));
    await expect.poll(() => server.logs.join("\n"), { timeout: 20_000 }).toContain("collab connection fell too far behind reading");
    underlying.resume();
    expect(await guardian.closed).toBe(4408);

    typeInto(pupil.doc, "schoolActions", " Efter flodet.");
    await expect.poll(() => sectionText(mentor.doc, "schoolActions")).toContain("Efter flodet.");
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });
});
