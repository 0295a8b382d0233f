import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import type { SignedInPerson } from "../../db/queries/roster";
import { getTalkDetails } from "../../db/queries/talks";
import { parseForm, type Result } from "~/utils/action-result.server";
import {
  addUnavailability,
  bookOneToOne,
  chooseOtherSitting,
  confirmTalk,
  createTalkEvent,
  markInvited,
  movePupil,
  replaceEventPupils,
  updateSitting,
} from "./talk-days.server";
import { answerCall, callTeacher, recordIdentityCheck, setAgendaSection, startTalkClock } from "./talk-live.server";
import { deliverMessages, queueTalkMessages, type TalkMailKind } from "./talk-mail.server";

/**
 * The form intents on talks: the talk view, a guardian's answer, a call, the planning board and
 * the sitting board. Each is parsed here (conform + zod), decided in talk-days/talk-live with the
 * talk policy, and then the people concerned are told: open views of the plan through the plan
 * events, teachers and mentors wherever they are through their person events, guardians by e-mail
 * when a time changes. Failures are typed keys (see utils/action-result.server.ts).
 */

type Context = Pick<AppLoadContext, "db" | "planEvents" | "personEvents" | "publicUrl">;
export type IntentResult = Result<{ intent: string; sent?: number; eventId?: string }>;

