import { and, asc, eq, inArray } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { stockholmToday } from "../school-calendar";
import { commentThreads, comments, groupMembers, people, planSections, plans, subjects, teachingDuties, type Plan } from "../schema";
import { getRelationsToPupil, type RelationToPupil } from "./access";
import { getPlanRole } from "./plans";
import { getActiveTerm } from "./terms";
import type { PlanRole } from "../../app/editor/plan-roles";

/**
 * Comment threads on a plan: who may see, start, answer, resolve and edit what. Every write goes
 * through here and is checked against the writer's relation to the pupil; staff-only threads are
 * filtered out in the query for anyone who is not staff, so they never leave the server.
 */

export const COMMENT_MAX = 2000;
export const QUOTE_MAX = 300;

export interface CommentRights {
  /** Subjects in which this person may start a thread: those they teach the pupil this term. */
  startInSubjects: string[];
  canReply: boolean;
  /** May resolve and reopen any visible thread (the pupil and the mentor); authors always may. */
  canResolveAny: boolean;
  canSeeStaffOnly: boolean;
}

const noRights: CommentRights = { startInSubjects: [], canReply: false, canResolveAny: false, canSeeStaffOnly: false };

/** The subjects a teacher teaches a pupil in a term. */
function subjectsTaught(db: AppDatabase, teacherId: string, pupilId: string, termId: string): string[] {
  return db
    .selectDistinct({ subjectId: teachingDuties.subjectId })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .where(and(eq(teachingDuties.teacherId, teacherId), eq(teachingDuties.termId, termId), eq(groupMembers.pupilId, pupilId)))
    .all()
    .map((r) => r.subjectId);
}

export function getCommentRights(db: AppDatabase, personId: string, plan: Plan, today: string = stockholmToday()): CommentRights {
  const relations = getRelationsToPupil(db, personId, plan.pupilId, today);
  if (relations.length === 0) return noRights;
  const staff = relations.includes("mentor") || relations.includes("teacher");
  // Nothing is written in a plan once it is locked.
  const open = plan.status === "draft";
  return {
    startInSubjects: open && relations.includes("teacher") ? subjectsTaught(db, personId, plan.pupilId, plan.termId) : [],
    canReply: open && (relations.includes("self") || staff),
    canResolveAny: open && (relations.includes("self") || relations.includes("mentor")),
    canSeeStaffOnly: staff,
  };
}

export interface CommentView {
  id: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  author: { id: string; givenName: string; familyName: string; role: PlanRole | null };
}

export interface ThreadView {
  id: string;
  subjectId: string;
  fragment: string;
  anchorKind: "assessment" | "text";
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

/** The threads of a plan that this viewer may see, oldest first, with their comments. */
export function listThreads(db: AppDatabase, plan: Plan, rights: Pick<CommentRights, "canSeeStaffOnly">, today: string = stockholmToday()): ThreadView[] {
  const threads = db
    .select()
    .from(commentThreads)
    .where(and(eq(commentThreads.planId, plan.id), rights.canSeeStaffOnly ? undefined : eq(commentThreads.staffOnly, false)))
    .orderBy(asc(commentThreads.createdAt))
    .all();
  if (threads.length === 0) return [];
  const rows = db
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
    .innerJoin(people, eq(people.id, comments.authorId))
    .where(inArray(comments.threadId, threads.map((t) => t.id)))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .all();
  const roles = new Map<string, PlanRole | null>();
  const roleOf = (authorId: string) => {
    if (!roles.has(authorId)) roles.set(authorId, getPlanRole(getRelationsToPupil(db, authorId, plan.pupilId, today)));
    return roles.get(authorId)!;
  };
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
        author: { id: c.authorId, givenName: c.givenName, familyName: c.familyName, role: roleOf(c.authorId) },
      })),
  }));
}

export type CommentResult<T = object> = ({ ok: true } & T) | { ok: false; error: "notFound" | "forbidden" | "locked" | "invalidAnchor" };

export interface NewThreadInput {
  plan: Plan;
  authorId: string;
  subjectId: string;
  body: string;
  staffOnly: boolean;
  /** Null for a thread about the assessment; otherwise the passage, already checked against the live document. */
  passage: { start: string; end: string; quote: string } | null;
}

