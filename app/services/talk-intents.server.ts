import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import type { SignedInPerson } from "../../db/queries/roster";
import {
  addUnavailability,
  bookOneToOne,
  chooseOtherSitting,
  confirmTalk,
  getTalkDetails,
  getTalkEvent,
  markInvited,
  movePupil,
  replaceEventPupils,
  updateSitting,
  type TalkDayError,
} from "./talk-days.server";
import { acknowledgeCall, callTeacher, getMentorsOfPupil, recordIdentityCheck, setAgendaSection, startTalkClock, type TalkLiveError } from "./talk-live.server";
import { deliverMessages, queueTalkMessages, type TalkMailKind } from "./talk-mail.server";

/**
 * The form intents on a talk (the pupil's talk view and the guardian's answer) and on a call.
 * Each is parsed here, decided in talk-days/talk-live, and then the people concerned are told:
 * open views of the plan through the plan events, teachers and mentors wherever they are through
 * their person events, guardians by e-mail when a time changes.
 */

type Context = Pick<AppLoadContext, "db" | "planEvents" | "personEvents" | "publicUrl">;
export type IntentResult = { ok: true; intent: string } | { ok: false; status: number; error: string };

const id = z.string().min(1).max(64);
const language = z
  .string()
  .trim()
  .max(40)
  .transform((v) => (v === "" ? null : v));

/** What the pupil (or mentor) does in the talk view. */
const TalkIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("section"), fragment: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("call"), subjectId: id }),
]);

/** A guardian's answer on the home page (confirm, another sitting, a time they cannot come). */
const GuardianAnswer = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("confirm"),
    talkId: id,
    attendance: z.enum(["room", "remote"]),
    interpreter: z.literal("on").optional(),
    interpreterLanguage: language.optional(),
    sittingId: z.union([id, z.literal("")]).optional(),
  }),
  z.object({
    intent: z.literal("unavailable"),
    talkId: id,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  }),
]);

const statusOf: Record<TalkDayError | TalkLiveError, number> = {
  notFound: 404,
  forbidden: 403,
  noTerm: 409,
  noSittings: 400,
  capacity: 409,
  sibling: 409,
  unavailable: 409,
  notPlanning: 409,
  invalidTime: 400,
  invalidSection: 400,
  noTeacher: 409,
};

/**
 * Mail settings; SMTP_URL and MAIL_FROM were checked at start (server/env.ts). Links point at the
 * configured public address, never at the Host of the request that happened to send the mail.
 */
export const mailSettings = (context: Pick<AppLoadContext, "publicUrl">) => ({
  smtpUrl: process.env.SMTP_URL || undefined,
  from: process.env.MAIL_FROM || undefined,
  appUrl: context.publicUrl,
});

/** Queues (and, with SMTP, sends) the messages about talks; sending never holds up the answer. */
export function sendTalkMail(context: Pick<AppLoadContext, "db" | "publicUrl">, talkIds: string[], kind: TalkMailKind): number {
  const settings = mailSettings(context);
  const ids = queueTalkMessages(context.db, talkIds, kind, settings.appUrl);
  void deliverMessages(context.db, ids, settings);
  return ids.length;
}

export async function performTalkIntent(
  context: Context,
  person: SignedInPerson,
  talkId: string,
  fields: Record<string, FormDataEntryValue>,
): Promise<IntentResult> {
  const parsed = TalkIntent.safeParse(fields);
  if (!parsed.success) return { ok: false, status: 400, error: "validation" };
  const intent = parsed.data;
  const fail = (error: TalkDayError | TalkLiveError): IntentResult => ({ ok: false, status: statusOf[error], error });

  switch (intent.intent) {
    case "start": {
      const result = startTalkClock(context.db, person.id, talkId);
      if (!result.ok) return fail(result.error);
      context.planEvents.publish(result.planId, "talk");
      return { ok: true, intent: intent.intent };
    }
    case "section": {
      const result = setAgendaSection(context.db, person.id, talkId, intent.fragment);
      if (!result.ok) return fail(result.error);
      context.planEvents.publish(result.planId, "talk");
      return { ok: true, intent: intent.intent };
    }
    case "call": {
      const result = callTeacher(context.db, person.id, talkId, intent.subjectId);
      if (!result.ok) return fail(result.error);
      context.planEvents.publish(result.planId, "talk");
      const pupilId = getTalkDetails(context.db, talkId)!.talk.pupilId;
      for (const personId of new Set([...result.teacherIds, ...getMentorsOfPupil(context.db, pupilId)])) context.personEvents.publish(personId, "calls");
      return { ok: true, intent: intent.intent };
    }
  }
}

