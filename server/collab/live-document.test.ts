import type { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { getOrCreatePlan } from "../../db/queries/plans";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import * as decoding from "lib0/decoding";
import { MessageType, roleColors } from "../../app/shared/collab-protocol";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import { collabMessage } from "../../tests/support/collab-raw";
import { recordWritingSession } from "./audit";
import { PlanLockedViolation, ProtocolError, ReadOnlyViolation } from "./errors";
import { LiveDocument, type Connection, type LiveDocumentOptions } from "./live-document";
import { planSectionLookup } from "./sections";
import { UpdateJournal } from "./update-journal";

/*
 * The protocol core with its parts (journal, sections, audit) as the server wires them, and
 * stand-in sockets: what a connection may change, when the log says someone wrote, and that a
 * connection let go of counts for nothing.
 */

let db: AppDatabase;
let cleanup: () => void;
let planId = "";
let pupilId = "";

beforeAll(async () => {
  ({ db, cleanup } = await createSeededDatabase(stockholmToday()));
  pupilId = personIdByEmail(db, "elev@demo.test");
  const { schoolId } = db.$client.prepare("select school_id as schoolId from people where id = ?").get(pupilId) as { schoolId: string };
  planId = getOrCreatePlan(db, pupilId, getActiveTerm(db, schoolId, stockholmToday())!.id).id;
});
afterAll(() => cleanup());

function openDocument(options: Partial<LiveDocumentOptions> = {}) {
  const journal = new UpdateJournal(db);
  const firstWrites: string[] = [];
  const document = new LiveDocument(planId, pupilId, {
    journal,
    compactEvery: 1000,
    isSection: planSectionLookup(db, planId),
    onFirstWrite: (connection) => {
      firstWrites.push(connection.user.name);
      recordWritingSession(db, planId, connection.personId);
    },
    onStoreFailure: () => {},
    onCompactionFailure: () => {},
    ...options,
  });
  return { document, journal, firstWrites };
}

function connect(document: LiveDocument, email: string, canWrite: boolean, wantsAcks = false): Connection & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const socket = { OPEN: 1, readyState: 1, send: (message: Uint8Array, done?: () => void) => (sent.push(message), done?.()), close() {}, terminate() {} };
  const connection = {
    socket: socket as unknown as WebSocket,
    personId: personIdByEmail(db, email),
    canWrite,
    user: { key: "abcdefghijkl", name: email, role: canWrite ? "mentor" : "guardian", color: roleColors.mentor },
    clientIds: new Set<number>(),
    hasWritten: false,
    wantsAcks,
    writesReceived: 0,
    sent,
  } satisfies Connection & { sent: Uint8Array[] };
  document.addConnection(connection);
  return connection;
}

/** A client holding what the document holds, and the update its change makes. */
function change(document: LiveDocument, edit: (doc: Y.Doc) => void): Uint8Array {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(document.doc));
  const updates: Uint8Array[] = [];
  client.on("update", (update: Uint8Array) => updates.push(update));
  edit(client);
  return Y.mergeUpdates(updates);
}

const typing = (text: string) => (doc: Y.Doc) => {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment("goals").insert(doc.getXmlFragment("goals").length, [paragraph]);
};
const goals = (document: LiveDocument) => document.doc.getXmlFragment("goals").toString();
const writingSessions = (email: string) =>
  (db.$client.prepare("select count(*) as n from audit_events where plan_id = ? and actor_id = ? and action = 'edit-session'").get(planId, personIdByEmail(db, email)) as { n: number }).n;

describe("the log's 'wrote in the plan'", () => {
  it("is recorded when a connection's first change is stored, not when it opens, syncs or reads", async () => {
    const { document, journal, firstWrites } = openDocument();
    const mentor = connect(document, "mentor@demo.test", true);
    const guardian = connect(document, "vh@demo.test", false);
    document.receive(mentor, collabMessage.syncStep1(Y.encodeStateVector(new Y.Doc())));
    document.receive(mentor, collabMessage.syncStep2(Y.encodeStateAsUpdate(document.doc)));
    document.receive(guardian, collabMessage.syncStep2(Y.encodeStateAsUpdate(document.doc)));
    expect(firstWrites).toEqual([]);

    document.receive(mentor, collabMessage.update(change(document, typing("Första."))));
    // Accepted, but not yet stored: not yet in the log.
    expect(firstWrites).toEqual([]);
    journal.flush();
    expect(firstWrites).toEqual(["mentor@demo.test"]);
    document.receive(mentor, collabMessage.update(change(document, typing(" Andra."))));
    await Promise.resolve();
    journal.flush();
    expect(firstWrites).toEqual(["mentor@demo.test"]);
    expect(writingSessions("mentor@demo.test")).toBe(1);
    expect(writingSessions("vh@demo.test")).toBe(0);

    // Another connection of the same person within ten minutes: one more first write, one log row.
    const again = connect(document, "mentor@demo.test", true);
    document.receive(again, collabMessage.update(change(document, typing(" Tredje."))));
    journal.flush();
    expect(firstWrites).toEqual(["mentor@demo.test", "mentor@demo.test"]);
    expect(writingSessions("mentor@demo.test")).toBe(1);
    document.destroy();
  });
});