const id = z.string().min(1).max(64);
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T12:00:00Z`)));
const videoUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^https:\/\/[^\s]+$/, "https")
  .optional()
  .transform((v) => v ?? null);

/** What the pupil (or mentor) does in the talk view. */
const TalkIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("section"), fragment: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("call"), subjectId: id }),
]);

/** A guardian's answer on the home page (confirm, another sitting, a time they cannot come). */
const GuardianAnswerSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("confirm"),
    talkId: id,
    attendance: z.enum(["room", "remote"]),
    interpreter: z.literal("on").optional(),
    interpreterLanguage: z.string().trim().max(40).optional(),
    sittingId: id.optional(),
  }),
  z.object({ intent: z.literal("unavailable"), talkId: id, date, from: time, to: time }),
]);

/** The form that creates a talk event (up to three dates; empty date fields are left out). */
const NewTalkEventSchema = z
  .object({
    dates: z
      .array(date.optional())
      .transform((dates) => [...new Set(dates.filter((d): d is string => d !== undefined))])
      .pipe(z.array(date).min(1).max(10)),
    windowStart: time,
    windowEnd: time,
    sittingMinutes: z.number().int().min(15).max(240),
    talkMinutes: z.number().int().min(10).max(240),
    place: z.string().trim().min(1).max(200),
    videoUrl,
    capacity: z
      .number()
      .int()
      .min(1)
      .max(500)
      .optional()
      .transform((v) => v ?? null),
    groupIds: z.array(id).min(1).max(200),
  })
  .refine((v) => v.windowEnd > v.windowStart, { path: ["windowEnd"], message: "order" })
  .refine((v) => v.talkMinutes <= v.sittingMinutes, { path: ["talkMinutes"], message: "longer" });

const BoardIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("move"), pupilId: id, sittingId: id }),
  z.object({ intent: z.literal("book"), pupilId: id, date, from: time, to: time, place: z.string().trim().min(1).max(200), videoUrl }),
  z.object({ intent: z.literal("sitting"), sittingId: id, place: z.string().trim().min(1).max(200), videoUrl }),
  z.object({ intent: z.literal("replace") }),
  z.object({ intent: z.literal("invite") }),
]);

const IdentityCheckSchema = z.object({ intent: z.literal("identity"), talkId: id, guardianId: id });

const CallAnswerSchema = z.object({ intent: z.literal("acknowledge") });

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

/** Tells the called teachers and the pupil's mentors, wherever they are in the app. */
function notifyCall(context: Context, planId: string, people: string[]) {
  context.planEvents.publish(planId, "talk");
  for (const personId of new Set(people)) context.personEvents.publish(personId, "calls");
}

export async function performTalkIntent(context: Context, person: SignedInPerson, talkId: string, form: FormData): Promise<IntentResult> {
  const parsed = parseForm(form, TalkIntentSchema);
  if (!parsed.ok) return parsed;
  const intent = parsed.value;
  switch (intent.intent) {
    case "start": {
      const result = startTalkClock(context.db, person.id, talkId);
      if (!result.ok) return result;
      context.planEvents.publish(result.planId, "talk");
      return { ok: true, intent: intent.intent };
    }
    case "section": {
      const result = setAgendaSection(context.db, person.id, talkId, intent.fragment);
      if (!result.ok) return result;
      context.planEvents.publish(result.planId, "talk");
      return { ok: true, intent: intent.intent };
    }
    case "call": {
      const result = callTeacher(context.db, person.id, talkId, intent.subjectId);
      if (!result.ok) return result;
      notifyCall(context, result.planId, [...result.teacherIds, ...result.mentorIds]);
      return { ok: true, intent: intent.intent };
    }
  }
}

export async function performGuardianAnswer(context: Context, person: SignedInPerson, form: FormData): Promise<IntentResult> {
  const parsed = parseForm(form, GuardianAnswerSchema);
  if (!parsed.ok) return parsed;
  const intent = parsed.value;
  const talkId = intent.talkId;
  switch (intent.intent) {
    case "confirm": {
      const interpreterLanguage = intent.interpreter === "on" ? (intent.interpreterLanguage ?? null) : null;
      if (intent.interpreter === "on" && !interpreterLanguage) return { ok: false, error: "interpreterLanguage" };
      const reply = { attendance: intent.attendance, interpreterLanguage };
      const details = getTalkDetails(context.db, talkId);
      if (intent.sittingId && details && intent.sittingId !== details.talk.sittingId) {
        const result = chooseOtherSitting(context.db, person.id, talkId, intent.sittingId, reply);
        if (!result.ok) return result;
        // Everyone of the family gets the new time, with a new calendar entry.
        if (result.changed) sendTalkMail(context, [talkId], "talk-change");
      } else {
        const result = confirmTalk(context.db, person.id, talkId, reply);
        if (!result.ok) return result;
      }
      return { ok: true, intent: intent.intent };
    }
    case "unavailable": {
      if (intent.to <= intent.from) return { ok: false, error: "invalidTime" };
      const result = addUnavailability(context.db, person.id, talkId, { startsAt: `${intent.date}T${intent.from}`, endsAt: `${intent.date}T${intent.to}` });
      if (!result.ok) return result;
      return { ok: true, intent: intent.intent };
    }
  }
}

/** "Jag kommer". */
export function performCallAnswer(context: Context, person: SignedInPerson, callId: string, form: FormData): IntentResult {
  const parsed = parseForm(form, CallAnswerSchema);
  if (!parsed.ok) return parsed;
  const result = answerCall(context.db, person.id, callId);
  if (!result.ok) return result;
  notifyCall(context, result.planId, [...result.teacherIds, ...result.mentorIds]);
  return { ok: true, intent: "acknowledge" };
}

/** Creates a talk day from the form; the new event's id on success. */
export function performNewTalkEvent(context: Pick<AppLoadContext, "db">, person: SignedInPerson, form: FormData): IntentResult {
  const parsed = parseForm(form, NewTalkEventSchema);
  if (!parsed.ok) return parsed;
  const result = createTalkEvent(context.db, person, parsed.value);
  return result.ok ? { ok: true, intent: "create", eventId: result.eventId } : result;
}

/** Staff intents on the planning board. */
export function performBoardIntent(context: Pick<AppLoadContext, "db" | "publicUrl">, person: SignedInPerson, eventId: string, form: FormData): IntentResult {
  const parsed = parseForm(form, BoardIntentSchema);
  if (!parsed.ok) return parsed;
  const intent = parsed.value;
  switch (intent.intent) {
    case "move": {
      const result = movePupil(context.db, person, eventId, intent.pupilId, intent.sittingId);
      if (!result.ok) return result;
      if (result.changed && result.invited) sendTalkMail(context, [result.talkId], "talk-change");
      return { ok: true, intent: intent.intent };
    }
    case "book": {
      if (intent.to <= intent.from) return { ok: false, error: "invalidTime" };
      const result = bookOneToOne(context.db, person, eventId, {
        pupilId: intent.pupilId,
        startsAt: `${intent.date}T${intent.from}`,
        endsAt: `${intent.date}T${intent.to}`,
        place: intent.place,
        videoUrl: intent.videoUrl,
      });
      if (!result.ok) return result;
      if (result.invited) sendTalkMail(context, [result.talkId], "talk-change");
      return { ok: true, intent: intent.intent };
    }
    case "sitting": {
      const result = updateSitting(context.db, person, eventId, intent.sittingId, { place: intent.place, videoUrl: intent.videoUrl });
      if (!result.ok) return result;
      if (result.changed && result.invited) sendTalkMail(context, result.talkIds, "talk-change");
      return { ok: true, intent: intent.intent };
    }
    case "replace": {
      const result = replaceEventPupils(context.db, person, eventId);
      return result.ok ? { ok: true, intent: intent.intent } : result;
    }
    case "invite": {
      const result = markInvited(context.db, person, eventId);
      if (!result.ok) return result;
      const sent = sendTalkMail(context, result.talkIds, "talk-invitation");
      return { ok: true, intent: intent.intent, sent };
    }
  }
}

/** The mentor's "I have seen that it is <guardian>" for a guardian taking part from home. */
export function performIdentityCheck(context: Pick<AppLoadContext, "db" | "planEvents">, person: SignedInPerson, form: FormData): IntentResult {
  const parsed = parseForm(form, IdentityCheckSchema);
  if (!parsed.ok) return parsed;
  const result = recordIdentityCheck(context.db, person.id, parsed.value.talkId, parsed.value.guardianId);
  if (!result.ok) return result;
  context.planEvents.publish(result.planId, "talk");
  return { ok: true, intent: "identity" };
}