export async function performGuardianAnswer(
  context: Context,
  person: SignedInPerson,
  fields: Record<string, FormDataEntryValue>,
): Promise<IntentResult> {
  const parsed = GuardianAnswer.safeParse(fields);
  if (!parsed.success) return { ok: false, status: 400, error: "validation" };
  const intent = parsed.data;
  const talkId = intent.talkId;
  const fail = (error: TalkDayError | TalkLiveError): IntentResult => ({ ok: false, status: statusOf[error], error });

  switch (intent.intent) {
    case "confirm": {
      const interpreterLanguage = intent.interpreter === "on" ? (intent.interpreterLanguage ?? null) : null;
      if (intent.interpreter === "on" && !interpreterLanguage) return { ok: false, status: 400, error: "interpreterLanguage" };
      const reply = { attendance: intent.attendance, interpreterLanguage };
      const details = getTalkDetails(context.db, talkId);
      if (intent.sittingId && details && intent.sittingId !== details.talk.sittingId) {
        const result = chooseOtherSitting(context.db, person.id, talkId, intent.sittingId, reply);
        if (!result.ok) return fail(result.error);
        // Everyone of the family gets the new time, with a new calendar entry.
        if (result.changed) sendTalkMail(context, [talkId], "talk-change");
      } else {
        const result = confirmTalk(context.db, person.id, talkId, reply);
        if (!result.ok) return fail(result.error);
      }
      return { ok: true, intent: intent.intent };
    }
    case "unavailable": {
      if (intent.to <= intent.from) return fail("invalidTime");
      const result = addUnavailability(context.db, person.id, talkId, { startsAt: `${intent.date}T${intent.from}`, endsAt: `${intent.date}T${intent.to}` });
      if (!result.ok) return fail(result.error);
      return { ok: true, intent: intent.intent };
    }
  }
}

/** "Jag kommer". */
export function performAcknowledge(context: Context, person: SignedInPerson, callId: string): IntentResult {
  const result = acknowledgeCall(context.db, person.id, callId);
  if (!result.ok) return { ok: false, status: statusOf[result.error], error: result.error };
  context.planEvents.publish(result.planId, "talk");
  for (const personId of new Set([...result.teacherIds, ...getMentorsOfPupil(context.db, result.pupilId)])) context.personEvents.publish(personId, "calls");
  return { ok: true, intent: "acknowledge" };
}


const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(`${v}T12:00:00Z`)));
const optionalUrl = z
  .string()
  .trim()
  .max(500)
  .transform((v) => (v === "" ? null : v))
  .refine((v) => v === null || /^https:\/\/[^\s]+$/.test(v), "https");

/** The form that creates a talk event. */
export const NewTalkEventForm = z
  .object({
    dates: z.array(date).min(1).max(10),
    windowStart: time,
    windowEnd: time,
    sittingMinutes: z.coerce.number().int().min(15).max(240),
    talkMinutes: z.coerce.number().int().min(10).max(240),
    place: z.string().trim().min(1).max(200),
    videoUrl: optionalUrl,
    capacity: z
      .string()
      .trim()
      .transform((v) => (v === "" ? null : Number(v)))
      .refine((v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 500)),
    groupIds: z.array(id).min(1).max(200),
  })
  .refine((v) => v.windowEnd > v.windowStart, { path: ["windowEnd"], message: "order" })
  .refine((v) => v.talkMinutes <= v.sittingMinutes, { path: ["talkMinutes"], message: "longer" });

