import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { loadPlanDocument } from "../../db/queries/plan-documents";
import { getOrCreatePlan } from "../../db/queries/plans";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
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

function anUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe("the update journal (group commit)", () => {
  it("stores everything appended in one turn together, then tells each in order, and nothing before", async () => {
    const journal = new UpdateJournal(db);
    const told: string[] = [];
    for (const [planId, label] of [[alvaPlan, "a1"], [otherPlan, "b1"], [alvaPlan, "a2"]] as const) {
      journal.append({ planId, update: anUpdate(label), stored: () => told.push(label), failed: () => told.push(`${label} failed`) });
    }
    // Nobody hears of an update before it is on disk, and it is not on disk within the turn.
    expect(told).toEqual([]);
    const before = loadPlanDocument(db, alvaPlan).updates.length;
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toEqual(["a1", "b1", "a2"]);
    expect(loadPlanDocument(db, alvaPlan).updates.length).toBe(before + 2);
  });

  it("when one plan's update cannot be stored, the others of the same turn still are", async () => {
    const journal = new UpdateJournal(db);
    db.$client.exec(`create trigger refuse_one before insert on plan_updates when new.plan_id = '${alvaPlan}' begin select raise(abort, 'refused'); end`);
    try {
      const told: string[] = [];
      const otherBefore = loadPlanDocument(db, otherPlan).updates.length;
      journal.append({ planId: otherPlan, update: anUpdate("b"), stored: () => told.push("b"), failed: () => told.push("b failed") });
      journal.append({ planId: alvaPlan, update: anUpdate("a"), stored: () => told.push("a"), failed: () => told.push("a failed") });
      journal.append({ planId: otherPlan, update: anUpdate("c"), stored: () => told.push("c"), failed: () => told.push("c failed") });
      journal.flush();
      expect(told).toEqual(["b", "a failed", "c"]);
      expect(loadPlanDocument(db, otherPlan).updates.length).toBe(otherBefore + 2);
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
