import type { AppDatabase } from "../../db/client";
import { appendPlanUpdate, appendPlanUpdates } from "../../db/queries/plan-documents";

interface PendingUpdate {
  planId: string;
  update: Uint8Array;
  /** Runs once the update is on disk (the caller broadcasts it then, never before). */
  stored(id: number): void;
  failed(error: unknown): void;
}

/**
 * Stores accepted updates in one transaction per turn of the event loop (group commit), then
 * runs what waited for them, in order. A commit costs about as much as an update's whole
 * journey through the server; at a school's peak hundreds of keystrokes arrive per turn, so one
 * commit for all of them leaves the time for the typing. Nothing waits longer than the turn.
 */
export class UpdateJournal {
  private pending: PendingUpdate[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly db: AppDatabase) {}

  append(entry: PendingUpdate) {
    this.pending.push(entry);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Stores everything waiting now (before a lock, a compaction, a new client's first sync …). */
  flush() {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let ids: number[];
    try {
      ids = appendPlanUpdates(this.db, batch);
    } catch {
      // One plan's failure must not fail everyone's: store them one by one instead.
      for (const entry of batch) this.storeAlone(entry);
      return;
    }
    batch.forEach((entry, i) => entry.stored(ids[i]!));
  }

  private storeAlone(entry: PendingUpdate) {
    let id: number;
    try {
      id = appendPlanUpdate(this.db, entry.planId, entry.update);
    } catch (error) {
      entry.failed(error);
      return;
    }
    entry.stored(id);
  }
}