/** Starts a thread with its first comment, in one transaction. */
export function startThread(db: AppDatabase, input: NewThreadInput, today: string = stockholmToday()): CommentResult<{ threadId: string }> {
  const rights = getCommentRights(db, input.authorId, input.plan, today);
  if (input.plan.status !== "draft") return { ok: false, error: "locked" };
  if (!rights.startInSubjects.includes(input.subjectId)) return { ok: false, error: "forbidden" };
  const section = db
    .select({ fragment: planSections.fragment })
    .from(planSections)
    .where(and(eq(planSections.planId, input.plan.id), eq(planSections.subjectId, input.subjectId)))
    .get();
  if (!section) return { ok: false, error: "notFound" };
  const now = new Date();
  const threadId = newId();
  db.transaction((tx) => {
    tx.insert(commentThreads)
      .values({
        id: threadId,
        planId: input.plan.id,
        subjectId: input.subjectId,
        fragment: section.fragment,
        anchorKind: input.passage ? "text" : "assessment",
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
  return { ok: true, threadId };
}

/** A thread of this plan that this person may see, or null. */
function getVisibleThread(db: AppDatabase, plan: Plan, threadId: string, rights: CommentRights) {
  const thread = db
    .select()
    .from(commentThreads)
    .where(and(eq(commentThreads.id, threadId), eq(commentThreads.planId, plan.id)))
    .get();
  if (!thread || (thread.staffOnly && !rights.canSeeStaffOnly)) return null;
  return thread;
}

export function replyToThread(
  db: AppDatabase,
  input: { plan: Plan; authorId: string; threadId: string; body: string },
  today: string = stockholmToday(),
): CommentResult {
  const rights = getCommentRights(db, input.authorId, input.plan, today);
  const thread = getVisibleThread(db, input.plan, input.threadId, rights);
  if (!thread) return { ok: false, error: "notFound" };
  if (input.plan.status !== "draft") return { ok: false, error: "locked" };
  if (!rights.canReply) return { ok: false, error: "forbidden" };
  db.insert(comments).values({ id: newId(), threadId: thread.id, authorId: input.authorId, body: input.body, createdAt: new Date() }).run();
  return { ok: true };
}

export function setThreadStatus(
  db: AppDatabase,
  input: { plan: Plan; personId: string; threadId: string; status: "open" | "resolved" },
  today: string = stockholmToday(),
): CommentResult {
  const rights = getCommentRights(db, input.personId, input.plan, today);
  const thread = getVisibleThread(db, input.plan, input.threadId, rights);
  if (!thread) return { ok: false, error: "notFound" };
  if (input.plan.status !== "draft") return { ok: false, error: "locked" };
  const isAuthor = thread.createdBy === input.personId && rights.canReply;
  if (!rights.canResolveAny && !isAuthor) return { ok: false, error: "forbidden" };
  const resolved = input.status === "resolved";
  db.update(commentThreads)
    .set({ status: input.status, resolvedBy: resolved ? input.personId : null, resolvedAt: resolved ? new Date() : null })
    .where(eq(commentThreads.id, thread.id))
    .run();
  return { ok: true };
}

/** Only a comment's author may change it, and only while they can still write in the plan. */
export function editComment(
  db: AppDatabase,
  input: { plan: Plan; personId: string; commentId: string; body: string },
  today: string = stockholmToday(),
): CommentResult {
  const rights = getCommentRights(db, input.personId, input.plan, today);
  const row = db
    .select({ authorId: comments.authorId, threadId: comments.threadId })
    .from(comments)
    .where(eq(comments.id, input.commentId))
    .get();
  const thread = row ? getVisibleThread(db, input.plan, row.threadId, rights) : null;
  if (!row || !thread) return { ok: false, error: "notFound" };
  if (input.plan.status !== "draft") return { ok: false, error: "locked" };
  if (row.authorId !== input.personId || !rights.canReply) return { ok: false, error: "forbidden" };
  db.update(comments).set({ body: input.body, editedAt: new Date() }).where(eq(comments.id, input.commentId)).run();
  return { ok: true };
}

export interface WaitingThread {
  threadId: string;
  planId: string;
  subject: { code: string; languageCode: string | null; nameSv: string; nameEn: string };
  pupil: { givenName: string; familyName: string };
  lastComment: { at: Date; author: { givenName: string; familyName: string } };
}

/**
 * Open threads in this term's plans that wait for a teacher: in a subject they teach that pupil,
 * or one they have written in, where the last word is someone else's.
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
  // A person who has lost their relation to the pupil (a new term, a new group) is not waited for.
  return waiting
    .filter(([, t]) => relationAllowsStaffReading(getRelationsToPupil(db, personId, t.pupilId, today)))
    .map(([threadId, t]) => ({
      threadId,
      planId: t.planId,
      subject: subjectNames.get(t.subjectId)!,
      pupil: names.get(t.pupilId)!,
      lastComment: { at: t.last.at, author: names.get(t.last.authorId)! },
    }))
    .sort((a, b) => b.lastComment.at.getTime() - a.lastComment.at.getTime());
}

function relationAllowsStaffReading(relations: RelationToPupil[]): boolean {
  return relations.includes("teacher") || relations.includes("mentor");
}
