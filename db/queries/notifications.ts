import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, ne, sql } from "drizzle-orm";
import { preparedQuery } from "../prepared";
import type { AppDatabase } from "../client";
import { assessments, commentThreads, comments, guardianships, notificationStates, people, planReads, planVersions, pupils, schools, signatures, subjects, type NotificationState } from "../schema";

/**
 * What notifications are made from, and each person's notification state. Nothing here decides
 * who is told: app/services/notifications.server.ts asks the policies about every row.
 */

const IDS_PER_STATEMENT = 500;
function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += IDS_PER_STATEMENT) out.push(values.slice(i, i + IDS_PER_STATEMENT));
  return out;
}

const defaults = (personId: string): NotificationState => ({
  personId,
  seenAt: null,
  mailEnabled: true,
  mailedUntil: null,
  lastMailAt: null,
  mailDueAt: null,
});

/** A person's state; the defaults (mail on, nothing seen or sent) when they have none yet. */
export function getNotificationState(db: AppDatabase, personId: string): NotificationState {
  return db.select().from(notificationStates).where(eq(notificationStates.personId, personId)).get() ?? defaults(personId);
}

function upsertState(db: AppDatabase, personId: string, values: Partial<Omit<NotificationState, "personId">>): void {
  db.insert(notificationStates)
    .values({ ...defaults(personId), ...values })
    .onConflictDoUpdate({ target: notificationStates.personId, set: values })
    .run();
}

/** News up to `upTo` has been seen; an earlier mark never moves it back. */
export function markNewsSeen(db: AppDatabase, personId: string, upTo: Date): void {
  const current = getNotificationState(db, personId).seenAt;
  if (current && current.getTime() >= upTo.getTime()) return;
  upsertState(db, personId, { seenAt: upTo });
}

/**
 * Turns the person's mail on or off. Either way nothing already waiting is sent: off clears what
 * was due, and on starts from now (what happened while it was off is on the home page, not mailed).
 */
export function setMailEnabled(db: AppDatabase, personId: string, enabled: boolean, now: Date): void {
  upsertState(db, personId, enabled ? { mailEnabled: true, mailedUntil: now, mailDueAt: null } : { mailEnabled: false, mailDueAt: null });
}

/** Asks for a mail at `at` (an earlier request stands). */
export function requestMailAt(db: AppDatabase, personId: string, at: Date): void {
  const due = getNotificationState(db, personId).mailDueAt;
  if (due && due.getTime() <= at.getTime()) return;
  upsertState(db, personId, { mailDueAt: at });
}

/** People whose mail is due. */
export function getDueMail(db: AppDatabase, now: Date, limit = 200): NotificationState[] {
  return db.select().from(notificationStates).where(lte(notificationStates.mailDueAt, now)).orderBy(notificationStates.mailDueAt).limit(limit).all();
}

/** The earliest time a mail is due, if any is. */
export function getNextMailDue(db: AppDatabase): Date | null {
  return (
    db
      .select({ at: notificationStates.mailDueAt })
      .from(notificationStates)
      .where(isNotNull(notificationStates.mailDueAt))
      .orderBy(asc(notificationStates.mailDueAt))
      .limit(1)
      .get()?.at ?? null
  );
}

/** What was due has been dealt with: everything up to `until` is considered; `mailedAt` when a mail went out. */
export function recordMailDone(db: AppDatabase, personId: string, until: Date, mailedAt: Date | null): void {
  upsertState(db, personId, { mailedUntil: until, mailDueAt: null, ...(mailedAt ? { lastMailAt: mailedAt } : {}) });
}

/** The person has the plan open (its page or its talk view): what happened before is no longer news. */
// Written on every view of a plan: prepared once.
const planRead = preparedQuery((db) =>
  db
    .insert(planReads)
    .values({ personId: sql.placeholder("personId"), planId: sql.placeholder("planId"), readAt: sql.placeholder("readAt") })
    .onConflictDoUpdate({ target: [planReads.personId, planReads.planId], set: { readAt: sql`excluded.read_at` } })
    .prepare(),
);

export function recordPlanRead(db: AppDatabase, personId: string, planId: string, at: Date): void {
  planRead(db).run({ personId, planId, readAt: at });
}

/** When the person last had each of these plans open. */
export function getPlanReads(db: AppDatabase, personId: string, planIds: string[]): Map<string, Date> {
  const reads = new Map<string, Date>();
  for (const chunk of chunks(planIds)) {
    for (const row of db
      .select()
      .from(planReads)
      .where(and(eq(planReads.personId, personId), inArray(planReads.planId, chunk)))
      .all())
      reads.set(row.planId, row.readAt);
  }
  return reads;
}

export interface CommentFact {
  planId: string;
  threadId: string;
  subjectId: string;
  staffOnly: boolean;
  threadStatus: "open" | "resolved";
  threadCreatedBy: string;
  threadCreatedAt: Date;
  commentId: string;
  authorId: string;
  createdAt: Date;
}

