import type { AppLoadContext } from "@remix-run/node";
import * as Y from "yjs";
import { z } from "zod";
import { COMMENT_MAX, editComment, QUOTE_MAX, replyToThread, setThreadStatus, startThread, type CommentResult } from "../../db/queries/comments";
import { subjectFragment } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import type { Plan } from "../../db/schema";
import { isRelativePositionJson } from "~/shared/collab-protocol";

/**
 * The comment actions of the plan page: parse the form, let db/queries/comments.ts decide whether
 * this person may do it, and tell open views of the plan. Errors come back as i18n keys.
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
  z.object({ intent: z.literal("reply"), threadId: z.string().min(1).max(64), body }),
  z.object({ intent: z.literal("resolve"), threadId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("reopen"), threadId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("edit-comment"), commentId: z.string().min(1).max(64), body }),
]);

export type CommentIntent = z.infer<typeof CommentIntentSchema>;

export type CommentActionResult =
  | { ok: true; intent: CommentIntent["intent"] }
  | { ok: false; status: 400 | 403 | 404 | 409; error: string; intent?: string; fieldErrors?: Record<string, string[]> };

const statusOf: Record<Exclude<CommentResult, { ok: true }>["error"], 400 | 403 | 404 | 409> = {
  notFound: 404,
  forbidden: 403,
  locked: 409,
  invalidAnchor: 400,
};

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

export function performCommentIntent(
  context: AppLoadContext,
  person: SignedInPerson,
  plan: Plan,
  fields: Record<string, FormDataEntryValue>,
): CommentActionResult {
  const parsed = CommentIntentSchema.safeParse(fields);
  if (!parsed.success) {
    const fieldErrors = parsed.error.flatten().fieldErrors as Record<string, string[]>;
    return { ok: false, status: 400, error: "comments.errors.invalid", fieldErrors, intent: typeof fields.intent === "string" ? fields.intent : undefined };
  }
  const input = parsed.data;
  const { db } = context;
  let result: CommentResult;
  switch (input.intent) {
    case "start-thread": {
      let passage: { start: string; end: string; quote: string } | null = null;
      if (input.anchorStart || input.anchorEnd) {
        if (!input.anchorStart || !input.anchorEnd || !input.quote) return invalidAnchor(input.intent);
        const section = subjectFragment(input.subjectId);
        const ok = context.collaboration.readDocument(plan.id, plan.pupilId, (doc) => passageIsInSection(doc, section, input.anchorStart!, input.anchorEnd!));
        if (!ok) return invalidAnchor(input.intent);
        passage = { start: input.anchorStart, end: input.anchorEnd, quote: input.quote.replace(/\s+/g, " ") };
      }
      result = startThread(db, { plan, authorId: person.id, subjectId: input.subjectId, body: input.body, staffOnly: input.staffOnly === "on", passage });
      break;
    }
    case "reply":
      result = replyToThread(db, { plan, authorId: person.id, threadId: input.threadId, body: input.body });
      break;
    case "resolve":
    case "reopen":
      result = setThreadStatus(db, { plan, personId: person.id, threadId: input.threadId, status: input.intent === "resolve" ? "resolved" : "open" });
      break;
    case "edit-comment":
      result = editComment(db, { plan, personId: person.id, commentId: input.commentId, body: input.body });
      break;
  }
  if (!result.ok) return { ok: false, status: statusOf[result.error], error: `comments.errors.${result.error}`, intent: input.intent };
  context.planEvents.publish(plan.id, "comments");
  return { ok: true, intent: input.intent };
}

function invalidAnchor(intent: string): CommentActionResult {
  return { ok: false, status: 400, error: "comments.errors.invalidAnchor", intent };
}
