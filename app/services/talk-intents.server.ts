import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import type { TalkGuest } from "../../db/schema/talks";
import type { SignedInPerson } from "../../db/queries/roster";
import { getTalkDetails } from "../../db/queries/talks";
import { parseForm, type Failure, type Result } from "~/utils/action-result.server";
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
import { correctTalkEvent } from "./talk-corrections.server";
import { addGuest, renewGuestLink, withdrawGuest, type GuestResult } from "./talk-guests.server";
import { answerCall, callTeacher, closeCall, recordIdentityCheck, setAgendaSection, startTalkClock } from "./talk-live.server";
import { dispatch, type StoredMessage } from "./mail-delivery.server";
import { queueGuestLinkMessage, queueTalkMessages, type TalkMailKind } from "./talk-mail.server";

/**
 * The form intents on talks: the talk view, a guardian's answer, a call, the planning board and
 * the sitting board. Each is parsed here (conform + zod), decided in talk-days/talk-live with the
 * talk policy, and then the people concerned are told: open views of the plan through the plan
 * events, teachers and mentors wherever they are through their person events, guardians by e-mail
 * when a time changes. Failures are typed keys (see utils/action-result.server.ts).
 */

type Context = Pick<AppLoadContext, "db" | "planEvents" | "personEvents" | "mail" | "publicUrl" | "notificationMail" | "faults">;
type MailContext = Pick<AppLoadContext, "db" | "mail" | "publicUrl" | "faults">;
export type IntentResult = Result<{ intent: string; sent?: number; eventId?: string; changed?: number }> | (Failure & { details?: Record<string, unknown> });

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
/** A number to call: digits with the usual separators ("08-123 456 78", "+46 8 123 456 78"). */
const phoneNumber = z
  .string()
  .trim()
  .max(40)
  .regex(/^\+?[0-9][0-9 ()-]{4,38}$/, "phone")
  .optional()
  .transform((v) => v ?? null);
/** Why staff break a rule on purpose (a sibling's talk at the same time, a time a guardian cannot come). */
const overrideReason = z
  .string()
  .trim()
  .min(3, "reasonMissing")
  .max(500)
  .optional()
  .transform((v) => v ?? null);

/** What the pupil (or mentor) does in the talk view. */
const TalkIntentSchema = z.discriminatedUnion("intent", [
  // `restart`: the person was asked and said yes (a running clock is never reset by a plain start).
  z.object({ intent: z.literal("start"), restart: z.literal("yes").optional() }),
  z.object({ intent: z.literal("close-call"), callId: id }),
  z.object({ intent: z.literal("section"), fragment: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("call"), subjectId: id }),
]);

/** A guardian's answer on the home page (confirm, another sitting, a time they cannot come). */
const GuardianAnswerSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("confirm"),
    talkId: id,
    attendance: z.enum(["room", "remote", "phone"]),
    interpreter: z.literal("on").optional(),
    interpreterLanguage: z.string().trim().max(40).optional(),
    sittingId: id.optional(),
  }),
  z.object({ intent: z.literal("unavailable"), talkId: id, date, from: time, to: time }),
]);

/** The settings of a talk day, as the form that creates it and the one that corrects it give them
 * (up to three dates at creation; empty date fields are left out). */
const talkDaySettings = {
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
  phoneNumber,
  capacity: z
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .transform((v) => v ?? null),
};

const NewTalkEventSchema = z
  .object({ ...talkDaySettings, groupIds: z.array(id).min(1).max(200) })
  .refine((v) => v.windowEnd > v.windowStart, { path: ["windowEnd"], message: "order" })
  .refine((v) => v.talkMinutes <= v.sittingMinutes, { path: ["talkMinutes"], message: "longer" });

/** A correction of a talk day: its settings, and a reason when the change makes a talk break a rule. */
const TalkDayCorrectionSchema = z
  .object({ intent: z.literal("correct"), ...talkDaySettings, override: overrideReason })
  .refine((v) => v.windowEnd > v.windowStart, { path: ["windowEnd"], message: "order" })
  .refine((v) => v.talkMinutes <= v.sittingMinutes, { path: ["talkMinutes"], message: "longer" });

const BoardIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("move"), pupilId: id, sittingId: id, override: overrideReason }),
  z.object({ intent: z.literal("book"), pupilId: id, date, from: time, to: time, place: z.string().trim().min(1).max(200), videoUrl, phoneNumber, override: overrideReason }),
  z.object({ intent: z.literal("sitting"), sittingId: id, place: z.string().trim().min(1).max(200), videoUrl, phoneNumber }),
  z.object({ intent: z.literal("replace") }),
  z.object({ intent: z.literal("invite") }),
]);

