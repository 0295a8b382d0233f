import type { AppDatabase } from "../../db/client";
import { appendPlanUpdate, appendPlanUpdates, listPlanUpdateIds, loadPlanDocument, replacePlanDocument, type StoredPlanDocument } from "../../db/queries/plan-documents";

interface PendingUpdate {
  planId: string;
  update: Uint8Array;
  /** Runs once the update is on disk (the caller broadcasts it then, never before). */
  stored(): void;
  failed(error: unknown): void;
}

/** A place in the queue: runs once everything appended before it has been stored. */
interface Barrier {
  planId: string;
  update: null;
  stored(): void;
  failed(error: unknown): void;
}

type Entry = PendingUpdate | Barrier;

/** Told of every commit and failure (the server's metrics). */
export interface JournalObserver {
  stored(updates: number, seconds: number): void;
  failed(updates: number): void;
}

/**
 * The collaboration server's journal of accepted updates (plan_updates), and the one place that
 * knows which of its rows belong to which plan.
 *
 * Group commit: the updates of one task (all messages ws read from one socket chunk, or a sync
 * reply's worth) are stored in one transaction at its end (a microtask), then what waited for
 * them runs, in order. Not at the end of the whole event-loop turn: a turn after a pause holds
 * many sockets' keystrokes, and each of them then waited for all the others to be handled before
 * anyone's was sent on (in bench:collab *peak* that cost about 0.5 ms at p99 over the
 * reference server; per task it is level with it, at the same CPU).
 *
 * Row ids per plan: the table has no index on plan_id (an index entry per plan made each commit
 * write a page per plan in the batch), so the journal remembers each plan's rows from the moment
 * it stores them until they are compacted away, and reads the ids of rows left by an earlier
 * process (a crash, or a plan whose compaction failed) when it starts. One process owns a
 * database's journal, as it owns the live documents.
 */
export class UpdateJournal {
  private pending: Entry[] = [];
  private scheduled = false;
  private readonly rowIds = new Map<string, number[]>();

  constructor(
    private readonly db: AppDatabase,
    private readonly observer?: JournalObserver,
  ) {
    for (const { id, planId } of listPlanUpdateIds(db)) this.remember(planId, id);
  }

  append(entry: PendingUpdate) {
    this.pending.push(entry);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /**
   * Runs `stored` once every update appended so far is on disk — at once when none waits — or
   * nothing if the batch holding them fails (each update's own `failed` says so). For
   * acknowledging a client's message after whatever it changed has been stored.
   */
  afterStored(planId: string, stored: () => void) {
    if (this.pending.length === 0) return stored();
    this.pending.push({ planId, update: null, stored, failed: () => {} });
  }

  /** Stores everything waiting now (before a lock, a compaction, a new client's first sync …). */
  flush() {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const updates = batch.filter((entry): entry is PendingUpdate => entry.update !== null);
    let ids: number[];
    const started = performance.now();
    try {
      ids = updates.length > 0 ? appendPlanUpdates(this.db, updates) : [];
      if (updates.length > 0) this.observer?.stored(updates.length, (performance.now() - started) / 1000);
    } catch {
      // One plan's failure must not fail everyone's: store them one by one instead.
      for (const entry of batch) this.storeAlone(entry);
      return;
    }
    // All remembered before anyone is told: what is told may compact, and must see every row.
    updates.forEach((entry, i) => this.remember(entry.planId, ids[i]!));
    for (const entry of batch) entry.stored();
  }

  /** A plan's stored state and every update of it in the journal. */
  load(planId: string): StoredPlanDocument {
    this.flush();
    return loadPlanDocument(this.db, planId, this.rowIds.get(planId) ?? []);
  }

  /** How many of a plan's updates the journal holds. */
  countStored(planId: string): number {
    return this.rowIds.get(planId)?.length ?? 0;
  }

  /**
   * Stores `state` as the plan's compacted state and drops the plan's journal rows, in one
   * transaction. `state` must contain every update of the plan accepted so far; whatever of them
   * still waits is stored first, so its row is dropped with the others.
   */
  compact(planId: string, state: Uint8Array) {
    this.flush();
    const ids = this.rowIds.get(planId) ?? [];
    replacePlanDocument(this.db, planId, state, ids);
    this.rowIds.delete(planId);
  }

  private remember(planId: string, id: number) {
    const ids = this.rowIds.get(planId);
    if (ids) ids.push(id);
    else this.rowIds.set(planId, [id]);
  }

  private storeAlone(entry: Entry) {
    if (entry.update === null) return entry.stored();
    let id: number;
    const started = performance.now();
    try {
      id = appendPlanUpdate(this.db, entry.planId, entry.update);
    } catch (error) {
      this.observer?.failed(1);
      entry.failed(error);
      return;
    }
    this.observer?.stored(1, (performance.now() - started) / 1000);
    this.remember(entry.planId, id);
    entry.stored();
  }
}