/** The `Stored` counts a connection was sent (message type 4), in order. */
function acks(connection: { sent: Uint8Array[] }): number[] {
  return connection.sent.filter((m) => m[0] === MessageType.Stored).map((m) => decoding.readVarUint(decoding.createDecoder(m.subarray(1))));
}

describe("acknowledgements", () => {
  it("tell a client that asked how many of its writes are stored, only after the commit, one message per task", async () => {
    const { document, journal } = openDocument();
    const mentor = connect(document, "mentor@demo.test", true, true);
    const stock = connect(document, "mentor@demo.test", true);
    document.receive(mentor, collabMessage.syncStep1(Y.encodeStateVector(new Y.Doc())));
    // A sync reply that changes nothing is acknowledged too (at the end of the task: nothing waits).
    document.receive(mentor, collabMessage.syncStep2(Y.encodeStateAsUpdate(document.doc)));
    expect(acks(mentor)).toEqual([]);
    await Promise.resolve();
    expect(acks(mentor)).toEqual([1]);

    // Two keystrokes in one task: one commit, one acknowledgement of both, and none before it.
    document.receive(mentor, collabMessage.update(change(document, typing("Ett."))));
    document.receive(mentor, collabMessage.update(change(document, typing("Två."))));
    expect(acks(mentor)).toEqual([1]);
    const rowsBefore = (db.$client.prepare("select count(*) as n from plan_updates where plan_id = ?").get(planId) as { n: number }).n;
    journal.flush();
    expect((db.$client.prepare("select count(*) as n from plan_updates where plan_id = ?").get(planId) as { n: number }).n).toBe(rowsBefore + 2);
    await Promise.resolve();
    expect(acks(mentor)).toEqual([1, 3]);
    // A client that did not ask (the stock y-websocket client) never receives the type.
    document.receive(stock, collabMessage.update(change(document, typing("Tre."))));
    journal.flush();
    await Promise.resolve();
    expect(acks(stock)).toEqual([]);
    document.destroy();
  });

  it("never acknowledge a write whose change could not be stored", async () => {
    const storeFailures: string[] = [];
    const { document, journal } = openDocument({ onFirstWrite: () => {}, onStoreFailure: (failed) => storeFailures.push(failed) });
    const mentor = connect(document, "mentor@demo.test", true, true);
    document.receive(mentor, collabMessage.update(change(document, typing("Sparas."))));
    journal.flush();
    await Promise.resolve();
    expect(acks(mentor)).toEqual([1]);
    db.$client.exec(`create trigger refuse_for_acks before insert on plan_updates begin select raise(abort, 'disk full'); end`);
    try {
      document.receive(mentor, collabMessage.update(change(document, typing("Sparas inte."))));
      // A write after it that changes nothing waits for it, and is not acknowledged either.
      document.receive(mentor, collabMessage.syncStep2(new Uint8Array([0, 0])));
      journal.flush();
      await Promise.resolve();
      await Promise.resolve();
    } finally {
      db.$client.exec("drop trigger refuse_for_acks");
    }
    expect(storeFailures).toEqual([planId]);
    expect(acks(mentor)).toEqual([1]);
    document.destroy();
  });
});

describe("what a connection is sent", () => {
  /** Everything of the document a connection was sent, applied to an empty one. */
  const received = (connection: Connection & { sent: Uint8Array[] }) => {
    const doc = new Y.Doc();
    for (const message of connection.sent) {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) !== MessageType.Sync) continue;
      const syncType = decoding.readVarUint(decoder);
      if (syncType === 1 || syncType === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
    }
    return doc.getXmlFragment("goals").toString();
  };

  it("is never a change the store refused: not when it asks for the document in the same task, nor after", () => {
    const { document } = openDocument({ onFirstWrite: () => {} });
    const mentor = connect(document, "mentor@demo.test", true);
    const reader = connect(document, "vh@demo.test", false);
    const late = connect(document, "elev@demo.test", true);
    db.$client.exec(`create trigger refuse_for_readers before insert on plan_updates begin select raise(abort, 'disk full'); end`);
    try {
      document.receive(mentor, collabMessage.update(change(document, typing("Aldrig sparat."))));
      // The reader asks for the whole document before the refused change's batch was written.
      document.receive(reader, collabMessage.syncStep1(Y.encodeStateVector(new Y.Doc())));
      // Another asks once the document knows it could not store (its people are about to be let go of).
      document.receive(late, collabMessage.syncStep1(Y.encodeStateVector(new Y.Doc())));
    } finally {
      db.$client.exec("drop trigger refuse_for_readers");
    }
    expect(goals(document)).toContain("Aldrig sparat.");
    expect(received(reader)).not.toContain("Aldrig sparat.");
    expect(received(late)).not.toContain("Aldrig sparat.");
    document.destroy();
  });
});