const IdentityCheckSchema = z.object({ intent: z.literal("identity"), talkId: id, guardianId: id });

const CallAnswerSchema = z.object({ intent: z.literal("acknowledge") });

/**
 * Makes a change to talks and queues the messages telling the families of it in one transaction:
 * if the messages cannot be stored, the change is not made either and can be tried again (a day
 * marked invited without its invitations would refuse "invite" for good). Sent only after the
 * commit (with SMTP the scheduler sends them); sending never holds up the answer. Links point at
 * the configured public address (PUBLIC_URL), never at the Host of the request that made the mail.
 */
function changeAndTell<R extends { ok: boolean }>(
  context: MailContext,
  change: (db: AppDatabase) => R,
  tell: (result: R) => { talkIds: string[]; kind: TalkMailKind } | null,
): { result: R; sent: number } {
  let stored: StoredMessage[] = [];
  const result = context.db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    const result = change(txdb);
    const mail = result.ok ? tell(result) : null;
    if (mail && mail.talkIds.length > 0) {
      stored = queueTalkMessages(txdb, mail.talkIds, mail.kind, { appUrl: context.publicUrl, delivery: context.mail.delivery });
      context.faults.reached("talk-mail:stored");
    }
    return result;
  });
  dispatch(context.mail, stored);
  return { result, sent: stored.length };
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
      const result = startTalkClock(context.db, person.id, talkId, intent.restart === "yes");
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
      // A called teacher on no page of the app would never see it: they get a mail at once.
      context.notificationMail.tellOfCall(result.teacherIds, result.pupilId);
      return { ok: true, intent: intent.intent };
    }
    case "close-call": {
      const result = closeCall(context.db, person.id, talkId, intent.callId);
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
      const sittingId = intent.sittingId;
      if (sittingId && details && sittingId !== details.talk.sittingId) {
        // Everyone of the family gets the new time, with a new calendar entry.
        const { result } = changeAndTell(
          context,
          (db) => chooseOtherSitting(db, person.id, talkId, sittingId, reply),
          (r) => (r.ok && r.changed ? { talkIds: [talkId], kind: "talk-change" } : null),
        );
        if (!result.ok) return result;
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
export function performBoardIntent(context: MailContext, person: SignedInPerson, eventId: string, form: FormData): IntentResult {
  const parsed = parseForm(form, BoardIntentSchema);
  if (!parsed.ok) return parsed;
  const intent = parsed.value;
  switch (intent.intent) {
    case "move": {
      const { result } = changeAndTell(
        context,
        (db) => movePupil(db, person, eventId, intent.pupilId, intent.sittingId, intent.override),
        (r) => (r.ok && r.changed && r.invited ? { talkIds: [r.talkId], kind: "talk-change" } : null),
      );
      if (!result.ok) return result;
      return { ok: true, intent: intent.intent };
    }
    case "book": {
      if (intent.to <= intent.from) return { ok: false, error: "invalidTime" };
      const booking = {
        pupilId: intent.pupilId,
        startsAt: `${intent.date}T${intent.from}`,
        endsAt: `${intent.date}T${intent.to}`,
        place: intent.place,
        videoUrl: intent.videoUrl,
        phoneNumber: intent.phoneNumber,
        overrideReason: intent.override,
      };
      const { result } = changeAndTell(
        context,
        (db) => bookOneToOne(db, person, eventId, booking),
        (r) => (r.ok && r.invited ? { talkIds: [r.talkId], kind: "talk-change" } : null),
      );
      if (!result.ok) return result;
      return { ok: true, intent: intent.intent };
    }
    case "sitting": {
      const { result } = changeAndTell(
        context,
        (db) => updateSitting(db, person, eventId, intent.sittingId, { place: intent.place, videoUrl: intent.videoUrl, phoneNumber: intent.phoneNumber }),
        (r) => (r.ok && r.changed && r.invited ? { talkIds: r.talkIds, kind: "talk-change" } : null),
      );
      if (!result.ok) return result;
      return { ok: true, intent: intent.intent };
    }
    case "replace": {
      const result = replaceEventPupils(context.db, person, eventId);
      return result.ok ? { ok: true, intent: intent.intent } : result;
    }
    case "invite": {
      // The day is invited only together with its invitations.
      const { result, sent } = changeAndTell(
        context,
        (db) => markInvited(db, person, eventId),
        (r) => (r.ok ? { talkIds: r.talkIds, kind: "talk-invitation" } : null),
      );
      if (!result.ok) return result;
      return { ok: true, intent: intent.intent, sent };
    }
  }
}

/** Corrects a talk day; with the invitations out, every family whose talk changed is told. */
export function performTalkDayCorrection(context: MailContext, person: SignedInPerson, eventId: string, form: FormData): IntentResult {
  const parsed = parseForm(form, TalkDayCorrectionSchema);
  if (!parsed.ok) return parsed;
  const { intent: _intent, override, ...settings } = parsed.value;
  const { result, sent } = changeAndTell(
    context,
    (db) => correctTalkEvent(db, person, eventId, { ...settings, overrideReason: override }),
    (r) => (r.ok && r.invited ? { talkIds: r.changedTalkIds, kind: "talk-change" } : null),
  );
  if (!result.ok) return result;
  return { ok: true, intent: "correct", sent, changed: result.changedTalkIds.length };
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

/** Staff on a talk's page: an interpreter as a guest of the talk (e-mail or telephone, at least one). */
const GuestIntentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add-guest"),
    name: z.string().trim().min(2).max(120),
    language: z.string().trim().min(2).max(60),
    email: z.string().trim().toLowerCase().email().max(200).optional(),
    phone: phoneNumber,
  }),
  z.object({ intent: z.literal("new-link"), guestId: id }),
  z.object({ intent: z.literal("withdraw"), guestId: id }),
]);

