import { and, desc, eq, inArray, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { AppDatabase } from "../client";
import {
  groupMembers,
  groups,
  guardianships,
  households,
  importRuns,
  mentorships,
  people,
  pupils,
  schools,
  staff,
  subjects,
  teachingDuties,
  terms,
  type ImportRun,
  type ImportSource,
} from "../schema";

/**
 * What the roster import reads and writes: a school's whole roster at once (to compare with a
 * source), the writes that bring it in line in one transaction, and the import runs.
 */

export interface StoredRoster {
  school: { id: string; sourceId: string | null; name: string; municipality: string } | null;
  people: Array<{
    id: string;
    sourceId: string | null;
    givenName: string;
    familyName: string;
    email: string | null;
    dateOfBirth: string | null;
    protectedIdentity: boolean;
    externalId: string | null;
    householdId: string | null;
    endedAt: Date | null;
    schoolYear: number | null;
    /** Null when the person is not staff. */
    staffAdmin: boolean | null;
    staffTeacher: boolean | null;
  }>;
  households: Array<{ id: string; sourceId: string | null }>;
  groups: Array<{ id: string; sourceId: string | null; name: string; type: "class" | "mentor" | "teaching"; schoolYear: number | null; endedAt: Date | null }>;
  subjects: Array<{ id: string; sourceId: string | null; code: string; languageCode: string | null; nameSv: string; nameEn: string; sortOrder: number }>;
  terms: Array<{ id: string; kind: "HT" | "VT"; year: number; startsOn: string; endsOn: string }>;
  guardianships: Array<{ pupilId: string; guardianId: string }>;
  memberships: Array<{ groupId: string; pupilId: string }>;
  mentorships: Array<{ groupId: string; mentorId: string }>;
  duties: Array<{ id: string; termId: string; subjectId: string; groupId: string; teacherId: string; sourceId: string | null }>;
}

/** The school's roster as stored (an empty one when there is no such school yet). */
export function getStoredRoster(db: AppDatabase, schoolId: string): StoredRoster {
  const school = db.select({ id: schools.id, sourceId: schools.sourceId, name: schools.name, municipality: schools.municipality }).from(schools).where(eq(schools.id, schoolId)).get() ?? null;
  const schoolGroups = db.select({ id: groups.id }).from(groups).where(eq(groups.schoolId, schoolId));
  const schoolPeople = db.select({ id: people.id }).from(people).where(eq(people.schoolId, schoolId));
  return {
    school,
    people: db
      .select({
        id: people.id,
        sourceId: people.sourceId,
        givenName: people.givenName,
        familyName: people.familyName,
        email: people.email,
        dateOfBirth: people.dateOfBirth,
        protectedIdentity: people.protectedIdentity,
        externalId: people.externalId,
        householdId: people.householdId,
        endedAt: people.endedAt,
        schoolYear: pupils.schoolYear,
        staffAdmin: staff.isAdmin,
        staffTeacher: staff.isTeacher,
      })
      .from(people)
      .leftJoin(pupils, eq(pupils.personId, people.id))
      .leftJoin(staff, eq(staff.personId, people.id))
      .where(eq(people.schoolId, schoolId))
      .all(),
    households: db.select({ id: households.id, sourceId: households.sourceId }).from(households).where(eq(households.schoolId, schoolId)).all(),
    groups: db
      .select({ id: groups.id, sourceId: groups.sourceId, name: groups.name, type: groups.type, schoolYear: groups.schoolYear, endedAt: groups.endedAt })
      .from(groups)
      .where(eq(groups.schoolId, schoolId))
      .all(),
    subjects: db
      .select({ id: subjects.id, sourceId: subjects.sourceId, code: subjects.code, languageCode: subjects.languageCode, nameSv: subjects.nameSv, nameEn: subjects.nameEn, sortOrder: subjects.sortOrder })
      .from(subjects)
      .where(eq(subjects.schoolId, schoolId))
      .all(),
    terms: db.select({ id: terms.id, kind: terms.kind, year: terms.year, startsOn: terms.startsOn, endsOn: terms.endsOn }).from(terms).where(eq(terms.schoolId, schoolId)).all(),
    guardianships: db.select().from(guardianships).where(inArray(guardianships.pupilId, schoolPeople)).all(),
    memberships: db.select().from(groupMembers).where(inArray(groupMembers.groupId, schoolGroups)).all(),
    mentorships: db.select().from(mentorships).where(inArray(mentorships.groupId, schoolGroups)).all(),
    duties: db
      .select({ id: teachingDuties.id, termId: teachingDuties.termId, subjectId: teachingDuties.subjectId, groupId: teachingDuties.groupId, teacherId: teachingDuties.teacherId, sourceId: teachingDuties.sourceId })
      .from(teachingDuties)
      .where(inArray(teachingDuties.groupId, schoolGroups))
      .all(),
  };
}

/** E-mail addresses (sign-in names) already held by someone the import does not manage: people of
 * other schools, or of this school made before the importer (no source id). */
export function getEmailsHeldElsewhere(db: AppDatabase, schoolId: string, emails: string[]): Set<string> {
  const held = new Set<string>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = db
      .select({ email: people.email })
      .from(people)
      .where(and(or(ne(people.schoolId, schoolId), isNull(people.sourceId)), isNotNull(people.email), inArray(people.email, emails.slice(i, i + 500))))
      .all();
    for (const row of rows) held.add(row.email!);
  }
  return held;
}