describe("what a connection may change", () => {
  it("refuses every change from a reader, deletions included, and takes its ordinary sync reply", () => {
    const { document, journal } = openDocument();
    const mentor = connect(document, "mentor@demo.test", true);
    document.receive(mentor, collabMessage.update(change(document, typing("Text att ta bort."))));
    journal.flush();
    const guardian = connect(document, "vh@demo.test", false);
    const before = goals(document);
    expect(() => document.receive(guardian, collabMessage.update(change(document, typing("Förfalskat"))))).toThrow(ReadOnlyViolation);
    const deletion = change(document, (doc) => doc.getXmlFragment("goals").delete(0, 1));
    expect(() => document.receive(guardian, collabMessage.update(deletion))).toThrow(ReadOnlyViolation);
    expect(() => document.receive(guardian, collabMessage.syncStep2(deletion))).toThrow(ReadOnlyViolation);
    document.receive(guardian, collabMessage.syncStep2(Y.encodeStateAsUpdate(document.doc)));
    expect(goals(document)).toBe(before);
    document.destroy();
  });

  it("refuses every change once the plan is locked, deletions included", () => {
    const { document } = openDocument();
    const mentor = connect(document, "mentor@demo.test", true);
    document.receive(mentor, collabMessage.update(change(document, typing("Låst text."))));
    document.locked = true;
    const before = goals(document);
    expect(() => document.receive(mentor, collabMessage.update(change(document, typing("Efter låset"))))).toThrow(PlanLockedViolation);
    expect(() => document.receive(mentor, collabMessage.update(change(document, (doc) => doc.getXmlFragment("goals").delete(0, 1))))).toThrow(PlanLockedViolation);
    expect(goals(document)).toBe(before);
    document.destroy();
  });

  it("keeps writers to the plan's sections and the editors' schema, and to updates that build on what the server has", () => {
    const { document } = openDocument();
    const mentor = connect(document, "mentor@demo.test", true);
    expect(() => document.receive(mentor, collabMessage.update(change(document, (doc) => doc.getMap("evil").set("x", 1))))).toThrow(ProtocolError);
    expect(document.doc.share.has("evil")).toBe(false);
    const heading = change(document, (doc) => doc.getXmlFragment("goals").insert(0, [new Y.XmlElement("heading")]));
    expect(() => document.receive(mentor, collabMessage.update(heading))).toThrow(ProtocolError);
    expect(document.doc.getXmlFragment("goals").toString()).not.toContain("heading");
    // An update whose parent the server never received.
    const base = new Y.Doc();
    base.getXmlFragment("goals").insert(0, [new Y.XmlElement("paragraph")]);
    const later = new Y.Doc();
    Y.applyUpdate(later, Y.encodeStateAsUpdate(base));
    const updates: Uint8Array[] = [];
    later.on("update", (update: Uint8Array) => updates.push(update));
    (later.getXmlFragment("goals").get(0) as Y.XmlElement).insert(0, [new Y.XmlText("saknar grund")]);
    expect(() => document.receive(mentor, collabMessage.update(updates[0]!))).toThrow(ProtocolError);
    expect(document.doc.store.pendingStructs).toBeNull();
    document.destroy();
  });

  it("refuses bytes after a message and unknown types, and counts nothing from a connection let go of", () => {
    const { document } = openDocument();
    const mentor = connect(document, "mentor@demo.test", true);
    expect(() => document.receive(mentor, new Uint8Array([0, 0, 1, 0, 9]))).toThrow(ProtocolError);
    expect(() => document.receive(mentor, new Uint8Array([2, 0]))).toThrow(ProtocolError);
    document.removeConnection(mentor);
    const before = goals(document);
    document.receive(mentor, collabMessage.update(change(document, typing("Efter avsked"))));
    document.receive(mentor, collabMessage.awareness([{ clientId: 5, clock: 1, state: { cursor: null } }]));
    expect(goals(document)).toBe(before);
    expect(document.awareness.getStates().size).toBe(0);
    document.destroy();
  });
});