export type GuestIntentResult = Result<{ intent: string; link?: string; guestName?: string; mailed?: boolean }> | (Failure<"validation"> & { fieldErrors: Record<string, string[]>; intent: string });

/**
 * Adds an interpreter to a talk, makes a new link, or withdraws one. A new link is shown once in
 * the answer (to pass on by phone or SMS) and, with an e-mail address, goes out through the
 * outbox; a withdrawn or replaced link stops at once, and what was opened with it is closed.
 */
export function performGuestIntent(
  context: MailContext & Pick<AppLoadContext, "accessEvents">,
  person: SignedInPerson,
  eventId: string,
  talkId: string,
  form: FormData,
): GuestIntentResult {
  const parsed = parseForm(form, GuestIntentSchema);
  if (!parsed.ok) return parsed;
  const intent = parsed.value;
  const linkOf = (token: string) => `${context.publicUrl}/guest/${token}`;
  /**
   * Makes a link and queues its mail (with an address) in one transaction: a link is never made
   * without its mail, so if the mail cannot be stored nothing is, and staff can simply try again
   * (a new link replaces the old only together with its mail).
   */
  const withLinkMail = <R extends { guest: TalkGuest; token: string }>(change: (db: AppDatabase) => GuestResult<R>) => {
    let stored: StoredMessage | null = null;
    const result = context.db.transaction((tx) => {
      const txdb = tx as unknown as AppDatabase;
      const result = change(txdb);
      if (result.ok) {
        stored = queueGuestLinkMessage(txdb, result.guest, linkOf(result.token), { delivery: context.mail.delivery });
        context.faults.reached("guest-mail:stored");
      }
      return result;
    });
    if (stored) dispatch(context.mail, [stored]);
    return { result, mailed: stored !== null };
  };
  switch (intent.intent) {
    case "add-guest": {
      // Staff need a way to reach the interpreter: an address for the link, or a number for it.
      if (!intent.email && !intent.phone) return { ok: false, error: "validation", fieldErrors: { email: ["contact"] }, intent: intent.intent };
      const guest = { name: intent.name, language: intent.language, email: intent.email ?? null, phone: intent.phone };
      const { result, mailed } = withLinkMail((db) => addGuest(db, person, eventId, talkId, guest));
      if (!result.ok) return result;
      return { ok: true, intent: intent.intent, link: linkOf(result.token), guestName: result.guest.name, mailed };
    }
    case "new-link": {
      const { result, mailed } = withLinkMail((db) => renewGuestLink(db, person, eventId, talkId, intent.guestId));
      if (!result.ok) return result;
      // What the old link opened is re-decided as after a withdrawal: it no longer matches.
      context.accessEvents.publish(result.pupilId, "changed");
      return { ok: true, intent: intent.intent, link: linkOf(result.token), guestName: result.guest.name, mailed };
    }
    case "withdraw": {
      const result = withdrawGuest(context.db, person, eventId, talkId, intent.guestId);
      if (!result.ok) return result;
      // Open sockets and event streams of the pupil's plans re-decide now: the guest's are refused.
      context.accessEvents.publish(result.pupilId, "changed");
      return { ok: true, intent: intent.intent };
    }
  }
}