type Insert<T extends { $inferInsert: unknown }> = T["$inferInsert"];

/** Everything an import changes, in the order it is written. */
export interface RosterWrites {
  schoolInsert: Insert<typeof schools> | null;
  schoolUpdate: { id: string; set: Partial<Insert<typeof schools>> } | null;
  termInserts: Array<Insert<typeof terms>>;
  termUpdates: Array<{ id: string; startsOn: string; endsOn: string }>;
  subjectInserts: Array<Insert<typeof subjects>>;
  subjectUpdates: Array<{ id: string; set: Partial<Insert<typeof subjects>> }>;
  householdInserts: Array<Insert<typeof households>>;
  /** People whose e-mail or external id moves: cleared first, so that two can swap. */
  peopleReleases: Array<{ id: string; email: boolean; externalId: boolean }>;
  peopleInserts: Array<Insert<typeof people>>;
  peopleUpdates: Array<{ id: string; set: Partial<Insert<typeof people>> }>;
  pupilInserts: Array<Insert<typeof pupils>>;
  pupilUpdates: Array<{ personId: string; schoolYear: number }>;
  staffInserts: Array<Insert<typeof staff>>;
  staffUpdates: Array<{ personId: string; admin: boolean; teacher: boolean }>;
  groupInserts: Array<Insert<typeof groups>>;
  groupUpdates: Array<{ id: string; set: Partial<Insert<typeof groups>> }>;
  dutyDeletes: string[];
  mentorshipDeletes: Array<{ groupId: string; mentorId: string }>;
  membershipDeletes: Array<{ groupId: string; pupilId: string }>;
  guardianshipDeletes: Array<{ pupilId: string; guardianId: string }>;
  /** Staff whose role has ended (after their duties and mentorships are gone). */
  staffDeletes: string[];
  guardianshipInserts: Array<Insert<typeof guardianships>>;
  membershipInserts: Array<Insert<typeof groupMembers>>;
  mentorshipInserts: Array<Insert<typeof mentorships>>;
  dutyInserts: Array<Insert<typeof teachingDuties>>;
  dutyUpdates: Array<{ id: string; sourceId: string }>;
  /** Households nobody lives in any more. */
  householdDeletes: string[];
}

