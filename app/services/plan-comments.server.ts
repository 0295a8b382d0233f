import type { AppLoadContext } from "@remix-run/node";
import * as Y from "yjs";
import { z } from "zod";
import { COMMENT_MAX, getComment, getThread, insertReply, insertThread, QUOTE_MAX, updateCommentBody, updateThreadStatus } from "../../db/queries/comments";
import { getPlan, getPupilSubjects, subjectFragment } from "../../db/queries/plans";
import type { AppDatabase } from "../../db/client";
import type { Plan } from "../../db/schema";
import { canComment, type CommentAction } from "~/policies/assessment.server";
import type { PlanGate } from "~/policies/plan.server";
import { parseForm, type Result } from "~/utils/action-result.server";
import { isRelativePositionJson } from "~/shared/collab-protocol";

/**
 * The comment actions of the plan page: parse the form, let the comment policy decide whether
 * this person may do it (app/policies/assessment.server.ts), write through db/queries/comments.ts,
 * and tell open views of the plan — staff-only threads only to the staff's views.
 */

const body = z
  .string({ required_error: "comments.errors.empty" })
  .trim()
  .min(1, "comments.errors.empty")
  .max(COMMENT_MAX, "comments.errors.tooLong");

/** A Yjs relative position as JSON text (Y.relativePositionToJSON), at most a few hundred bytes. */
const relativePosition = z.string().max(500);

export const CommentIntentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("start-thread"),
    subjectId: z.string().min(1).max(64),
    body,
    staffOnly: z.literal("on").optional(),
    anchorStart: relativePosition.optional(),
    anchorEnd: relativePosition.optional(),
    quote: z.string().trim().max(QUOTE_MAX * 4).optional(),
  }),
  // The pupil's question to a subject's teachers: no staff-only field, a question is never that.
  z.object({
    intent: z.literal("ask-teacher"),
    subjectId: z.string().min(1).max(64),
    body,
    anchorStart: relativePosition.optional(),
    anchorEnd: relativePosition.optional(),
    quote: z.string().trim().max(QUOTE_MAX * 4).optional(),
  }),
  z.object({ intent: z.literal("reply"), threadId: z.string().min(1).max(64), body }),
  z.object({ intent: z.literal("resolve"), threadId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("reopen"), threadId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("edit-comment"), commentId: z.string().min(1).max(64), body }),
]);

export type CommentIntent = z.infer<typeof CommentIntentSchema>;

/**
 * Checks that a passage is in the section's text as the server holds it: both ends must decode
 * (a forged or stale position does not) and lie inside the section's fragment, and the passage
 * must not be empty.
 */
export function passageIsInSection(doc: Y.Doc, fragmentName: string, startJson: string, endJson: string): boolean {
  try {
    const fragment = doc.getXmlFragment(fragmentName);
    const ends = [startJson, endJson].map((json) => {
      const value: unknown = JSON.parse(json);
      // The shape Yjs resolves without side effects: a root name other than the section's would
      // make the live document grow a root type of that name.
      if (!isRelativePositionJson(value, (name) => name === fragmentName)) return null;
      return Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(value), doc);
    });
    const inside = ends.every((end) => end !== null && (end.type === fragment || (end.type._item !== null && Y.isParentOf(fragment, end.type._item))));
    const [start, end] = ends;
    const empty = start!.type === end!.type && start!.index >= end!.index;
    return inside && !empty;
  } catch {
    // Malformed JSON or positions pointing at structs the server never received.
    return false;
  }
}

/** A passage of a subject's section as posted, checked against the live document; null when none was posted. */
function checkedPassage(
  context: Pick<AppLoadContext, "collaboration">,
  plan: Plan,
  input: { subjectId: string; anchorStart?: string; anchorEnd?: string; quote?: string },
): { ok: true; passage: { start: string; end: string; quote: string } | null } | { ok: false } {
  if (!input.anchorStart && !input.anchorEnd) return { ok: true, passage: null };
  if (!input.anchorStart || !input.anchorEnd || !input.quote) return { ok: false };
  const section = subjectFragment(input.subjectId);
  const inside = context.collaboration.readDocument(plan.id, plan.pupilId, (doc) => passageIsInSection(doc, section, input.anchorStart!, input.anchorEnd!));
  return inside ? { ok: true, passage: { start: input.anchorStart, end: input.anchorEnd, quote: input.quote.replace(/\s+/g, " ") } } : { ok: false };
}

/**
 * Performs a comment intent for someone the plan policy let in. A thread the person may not see is
 * answered as if it did not exist; once the plan is locked nothing is written.
 */
