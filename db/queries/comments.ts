import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { preparedQuery } from "../prepared";
import { stockholmToday } from "../school-calendar";
import { commentThreads, comments, groupMembers, people, planSections, plans, subjects, teachingDuties, type Plan } from "../schema";
import { getActiveTerm } from "./terms";

/**
 * Comment threads on a plan, read and written. Who may do what is the comment policy's
 * (app/policies/assessment.server.ts); staff-only threads are left out in the query for a reader
 * the policy does not let see them, so they never leave the server.
 */

export const COMMENT_MAX = 2000;
export const QUOTE_MAX = 300;

export interface CommentView {
  id: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  author: { id: string; givenName: string; familyName: string };
}

export interface ThreadView {
  id: string;
  subjectId: string;
  fragment: string;
  anchorKind: "assessment" | "text" | "reflection";
  anchorStart: string | null;
  anchorEnd: string | null;
  quote: string | null;
  staffOnly: boolean;
  status: "open" | "resolved";
  createdBy: string;
  createdAt: Date;
  resolvedAt: Date | null;
  comments: CommentView[];
}

const planThreads = preparedQuery((db) =>
  db
    .select()
    .from(commentThreads)
    .where(eq(commentThreads.planId, sql.placeholder("planId")))
    .orderBy(asc(commentThreads.createdAt))
    .prepare(),
);

const planComments = preparedQuery((db) =>
  db
    .select({
      id: comments.id,
      threadId: comments.threadId,
      body: comments.body,
      createdAt: comments.createdAt,
      editedAt: comments.editedAt,
      authorId: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
    })
    .from(comments)
    .innerJoin(commentThreads, eq(commentThreads.id, comments.threadId))
    .innerJoin(people, eq(people.id, comments.authorId))
    .where(eq(commentThreads.planId, sql.placeholder("planId")))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .prepare(),
);

/** The threads of a plan, oldest first, with their comments; staff-only ones only when asked. */
export function listThreads(db: AppDatabase, plan: Pick<Plan, "id">, scope: { includeStaffOnly: boolean }): ThreadView[] {
  const threads = planThreads(db)
    .all({ planId: plan.id })
    .filter((t) => scope.includeStaffOnly || !t.staffOnly);
  if (threads.length === 0) return [];
  const rows = planComments(db).all({ planId: plan.id });
  return threads.map((t) => ({
    id: t.id,
    subjectId: t.subjectId,
    fragment: t.fragment,
    anchorKind: t.anchorKind,
    anchorStart: t.anchorStart,
    anchorEnd: t.anchorEnd,
    quote: t.quote,
    staffOnly: t.staffOnly,
    status: t.status,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    resolvedAt: t.resolvedAt,
    comments: rows
      .filter((c) => c.threadId === t.id)
      .map((c) => ({
        id: c.id,
        body: c.body,
        createdAt: c.createdAt,
        editedAt: c.editedAt,
        author: { id: c.authorId, givenName: c.givenName, familyName: c.familyName },
      })),
  }));
}

export interface NewThreadInput {
  plan: Plan;
  authorId: string;
  subjectId: string;
  body: string;
  staffOnly: boolean;
  /** The passage, already checked against the live document; null for a thread about `about`. */
  passage: { start: string; end: string; quote: string } | null;
  /** What a thread without a passage is about: the assessment, or (a pupil's question) her whole reflection. */
  about: "assessment" | "reflection";
}

/** Starts a thread with its first comment, in one transaction; null when the plan has no section for the subject. */
export function insertThread(db: AppDatabase, input: NewThreadInput): string | null {
  const section = db
    .select({ fragment: planSections.fragment })
    .from(planSections)
    .where(and(eq(planSections.planId, input.plan.id), eq(planSections.subjectId, input.subjectId)))
    .get();
  if (!section) return null;
  const now = new Date();
  const threadId = newId();
  db.transaction((tx) => {
    tx.insert(commentThreads)
      .values({
        id: threadId,
        planId: input.plan.id,
        subjectId: input.subjectId,
        fragment: section.fragment,
        anchorKind: input.passage ? "text" : input.about,
        anchorStart: input.passage?.start ?? null,
        anchorEnd: input.passage?.end ?? null,
        quote: input.passage ? input.passage.quote.slice(0, QUOTE_MAX) : null,
        staffOnly: input.staffOnly,
        createdBy: input.authorId,
        createdAt: now,
      })
      .run();
    tx.insert(comments).values({ id: newId(), threadId, authorId: input.authorId, body: input.body, createdAt: now }).run();
  });
  return threadId;
}

/** A thread of this plan, or null. */
export function getThread(db: AppDatabase, planId: string, threadId: string) {
  return db
    .select()
    .from(commentThreads)
    .where(and(eq(commentThreads.id, threadId), eq(commentThreads.planId, planId)))
    .get() ?? null;
}

