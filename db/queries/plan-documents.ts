import { and, eq, inArray, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { planDocumentStates, planUpdates } from "../schema";

/**
 * Storage of the plans' Yjs documents: a compacted state plus the updates appended since (the
 * journal, plan_updates). Only the collaboration server's document registry writes here, and
 * only for documents it holds in memory, so storage and the live document never disagree. The
 * journal is read by row id, never by plan: the collaboration server knows which rows are
 * whose (server/collab/update-journal.ts).
 */

export interface StoredPlanDocument {
  state: Uint8Array | null;
  updates: Uint8Array[];
}

/** `IN (…)` lists are kept well below SQLite's limit on bound parameters. */
const IDS_PER_STATEMENT = 500;
function* inChunks(ids: readonly number[]): Generator<number[]> {
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) yield ids.slice(i, i + IDS_PER_STATEMENT);
}

/** A plan's compacted state and the journal rows given (in the order they were appended). */
export function loadPlanDocument(db: AppDatabase, planId: string, updateIds: readonly number[]): StoredPlanDocument {
  const state = db.select({ state: planDocumentStates.state }).from(planDocumentStates).where(eq(planDocumentStates.planId, planId)).get();
  const rows = [...inChunks(updateIds)]
    .flatMap((chunk) =>
      db
        .select({ id: planUpdates.id, data: planUpdates.data })
        .from(planUpdates)
        .where(and(eq(planUpdates.planId, planId), inArray(planUpdates.id, chunk)))
        .all(),
    )
    .sort((a, b) => a.id - b.id);
  return {
    state: state ? new Uint8Array(state.state) : null,
    updates: rows.map((r) => new Uint8Array(r.data)),
  };
}

/** Every journal row's id and plan (read once when the collaboration server starts). */
export function listPlanUpdateIds(db: AppDatabase): Array<{ id: number; planId: string }> {
  return db.select({ id: planUpdates.id, planId: planUpdates.planId }).from(planUpdates).orderBy(planUpdates.id).all();
}

// One keystroke is one append: building and preparing the statement each time cost more than
// the write itself (see README "Benchmark"), so it is prepared once per database.
const preparedAppends = new WeakMap<AppDatabase, ReturnType<typeof prepareAppend>>();
function prepareAppend(db: AppDatabase) {
  return db
    .insert(planUpdates)
    .values({ planId: sql.placeholder("planId"), data: sql.placeholder("data") })
    .prepare();
}

/** Appends one accepted update; returns its id. Synchronous, so it is on disk before we broadcast. */
export function appendPlanUpdate(db: AppDatabase, planId: string, update: Uint8Array): number {
  let append = preparedAppends.get(db);
  if (!append) {
    append = prepareAppend(db);
    preparedAppends.set(db, append);
  }
  const result = append.run({ planId, data: Buffer.from(update.buffer, update.byteOffset, update.byteLength) });
  return Number(result.lastInsertRowid);
}

type PlanUpdates = ReadonlyArray<{ planId: string; update: Uint8Array }>;
// better-sqlite3's own transaction function, made once: drizzle's db.transaction builds a new
// transaction object per call, which cost as much as the inserts at a busy moment.
const preparedBatches = new WeakMap<AppDatabase, (updates: PlanUpdates) => number[]>();

/** Appends several updates (of any plans) in one transaction: all or none. Returns their ids in order. */
export function appendPlanUpdates(db: AppDatabase, updates: PlanUpdates): number[] {
  let appendAll = preparedBatches.get(db);
  if (!appendAll) {
    appendAll = db.$client.transaction((batch: PlanUpdates) => batch.map(({ planId, update }) => appendPlanUpdate(db, planId, update)));
    preparedBatches.set(db, appendAll);
  }
  return appendAll(updates);
}

/** Replaces the stored state and drops the journal rows it already contains, in one transaction. */
export function replacePlanDocument(db: AppDatabase, planId: string, state: Uint8Array, updateIds: readonly number[]): void {
  db.transaction((tx) => {
    tx.insert(planDocumentStates)
      .values({ planId, state: Buffer.from(state), compactedAt: new Date() })
      .onConflictDoUpdate({ target: planDocumentStates.planId, set: { state: Buffer.from(state), compactedAt: new Date() } })
      .run();
    for (const chunk of inChunks(updateIds)) {
      tx.delete(planUpdates).where(and(eq(planUpdates.planId, planId), inArray(planUpdates.id, chunk))).run();
    }
  });
}