export function performCommentIntent(
  context: Pick<AppLoadContext, "db" | "collaboration" | "planEvents" | "notificationMail">,
  gate: PlanGate,
  form: FormData,
): Result<{ intent: CommentIntent["intent"] }> & { intent?: string } {
  const parsed = parseForm(form, CommentIntentSchema);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const fail = (error: "notFound" | "forbidden" | "locked" | "invalidAnchor" | "noTeacher") => ({ ok: false as const, error, intent: input.intent });
  // The plan as it is now, in the transaction that writes: the gate read it before the form's body
  // arrived, and a lock in between must not let a comment (part of the signed record) in after it.
  const outcome = context.db.transaction((tx) => {
    const db = tx as unknown as AppDatabase;
    const plan = getPlan(db, gate.plan.id);
    if (!plan) return fail("notFound");
    return writeComment({ ...context, db }, { ...gate, plan }, input);
  });
  if (!outcome.ok) return outcome;
  if (outcome.notify.length > 0) context.notificationMail.request(outcome.notify);
  // Readers who may not see a staff-only thread do not even learn that something happened in one.
  context.planEvents.publish(gate.plan.id, "comments", outcome.staffOnly ? "staff" : "everyone");
  return { ok: true, intent: input.intent };
}

/** The decision and the write of one comment intent, against the plan as read in the caller's transaction. */
function writeComment(
  context: Pick<AppLoadContext, "db" | "collaboration">,
  gate: PlanGate,
  input: CommentIntent,
): { ok: false; error: "notFound" | "forbidden" | "locked" | "invalidAnchor" | "noTeacher"; intent: string } | { ok: true; staffOnly: boolean; notify: string[] } {
  const { db } = context;
  const { plan, relations } = gate;
  const may = (action: CommentAction, extra: { subjectId?: string; authorId?: string } = {}) => canComment({ relations, plan, ...extra }, action);
  const seesStaffOnly = may("seeStaffOnly");
  const visibleThread = (threadId: string) => {
    const thread = getThread(db, plan.id, threadId);
    return thread && (!thread.staffOnly || seesStaffOnly) ? thread : null;
  };
  const fail = (error: "notFound" | "forbidden" | "locked" | "invalidAnchor" | "noTeacher") => ({ ok: false as const, error, intent: input.intent });
  const locked = plan.status !== "draft";
  const done = (staffOnly: boolean, notify: string[] = []) => ({ ok: true as const, staffOnly, notify });

  switch (input.intent) {
    case "start-thread": {
      if (locked) return fail("locked");
      if (!may("startThread", { subjectId: input.subjectId })) return fail("forbidden");
      const checked = checkedPassage(context, plan, input);
      if (!checked.ok) return fail("invalidAnchor");
      const staffOnly = input.staffOnly === "on" && seesStaffOnly;
      const threadId = insertThread(db, { plan, authorId: gate.person.id, subjectId: input.subjectId, body: input.body, staffOnly, passage: checked.passage, about: "assessment" });
      if (!threadId) return fail("notFound");
      return done(staffOnly);
    }
    case "ask-teacher": {
      if (locked) return fail("locked");
      if (!may("askTeacher")) return fail("forbidden");
      // The question goes to whoever teaches her the subject this term; without one there is no one to ask.
      const teachers = getPupilSubjects(db, plan.pupilId, plan.termId).find((s) => s.id === input.subjectId)?.teachers ?? [];
      if (teachers.length === 0) return fail("noTeacher");
      const checked = checkedPassage(context, plan, input);
      if (!checked.ok) return fail("invalidAnchor");
      const threadId = insertThread(db, { plan, authorId: gate.person.id, subjectId: input.subjectId, body: input.body, staffOnly: false, passage: checked.passage, about: "reflection" });
      if (!threadId) return fail("notFound");
      return done(false, teachers.map((t) => t.id));
    }
    case "reply": {
      const thread = visibleThread(input.threadId);
      if (!thread) return fail("notFound");
      if (locked) return fail("locked");
      if (!may("reply")) return fail("forbidden");
      insertReply(db, thread.id, gate.person.id, input.body);
      return done(thread.staffOnly);
    }
    case "resolve":
    case "reopen": {
      const thread = visibleThread(input.threadId);
      if (!thread) return fail("notFound");
      if (locked) return fail("locked");
      if (!may("resolve", { authorId: thread.createdBy })) return fail("forbidden");
      updateThreadStatus(db, thread.id, input.intent === "resolve" ? "resolved" : "open", gate.person.id);
      return done(thread.staffOnly);
    }
    case "edit-comment": {
      const comment = getComment(db, input.commentId);
      const thread = comment ? visibleThread(comment.threadId) : null;
      if (!comment || !thread) return fail("notFound");
      if (locked) return fail("locked");
      if (!may("editComment", { authorId: comment.authorId })) return fail("forbidden");
      updateCommentBody(db, input.commentId, input.body);
      return done(thread.staffOnly);
    }
  }
}