/** Comments written in these plans after `since` by someone other than `personId`, oldest first. */
export function getCommentsSince(db: AppDatabase, planIds: string[], since: Date, personId: string): CommentFact[] {
  return chunks(planIds)
    .flatMap((chunk) =>
      db
        .select({
          planId: commentThreads.planId,
          threadId: commentThreads.id,
          subjectId: commentThreads.subjectId,
          staffOnly: commentThreads.staffOnly,
          threadStatus: commentThreads.status,
          threadCreatedBy: commentThreads.createdBy,
          threadCreatedAt: commentThreads.createdAt,
          commentId: comments.id,
          authorId: comments.authorId,
          createdAt: comments.createdAt,
        })
        .from(comments)
        .innerJoin(commentThreads, eq(commentThreads.id, comments.threadId))
        .where(and(inArray(commentThreads.planId, chunk), gt(comments.createdAt, since), ne(comments.authorId, personId)))
        .all(),
    )
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Who has written in each of these threads. */
export function getThreadWriters(db: AppDatabase, threadIds: string[]): Map<string, Set<string>> {
  const writers = new Map<string, Set<string>>();
  for (const chunk of chunks([...new Set(threadIds)])) {
    for (const row of db.selectDistinct({ threadId: comments.threadId, authorId: comments.authorId }).from(comments).where(inArray(comments.threadId, chunk)).all()) {
      const set = writers.get(row.threadId) ?? new Set<string>();
      set.add(row.authorId);
      writers.set(row.threadId, set);
    }
  }
  return writers;
}

/** Assessments of these pupils in these terms changed after `since` by someone other than `personId`. */
export function getAssessmentsChangedSince(db: AppDatabase, pupilTerms: Array<{ pupilId: string; termId: string }>, since: Date, personId: string) {
  if (pupilTerms.length === 0) return [];
  const wanted = new Set(pupilTerms.map((p) => `${p.pupilId}:${p.termId}`));
  return chunks([...new Set(pupilTerms.map((p) => p.pupilId))])
    .flatMap((chunk) =>
      db
        .select({ pupilId: assessments.pupilId, termId: assessments.termId, subjectId: assessments.subjectId, updatedAt: assessments.updatedAt, updatedBy: assessments.updatedBy })
        .from(assessments)
        .where(and(inArray(assessments.pupilId, chunk), gt(assessments.updatedAt, since), ne(assessments.updatedBy, personId)))
        .all(),
    )
    .filter((row) => wanted.has(`${row.pupilId}:${row.termId}`));
}

/** The locked (not yet fully signed) version in force of each of these plans, with who must sign and who has. */
export function getVersionsAwaitingSignatures(db: AppDatabase, planIds: string[]) {
  return chunks(planIds).flatMap((chunk) =>
    db
      .select({ id: planVersions.id, planId: planVersions.planId, version: planVersions.version, lockedAt: planVersions.lockedAt, requiredSigners: planVersions.requiredSigners })
      .from(planVersions)
      .where(and(inArray(planVersions.planId, chunk), eq(planVersions.status, "locked")))
      .all()
      .map((version) => ({
        ...version,
        required: JSON.parse(version.requiredSigners) as Array<{ personId: string; role: "pupil" | "guardian" | "mentor" }>,
        signedBy: new Set(
          db
            .select({ signerId: signatures.signerId })
            .from(signatures)
            .where(eq(signatures.planVersionId, version.id))
            .all()
            .map((s) => s.signerId),
        ),
      })),
  );
}

/** Subjects' names by id. */
export function getSubjectNames(db: AppDatabase, subjectIds: string[]): Map<string, { nameSv: string; nameEn: string }> {
  if (subjectIds.length === 0) return new Map();
  return new Map(
    db
      .select({ id: subjects.id, nameSv: subjects.nameSv, nameEn: subjects.nameEn })
      .from(subjects)
      .where(inArray(subjects.id, [...new Set(subjectIds)]))
      .all()
      .map((s) => [s.id, { nameSv: s.nameSv, nameEn: s.nameEn }]),
  );
}

/** Where and how to write to a person (null when the roster has ended them), and their school's name. */
export function getMailRecipient(db: AppDatabase, personId: string) {
  return (
    db
      .select({ id: people.id, givenName: people.givenName, email: people.email, preferredLocale: people.preferredLocale, schoolId: people.schoolId, schoolName: schools.name })
      .from(people)
      .innerJoin(schools, eq(schools.id, people.schoolId))
      .where(and(eq(people.id, personId), isNull(people.endedAt)))
      .get() ?? null
  );
}

/** The pupils whose family the person is: themselves (a pupil) and the children in their custody. */
export function getFamilyPupilIds(db: AppDatabase, personId: string): string[] {
  const ids = new Set<string>();
  if (db.select({ id: pupils.personId }).from(pupils).where(eq(pupils.personId, personId)).get()) ids.add(personId);
  for (const row of db.select({ id: guardianships.pupilId }).from(guardianships).where(eq(guardianships.guardianId, personId)).all()) ids.add(row.id);
  return [...ids];
}