export function insertReply(db: AppDatabase, threadId: string, authorId: string, body: string): void {
  db.insert(comments).values({ id: newId(), threadId, authorId, body, createdAt: new Date() }).run();
}

export function updateThreadStatus(db: AppDatabase, threadId: string, status: "open" | "resolved", personId: string): void {
  const resolved = status === "resolved";
  db.update(commentThreads)
    .set({ status, resolvedBy: resolved ? personId : null, resolvedAt: resolved ? new Date() : null })
    .where(eq(commentThreads.id, threadId))
    .run();
}

/** A comment's author and thread, or null. */
export function getComment(db: AppDatabase, commentId: string) {
  return db.select({ authorId: comments.authorId, threadId: comments.threadId }).from(comments).where(eq(comments.id, commentId)).get() ?? null;
}

export function updateCommentBody(db: AppDatabase, commentId: string, body: string): void {
  db.update(comments).set({ body, editedAt: new Date() }).where(eq(comments.id, commentId)).run();
}

export interface WaitingThread {
  threadId: string;
  planId: string;
  subject: { code: string; languageCode: string | null; nameSv: string; nameEn: string };
  pupilId: string;
  pupil: { givenName: string; familyName: string };
  lastComment: { at: Date; author: { givenName: string; familyName: string } };
}

/**
 * Open threads in this term's plans that wait for a teacher: in a subject they teach that pupil,
 * or one they have written in, where the last word is someone else's. The caller keeps those of
 * pupils the person still works with (a new term or group ends that).
 */
export function getThreadsWaitingFor(db: AppDatabase, personId: string, schoolId: string, today: string = stockholmToday()): WaitingThread[] {
  const term = getActiveTerm(db, schoolId, today);
  if (!term) return [];
  const taught = new Set(
    db
      .selectDistinct({ pupilId: groupMembers.pupilId, subjectId: teachingDuties.subjectId })
      .from(teachingDuties)
      .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
      .where(and(eq(teachingDuties.teacherId, personId), eq(teachingDuties.termId, term.id)))
      .all()
      .map((r) => `${r.pupilId}:${r.subjectId}`),
  );
  const rows = db
    .select({
      threadId: commentThreads.id,
      planId: plans.id,
      pupilId: plans.pupilId,
      subjectId: commentThreads.subjectId,
      commentAuthor: comments.authorId,
      commentAt: comments.createdAt,
    })
    .from(commentThreads)
    .innerJoin(plans, eq(plans.id, commentThreads.planId))
    .innerJoin(comments, eq(comments.threadId, commentThreads.id))
    .where(and(eq(plans.termId, term.id), eq(commentThreads.status, "open"), eq(plans.status, "draft")))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .all();
  const byThread = new Map<string, { planId: string; pupilId: string; subjectId: string; authors: Set<string>; last: { authorId: string; at: Date } }>();
  for (const r of rows) {
    const entry = byThread.get(r.threadId) ?? { planId: r.planId, pupilId: r.pupilId, subjectId: r.subjectId, authors: new Set<string>(), last: { authorId: r.commentAuthor, at: r.commentAt } };
    entry.authors.add(r.commentAuthor);
    entry.last = { authorId: r.commentAuthor, at: r.commentAt };
    byThread.set(r.threadId, entry);
  }
  const waiting = [...byThread.entries()].filter(
    ([, t]) => t.last.authorId !== personId && (taught.has(`${t.pupilId}:${t.subjectId}`) || t.authors.has(personId)),
  );
  if (waiting.length === 0) return [];
  const names = new Map(
    db
      .select({ id: people.id, givenName: people.givenName, familyName: people.familyName })
      .from(people)
      .where(inArray(people.id, [...new Set(waiting.flatMap(([, t]) => [t.pupilId, t.last.authorId]))]))
      .all()
      .map((p) => [p.id, { givenName: p.givenName, familyName: p.familyName }]),
  );
  const subjectNames = new Map(
    db
      .select({ id: subjects.id, code: subjects.code, languageCode: subjects.languageCode, nameSv: subjects.nameSv, nameEn: subjects.nameEn })
      .from(subjects)
      .where(inArray(subjects.id, [...new Set(waiting.map(([, t]) => t.subjectId))]))
      .all()
      .map((s) => [s.id, { code: s.code, languageCode: s.languageCode, nameSv: s.nameSv, nameEn: s.nameEn }]),
  );
  return waiting
    .map(([threadId, t]) => ({
      threadId,
      planId: t.planId,
      pupilId: t.pupilId,
      subject: subjectNames.get(t.subjectId)!,
      pupil: names.get(t.pupilId)!,
      lastComment: { at: t.last.at, author: names.get(t.last.authorId)! },
    }))
    .sort((a, b) => b.lastComment.at.getTime() - a.lastComment.at.getTime());
}
