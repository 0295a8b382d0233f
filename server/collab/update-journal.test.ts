import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { getOrCreatePlan } from "../../db/queries/plans";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import { LiveDocument } from "./live-document";
import { UpdateJournal } from "./update-journal";

let db: AppDatabase;
let cleanup: () => void;
let alvaPlan = "";
let otherPlan = "";

beforeAll(async () => {
  ({ db, cleanup } = await createSeededDatabase(stockholmToday()));
  const alva = personIdByEmail(db, "elev@demo.test");
  const { schoolId } = db.$client.prepare("select school_id as schoolId from people where id = ?").get(alva) as { schoolId: string };
  const term = getActiveTerm(db, schoolId, stockholmToday())!;
  alvaPlan = getOrCreatePlan(db, alva, term.id).id;
  const other = db.$client.prepare("select person_id as id from pupils where person_id != ? limit 1").get(alva) as { id: string };
  otherPlan = getOrCreatePlan(db, other.id, term.id).id;
});
afterAll(() => cleanup());

/** The plan's rows in the journal table, counted straight from SQLite. */
function rowsOf(planId: string): number {
  return (db.$client.prepare("select count(*) as n from plan_updates where plan_id = ?").get(planId) as { n: number }).n;
}

function anUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe("the update journal (group commit)", () => {
  it("stores everything appended in one task together, then tells each in order, and nothing before", async () => {
    const journal = new UpdateJournal(db);
    const told: string[] = [];
    for (const [planId, label] of [[alvaPlan, "a1"], [otherPlan, "b1"], [alvaPlan, "a2"]] as const) {
      journal.append({ planId, update: anUpdate(label), stored: () => told.push(label), failed: () => told.push(`${label} failed`) });
    }
    // Nobody hears of an update before it is on disk, and it is not on disk within the task.
    expect(told).toEqual([]);
    const before = rowsOf(alvaPlan);
    await Promise.resolve();
    expect(told).toEqual(["a1", "b1", "a2"]);
    expect(rowsOf(alvaPlan)).toBe(before + 2);
  });

  it("does not hold a task's updates until the rest of the event-loop turn has run", async () => {
    const journal = new UpdateJournal(db);
    const told: string[] = [];
    // Two callbacks of the same turn, as two sockets' messages are: the second must find the
    // first one's update already stored and told (sent on), not waiting behind it.
    const seenBySecond = await new Promise<string[]>((resolve) => {
      setImmediate(() => journal.append({ planId: alvaPlan, update: anUpdate("first"), stored: () => told.push("first"), failed: () => {} }));
      setImmediate(() => resolve([...told]));
    });
    expect(seenBySecond).toEqual(["first"]);
  });

  it("when one plan's update cannot be stored, the others of the same task still are", async () => {
    const journal = new UpdateJournal(db);
    db.$client.exec(`create trigger refuse_one before insert on plan_updates when new.plan_id = '${alvaPlan}' begin select raise(abort, 'refused'); end`);
    try {
      const told: string[] = [];
      const otherBefore = rowsOf(otherPlan);
      journal.append({ planId: otherPlan, update: anUpdate("b"), stored: () => told.push("b"), failed: () => told.push("b failed") });
      journal.append({ planId: alvaPlan, update: anUpdate("a"), stored: () => told.push("a"), failed: () => told.push("a failed") });
      journal.append({ planId: otherPlan, update: anUpdate("c"), stored: () => told.push("c"), failed: () => told.push("c failed") });
      journal.flush();
      expect(told).toEqual(["b", "a failed", "c"]);
      expect(rowsOf(otherPlan)).toBe(otherBefore + 2);
    } finally {
      db.$client.exec("drop trigger refuse_one");
    }
  });

  it("flush stores at once what is waiting (before a lock, a compaction or a new client's sync)", () => {
    const journal = new UpdateJournal(db);
    let stored = false;
    journal.append({ planId: otherPlan, update: anUpdate("x"), stored: () => (stored = true), failed: () => {} });
    journal.flush();
    expect(stored).toBe(true);
  });
});

/** What a plan's stored state and journal rows hold, as one Y.Doc's text "t". */
function storedText(journal: UpdateJournal, planId: string): string {
  const { state, updates } = journal.load(planId);
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText("t").toString();
}