/** Reads the create form: several dates and groups come as repeated fields. */
export function parseNewTalkEvent(form: FormData) {
  return NewTalkEventForm.safeParse({
    ...Object.fromEntries(form),
    dates: [...new Set(form.getAll("dates").filter((v) => v !== ""))],
    groupIds: form.getAll("groupIds"),
    videoUrl: form.get("videoUrl") ?? "",
    capacity: form.get("capacity") ?? "",
  });
}

const BoardIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("move"), pupilId: id, sittingId: id }),
  z.object({ intent: z.literal("book"), pupilId: id, date, from: time, to: time, place: z.string().trim().min(1).max(200), videoUrl: optionalUrl }),
  z.object({ intent: z.literal("sitting"), sittingId: id, place: z.string().trim().min(1).max(200), videoUrl: optionalUrl }),
  z.object({ intent: z.literal("replace") }),
  z.object({ intent: z.literal("invite") }),
]);

/** Staff intents on the planning board. */
export function performBoardIntent(
  context: Pick<AppLoadContext, "db" | "publicUrl">,
  person: SignedInPerson,
  eventId: string,
  fields: Record<string, FormDataEntryValue>,
): IntentResult & { sent?: number } {
  const parsed = BoardIntent.safeParse(fields);
  if (!parsed.success) return { ok: false, status: 400, error: "validation" };
  const intent = parsed.data;
  const fail = (error: TalkDayError): IntentResult => ({ ok: false, status: statusOf[error], error });
  const event = getTalkEvent(context.db, eventId);
  switch (intent.intent) {
    case "move": {
      const result = movePupil(context.db, person.id, eventId, intent.pupilId, intent.sittingId);
      if (!result.ok) return fail(result.error);
      if (result.changed && event?.status === "invited") sendTalkMail(context, [result.talkId], "talk-change");
      return { ok: true, intent: intent.intent };
    }
    case "book": {
      if (intent.to <= intent.from) return fail("invalidTime");
      const result = bookOneToOne(context.db, person.id, eventId, {
        pupilId: intent.pupilId,
        startsAt: `${intent.date}T${intent.from}`,
        endsAt: `${intent.date}T${intent.to}`,
        place: intent.place,
        videoUrl: intent.videoUrl,
      });
      if (!result.ok) return fail(result.error);
      if (event?.status === "invited") sendTalkMail(context, [result.talkId], "talk-change");
      return { ok: true, intent: intent.intent };
    }
    case "sitting": {
      const result = updateSitting(context.db, person.id, eventId, intent.sittingId, { place: intent.place, videoUrl: intent.videoUrl });
      if (!result.ok) return fail(result.error);
      if (result.changed && result.invited) sendTalkMail(context, result.talkIds, "talk-change");
      return { ok: true, intent: intent.intent };
    }
    case "replace": {
      const result = replaceEventPupils(context.db, person.id, eventId);
      return result.ok ? { ok: true, intent: intent.intent } : fail(result.error);
    }
    case "invite": {
      const result = markInvited(context.db, person.id, eventId);
      if (!result.ok) return fail(result.error);
      const sent = sendTalkMail(context, result.talkIds, "talk-invitation");
      return { ok: true, intent: intent.intent, sent };
    }
  }
}

const IdentityCheckSchema = z.object({ intent: z.literal("identity"), talkId: z.string().min(1).max(64), guardianId: z.string().min(1).max(64) });

/** The mentor's "I have seen that it is <guardian>" for a guardian taking part from home. */
export function performIdentityCheck(
  context: Pick<AppLoadContext, "db">,
  mentorId: string,
  fields: Record<string, unknown>,
): { ok: true } | { ok: false; error: string; status: 400 | 404 } {
  const parsed = IdentityCheckSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, error: "validation", status: 400 };
  const result = recordIdentityCheck(context.db, mentorId, parsed.data.talkId, parsed.data.guardianId);
  return result.ok ? { ok: true } : { ok: false, error: result.error, status: 404 };
}
