import type { AppDatabase } from "../../../db/client";
import { newId } from "../../../db/ids";
import {
  findSchoolBySource,
  getEmailsHeldElsewhere,
  getImportRun,
  getStoredRoster,
  insertAppliedRun,
  markRunApplied,
  savePendingRun,
  writeRosterChanges,
} from "../../../db/queries/roster-import";
import type { ImportSource } from "../../../db/schema";
import { planImport, type ImportChanges, type ImportPlan } from "./plan.server";
import type { Roster, RosterProblem } from "./roster";

/**
 * The one way roster data gets in: read a roster from a source, show what it would change (a
 * dry run, kept as a pending import run), apply exactly that in one transaction, record who did
 * it, when and what changed. The demo seed and the command line apply straight away through the
 * same steps.
 */

function plan(db: AppDatabase, schoolId: string, roster: Roster, now: Date): ImportPlan {
  const stored = getStoredRoster(db, schoolId);
  const emails = [...new Set(roster.people.flatMap((p) => (p.email ? [p.email] : [])))];
  return planImport(stored, roster, { schoolId, now, emailsHeldElsewhere: getEmailsHeldElsewhere(db, schoolId, emails) });
}

export type DryRun = { ok: true; runId: string; changes: ImportChanges } | { ok: false; error: "importProblems"; problems: RosterProblem[] };

/** Works out what importing the roster would change, and keeps it for the admin to apply. */
export function prepareImport(db: AppDatabase, input: { schoolId: string; actorId: string; source: ImportSource; roster: Roster; now?: Date }): DryRun {
  const now = input.now ?? new Date();
  const planned = plan(db, input.schoolId, input.roster, now);
  if (planned.changes.problems.length > 0) return { ok: false, error: "importProblems", problems: planned.changes.problems };
  const runId = newId();
  savePendingRun(db, {
    id: runId,
    schoolId: input.schoolId,
    actorId: input.actorId,
    source: input.source,
    createdAt: now,
    snapshot: JSON.stringify(input.roster),
    fingerprint: planned.fingerprint,
    changes: JSON.stringify(planned.changes),
  });
  return { ok: true, runId, changes: planned.changes };
}

/** A pending dry run of the school, as the admin saw it. */
export function getPendingImport(db: AppDatabase, schoolId: string, runId: string): { runId: string; source: ImportSource; changes: ImportChanges } | null {
  const run = getImportRun(db, runId);
  if (!run || run.schoolId !== schoolId || run.status !== "pending") return null;
  return { runId: run.id, source: run.source, changes: JSON.parse(run.changes) as ImportChanges };
}

export type Applied =
  | { ok: true; changes: ImportChanges; writes: number; affectedPupilIds: string[] }
  | { ok: false; error: "notFound" }
  | { ok: false; error: "importChanged"; runId: string; changes: ImportChanges }
  | { ok: false; error: "importProblems"; problems: RosterProblem[] };

/**
 * Applies a pending dry run. The roster is compared again inside the transaction: if the stored
 * roster moved in between so that the changes are no longer the ones shown, nothing is written
 * and the new dry run is shown instead.
 */
export function applyImport(db: AppDatabase, input: { schoolId: string; runId: string; now?: Date }): Applied {
  const now = input.now ?? new Date();
  return db.transaction((tx) => {
    const run = getImportRun(tx as unknown as AppDatabase, input.runId);
    if (!run || run.schoolId !== input.schoolId || run.status !== "pending" || !run.snapshot) return { ok: false as const, error: "notFound" as const };
    const roster = JSON.parse(run.snapshot) as Roster;
    const planned = plan(tx as unknown as AppDatabase, input.schoolId, roster, now);
    if (planned.changes.problems.length > 0) return { ok: false as const, error: "importProblems" as const, problems: planned.changes.problems };
    if (planned.fingerprint !== run.fingerprint) {
      const runId = newId();
      savePendingRun(tx as unknown as AppDatabase, { ...run, id: runId, createdAt: now, fingerprint: planned.fingerprint, changes: JSON.stringify(planned.changes) });
      return { ok: false as const, error: "importChanged" as const, runId, changes: planned.changes };
    }
    const writes = writeRosterChanges(tx as unknown as AppDatabase, planned.writes);
    markRunApplied(tx as unknown as AppDatabase, { id: run.id, appliedAt: now, writes, changes: JSON.stringify(planned.changes), fingerprint: planned.fingerprint });
    return { ok: true as const, changes: planned.changes, writes, affectedPupilIds: planned.affectedPupilIds };
  });
}

/**
 * Imports a roster at once, without a dry run (the demo seed, the command line, benchmarks):
 * into the school bound to the roster's school unit, or a new school for it.
 */
export function importRosterNow(
  db: AppDatabase,
  input: { roster: Roster; source: ImportSource; actorId?: string | null; schoolId?: string; now?: Date; dryRun?: boolean },
): { ok: true; schoolId: string; changes: ImportChanges; writes: number; affectedPupilIds: string[] } | { ok: false; problems: RosterProblem[] } {
  const now = input.now ?? new Date();
  return db.transaction((tx) => {
    const t = tx as unknown as AppDatabase;
    const schoolId = input.schoolId ?? findSchoolBySource(t, input.roster.school.sourceId)?.id ?? newId();
    const planned = plan(t, schoolId, input.roster, now);
    if (planned.changes.problems.length > 0) return { ok: false as const, problems: planned.changes.problems };
    if (input.dryRun) return { ok: true as const, schoolId, changes: planned.changes, writes: 0, affectedPupilIds: planned.affectedPupilIds };
    const writes = writeRosterChanges(t, planned.writes);
    insertAppliedRun(t, { id: newId(), schoolId, actorId: input.actorId ?? null, source: input.source, at: now, writes, changes: JSON.stringify(planned.changes), fingerprint: planned.fingerprint });
    return { ok: true as const, schoolId, changes: planned.changes, writes, affectedPupilIds: planned.affectedPupilIds };
  });
}