describe("the update journal (rows per plan)", () => {
  /** Two plans with some history each, stored through one journal. */
  function typeInto(journal: UpdateJournal, planId: string, doc: Y.Doc, text: string) {
    const onUpdate = (update: Uint8Array) => journal.append({ planId, update, stored: () => {}, failed: () => {} });
    doc.on("update", onUpdate);
    for (const char of text) doc.getText("t").insert(doc.getText("t").length, char);
    doc.off("update", onUpdate);
    journal.flush();
  }

  it("compacts a plan into its state and drops exactly that plan's rows", () => {
    const journal = new UpdateJournal(db);
    journal.compact(alvaPlan, new Uint8Array([0, 0]));
    journal.compact(otherPlan, new Uint8Array([0, 0]));
    const alva = new Y.Doc();
    const other = new Y.Doc();
    typeInto(journal, alvaPlan, alva, "Mina mål");
    typeInto(journal, otherPlan, other, "Om mig");
    expect(journal.countStored(alvaPlan)).toBe(8);
    expect(rowsOf(alvaPlan)).toBe(8);

    journal.compact(alvaPlan, Y.encodeStateAsUpdate(alva));
    expect(rowsOf(alvaPlan)).toBe(0);
    expect(journal.countStored(alvaPlan)).toBe(0);
    expect(storedText(journal, alvaPlan)).toBe("Mina mål");
    // The other plan's rows are untouched by Alva's compaction.
    expect(rowsOf(otherPlan)).toBe(6);
    expect(storedText(journal, otherPlan)).toBe("Om mig");
  });

  it("finds the rows an earlier process left behind (a crash) when it starts, and loads them with the state", () => {
    const before = new UpdateJournal(db);
    before.compact(alvaPlan, new Uint8Array([0, 0]));
    const doc = new Y.Doc();
    typeInto(before, alvaPlan, doc, "Före");
    before.compact(alvaPlan, Y.encodeStateAsUpdate(doc));
    typeInto(before, alvaPlan, doc, " kraschen");
    // The process dies here: no compaction. A new journal is made at the next start.
    const after = new UpdateJournal(db);
    expect(after.countStored(alvaPlan)).toBe(9);
    expect(storedText(after, alvaPlan)).toBe("Före kraschen");
    after.compact(alvaPlan, Y.encodeStateAsUpdate(doc));
    expect(rowsOf(alvaPlan)).toBe(0);
    expect(storedText(new UpdateJournal(db), alvaPlan)).toBe("Före kraschen");
  });

  it("loads and compacts a history longer than one statement's worth of ids", () => {
    const journal = new UpdateJournal(db);
    journal.compact(otherPlan, new Uint8Array([0, 0]));
    const doc = new Y.Doc();
    const text = "abcdefghij".repeat(120);
    typeInto(journal, otherPlan, doc, text);
    expect(storedText(new UpdateJournal(db), otherPlan)).toBe(text);
    journal.compact(otherPlan, Y.encodeStateAsUpdate(doc));
    expect(rowsOf(otherPlan)).toBe(0);
    expect(storedText(journal, otherPlan)).toBe(text);
  });

  it("keeps a plan's rows when its compaction fails, and loads them next time", () => {
    const journal = new UpdateJournal(db);
    journal.compact(alvaPlan, new Uint8Array([0, 0]));
    const doc = new Y.Doc();
    typeInto(journal, alvaPlan, doc, "Kvar");
    db.$client.exec("create trigger refuse_state before update on plan_document_states begin select raise(abort, 'refused'); end");
    try {
      expect(() => journal.compact(alvaPlan, Y.encodeStateAsUpdate(doc))).toThrow();
    } finally {
      db.$client.exec("drop trigger refuse_state");
    }
    // Nothing half-written: the state was not replaced and no row was dropped.
    expect(rowsOf(alvaPlan)).toBe(4);
    expect(journal.countStored(alvaPlan)).toBe(4);
    expect(storedText(journal, alvaPlan)).toBe("Kvar");
  });
});

describe("a live document whose compaction fails", () => {
  it("says so, keeps typing going, and loses nothing", () => {
    const journal = new UpdateJournal(db);
    journal.compact(otherPlan, new Uint8Array([0, 0]));
    const failures: unknown[] = [];
    const options = {
      journal,
      compactEvery: 3,
      isSection: () => true,
      onFirstWrite: () => {},
      onStoreFailure: () => {},
      onCompactionFailure: (_: string, error: unknown) => failures.push(error),
    };
    const live = new LiveDocument(otherPlan, "pupil", options);
    db.$client.exec("create trigger refuse_state before update on plan_document_states begin select raise(abort, 'refused'); end");
    try {
      for (const char of "Fem tecken") live.doc.getText("t").insert(live.doc.getText("t").length, char);
      // Past three stored updates each one asks for a compaction; it fails, and all are still stored.
      expect(() => journal.flush()).not.toThrow();
    } finally {
      db.$client.exec("drop trigger refuse_state");
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(rowsOf(otherPlan)).toBe(10);
    live.destroy();
    expect(new LiveDocument(otherPlan, "pupil", options).doc.getText("t").toString()).toBe("Fem tecken");
  });
});