export const emptyWrites = (): RosterWrites => ({
  schoolInsert: null,
  schoolUpdate: null,
  termInserts: [],
  termUpdates: [],
  subjectInserts: [],
  subjectUpdates: [],
  householdInserts: [],
  peopleReleases: [],
  peopleInserts: [],
  peopleUpdates: [],
  pupilInserts: [],
  pupilUpdates: [],
  staffInserts: [],
  staffUpdates: [],
  groupInserts: [],
  groupUpdates: [],
  dutyDeletes: [],
  mentorshipDeletes: [],
  membershipDeletes: [],
  guardianshipDeletes: [],
  staffDeletes: [],
  guardianshipInserts: [],
  membershipInserts: [],
  mentorshipInserts: [],
  dutyInserts: [],
  dutyUpdates: [],
  householdDeletes: [],
});

function chunks<T>(rows: T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Writes an import's changes. Runs inside the caller's transaction; returns the number of rows
 * written (SQLite's own count), which is 0 when the source said nothing new.
 */
export function writeRosterChanges(db: AppDatabase, w: RosterWrites): number {
  let written = 0;
  const count = (result: { changes: number }) => (written += result.changes);
  if (w.schoolInsert) count(db.insert(schools).values(w.schoolInsert).run());
  if (w.schoolUpdate) count(db.update(schools).set(w.schoolUpdate.set).where(eq(schools.id, w.schoolUpdate.id)).run());
  for (const rows of chunks(w.termInserts)) count(db.insert(terms).values(rows).run());
  for (const t of w.termUpdates) count(db.update(terms).set({ startsOn: t.startsOn, endsOn: t.endsOn }).where(eq(terms.id, t.id)).run());
  for (const rows of chunks(w.subjectInserts)) count(db.insert(subjects).values(rows).run());
  for (const s of w.subjectUpdates) count(db.update(subjects).set(s.set).where(eq(subjects.id, s.id)).run());
  for (const rows of chunks(w.householdInserts)) count(db.insert(households).values(rows).run());
  for (const r of w.peopleReleases) {
    count(db.update(people).set({ ...(r.email ? { email: null } : {}), ...(r.externalId ? { externalId: null } : {}) }).where(eq(people.id, r.id)).run());
  }
  for (const rows of chunks(w.peopleInserts)) count(db.insert(people).values(rows).run());
  for (const p of w.peopleUpdates) count(db.update(people).set(p.set).where(eq(people.id, p.id)).run());
  for (const rows of chunks(w.pupilInserts)) count(db.insert(pupils).values(rows).run());
  for (const p of w.pupilUpdates) count(db.update(pupils).set({ schoolYear: p.schoolYear }).where(eq(pupils.personId, p.personId)).run());
  for (const rows of chunks(w.staffInserts)) count(db.insert(staff).values(rows).run());
  for (const s of w.staffUpdates) count(db.update(staff).set({ isAdmin: s.admin, isTeacher: s.teacher }).where(eq(staff.personId, s.personId)).run());
  for (const rows of chunks(w.groupInserts)) count(db.insert(groups).values(rows).run());
  for (const g of w.groupUpdates) count(db.update(groups).set(g.set).where(eq(groups.id, g.id)).run());
  for (const ids of chunks(w.dutyDeletes, 500)) count(db.delete(teachingDuties).where(inArray(teachingDuties.id, ids)).run());
  for (const m of w.mentorshipDeletes) count(db.delete(mentorships).where(and(eq(mentorships.groupId, m.groupId), eq(mentorships.mentorId, m.mentorId))).run());
  for (const m of w.membershipDeletes) count(db.delete(groupMembers).where(and(eq(groupMembers.groupId, m.groupId), eq(groupMembers.pupilId, m.pupilId))).run());
  for (const g of w.guardianshipDeletes) count(db.delete(guardianships).where(and(eq(guardianships.pupilId, g.pupilId), eq(guardianships.guardianId, g.guardianId))).run());
  for (const ids of chunks(w.staffDeletes, 500)) count(db.delete(staff).where(inArray(staff.personId, ids)).run());
  for (const rows of chunks(w.guardianshipInserts)) count(db.insert(guardianships).values(rows).run());
  for (const rows of chunks(w.membershipInserts)) count(db.insert(groupMembers).values(rows).run());
  for (const rows of chunks(w.mentorshipInserts)) count(db.insert(mentorships).values(rows).run());
  for (const rows of chunks(w.dutyInserts)) count(db.insert(teachingDuties).values(rows).run());
  for (const d of w.dutyUpdates) count(db.update(teachingDuties).set({ sourceId: d.sourceId }).where(eq(teachingDuties.id, d.id)).run());
  for (const ids of chunks(w.householdDeletes, 500)) count(db.delete(households).where(inArray(households.id, ids)).run());
  return written;
}

/** Keeps a dry run (pending), replacing the school's earlier pending one. */
export function savePendingRun(db: AppDatabase, run: Omit<typeof importRuns.$inferInsert, "status">): void {
  db.transaction((tx) => {
    tx.delete(importRuns).where(and(eq(importRuns.schoolId, run.schoolId), eq(importRuns.status, "pending"))).run();
    tx.insert(importRuns).values({ ...run, status: "pending" }).run();
  });
}

export function getImportRun(db: AppDatabase, runId: string): ImportRun | null {
  return db.select().from(importRuns).where(eq(importRuns.id, runId)).get() ?? null;
}

/** Marks a run applied with what it changed; the roster it read is not kept. */
export function markRunApplied(db: AppDatabase, run: { id: string; appliedAt: Date; writes: number; changes: string; fingerprint: string }): void {
  db.update(importRuns)
    .set({ status: "applied", appliedAt: run.appliedAt, writes: run.writes, changes: run.changes, fingerprint: run.fingerprint, snapshot: null })
    .where(eq(importRuns.id, run.id))
    .run();
}

/** Records an import applied straight away (the demo seed, the command line). */
export function insertAppliedRun(db: AppDatabase, run: { id: string; schoolId: string; actorId: string | null; source: ImportSource; at: Date; writes: number; changes: string; fingerprint: string }): void {
  db.insert(importRuns)
    .values({ id: run.id, schoolId: run.schoolId, actorId: run.actorId, source: run.source, status: "applied", createdAt: run.at, appliedAt: run.at, writes: run.writes, changes: run.changes, fingerprint: run.fingerprint })
    .run();
}

/** The school's applied imports, newest first, with who ran them. */
export function listAppliedRuns(db: AppDatabase, schoolId: string, limit = 20) {
  return db
    .select({ id: importRuns.id, source: importRuns.source, appliedAt: importRuns.appliedAt, writes: importRuns.writes, changes: importRuns.changes, actorGiven: people.givenName, actorFamily: people.familyName })
    .from(importRuns)
    .leftJoin(people, eq(people.id, importRuns.actorId))
    .where(and(eq(importRuns.schoolId, schoolId), eq(importRuns.status, "applied")))
    .orderBy(desc(importRuns.appliedAt))
    .limit(limit)
    .all();
}

export function findSchoolBySource(db: AppDatabase, sourceId: string): { id: string } | null {
  return db.select({ id: schools.id }).from(schools).where(eq(schools.sourceId, sourceId)).get() ?? null;
}

/** The school as the import pages need it: which source it is bound to, its name and terms. */
export function getSchoolForImport(db: AppDatabase, schoolId: string) {
  const school = db.select({ sourceId: schools.sourceId, name: schools.name, municipality: schools.municipality }).from(schools).where(eq(schools.id, schoolId)).get();
  if (!school) return null;
  return { ...school, terms: db.select({ kind: terms.kind, year: terms.year, startsOn: terms.startsOn, endsOn: terms.endsOn }).from(terms).where(eq(terms.schoolId, schoolId)).all() };
}
