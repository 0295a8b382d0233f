import { createEvent } from "ics";
import type { TFunction } from "i18next";
import { eq } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { getOutboxEntry, insertReminder, listSchoolOutbox, requeueMessage, setReminderMessage } from "../../db/queries/outbox";
import type { SignedInPerson } from "../../db/queries/roster";
import { getTalkDetails } from "../../db/queries/talks";
import { stockholmLocalToInstant } from "../../db/school-calendar";
import { people, schools, type OutboxMessage, type TalkGuest } from "../../db/schema";
import { defaultLocale, isLocale, languages, supportedLocales, type Locale } from "~/i18n";
import { formatTalkTime, fullName } from "~/utils/format";
import { translatorFor } from "~/utils/i18n.server";
import { carriesOneTimeSecret, storeMessage, type Delivery, type StoredMessage } from "./mail-delivery.server";
import { getTalkRecipients } from "./talk-days.server";

/**
 * Invitations, changes and reminders for talks, as e-mail with a calendar file (RFC 5545, made by
 * `ics`), and a guest's link. Every message is stored in `outbox_messages` first and leaves by the
 * one rule of mail-delivery.server.ts: with SMTP_URL set the mail scheduler sends talk messages,
 * retrying with back-off, and a guest's link is sent at once and kept without the link; without
 * it, they stay as the outbox the admin reads in the app. Nothing here is logged: the messages
 * carry children's names.
 */

export type TalkMailKind = "talk-invitation" | "talk-change" | "talk-reminder";

/**
 * The last lines of every mail: how to choose another language (in the mail's language), and every
 * language named in itself, so a reader who cannot read this message still finds theirs.
 */
export function mailLanguageFooter(t: TFunction, appUrl: string): string[] {
  return ["", "—", t("talks.mail.languageChoice", { url: appUrl }), supportedLocales.map((l) => languages[l].name).join(" · ")];
}

interface ComposedMessage {
  subject: string;
  body: string;
  calendar: string | null;
}

/** The message for one guardian about one talk, in the guardian's language. */
export function composeTalkMessage(
  db: AppDatabase,
  talkId: string,
  recipient: { givenName: string; preferredLocale: string | null },
  kind: TalkMailKind,
  appUrl: string,
): ComposedMessage | null {
  const details = getTalkDetails(db, talkId);
  if (!details) return null;
  const pupil = db.select({ givenName: people.givenName, familyName: people.familyName }).from(people).where(eq(people.id, details.talk.pupilId)).get();
  const school = db.select({ name: schools.name }).from(schools).where(eq(schools.id, details.event.schoolId)).get();
  if (!pupil || !school) return null;
  const locale: Locale = isLocale(recipient.preferredLocale) ? recipient.preferredLocale : defaultLocale;
  const t = translatorFor(locale);
  const pupilName = fullName(pupil);
  const { date, range } = formatTalkTime(details.talk.startsAt, details.talk.endsAt, locale);
  const talkMinutes = details.talkMinutes;

  const subjectKey = { "talk-invitation": "talks.mail.subjectInvitation", "talk-change": "talks.mail.subjectChange", "talk-reminder": "talks.mail.subjectReminder" } as const;
  const introKey = { "talk-invitation": "talks.mail.intro", "talk-change": "talks.mail.introChange", "talk-reminder": "talks.mail.introReminder" } as const;
  const subject = t(subjectKey[kind], { name: pupilName });
  const lines = [
    t("talks.mail.greeting", { name: recipient.givenName }),
    "",
    t(introKey[kind], { name: pupilName }),
    "",
    t("talks.mail.when", { date, range, minutes: talkMinutes }),
    t("talks.mail.where", { place: details.place }),
    ...(details.videoUrl ? [t("talks.mail.video", { url: details.videoUrl })] : []),
    ...(details.phoneNumber ? [t("talks.mail.phone", { number: details.phoneNumber })] : []),
    "",
    t("talks.mail.answer", { url: appUrl }),
    "",
    t("talks.mail.prepareHeading"),
    `– ${t("talks.mail.prepareQuiet")}`,
    `– ${t("talks.mail.prepareCharged")}`,
    `– ${t("talks.mail.prepareVideo")}`,
    `– ${t("talks.mail.prepareRead", { name: pupil.givenName })}`,
    "",
    t("talks.mail.signature", { school: school.name }),
    ...mailLanguageFooter(t, appUrl),
  ];

  const { error, value } = createEvent({
    productId: "elevledd-iup/talks",
    method: "PUBLISH",
    uid: `${talkId}@elevledd-iup`,
    // A changed time replaces the entry already in the guardian's calendar.
    sequence: Math.floor(details.talk.updatedAt.getTime() / 1000) % 2_000_000_000,
    start: stockholmLocalToInstant(details.talk.startsAt).getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    end: stockholmLocalToInstant(details.talk.endsAt).getTime(),
    endInputType: "utc",
    endOutputType: "utc",
    title: t("talks.mail.calendarTitle", { name: pupil.givenName }),
    description: t("talks.mail.calendarDescription", { minutes: talkMinutes, url: appUrl }),
    location: details.place,
    ...(details.videoUrl ? { url: details.videoUrl } : {}),
    status: "CONFIRMED",
  });
  return { subject, body: lines.join("\n"), calendar: error ? null : (value ?? null) };
}

/** Reminders go out this long before a talk (the mail scheduler queues them). */
export const REMINDER_LEAD_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Stores one message of `kind` for a guardian about a talk (for `dispatch`); null without an
 * address or talk. An invitation or a change sent when the talk is already within the reminder's
 * lead time is that talk time's reminder: it is recorded as such, so the guardian does not get a
 * second mail with the same time a minute later.
 */
export function queueTalkMessageTo(
  db: AppDatabase,
  talkId: string,
  recipient: { id: string; givenName: string; email: string | null; preferredLocale: string | null },
  kind: TalkMailKind,
  options: { appUrl: string; delivery: Delivery; now: Date },
): StoredMessage | null {
  const details = getTalkDetails(db, talkId);
  if (!details || !recipient.email) return null;
  const message = composeTalkMessage(db, talkId, recipient, kind, options.appUrl);
  if (!message) return null;
  const stored = storeMessage(
    db,
    options.delivery,
    {
      schoolId: details.event.schoolId,
      recipientId: recipient.id,
      talkId,
      toAddress: recipient.email,
      kind,
      locale: isLocale(recipient.preferredLocale) ? recipient.preferredLocale : defaultLocale,
      ...message,
      createdAt: options.now,
    },
    options.now,
  );
  const startsWithinLead = stockholmLocalToInstant(details.talk.startsAt).getTime() - options.now.getTime() <= REMINDER_LEAD_MS;
  if (kind !== "talk-reminder" && startsWithinLead) {
    const reminder = { talkId, guardianId: recipient.id, startsAt: details.talk.startsAt };
    if (insertReminder(db, { ...reminder, createdAt: options.now })) setReminderMessage(db, reminder, stored.id);
  }
  return stored;
}

/** Stores one message per guardian (with an e-mail address) for each talk, for `dispatch`. */
export function queueTalkMessages(db: AppDatabase, talkIds: string[], kind: TalkMailKind, options: { appUrl: string; delivery: Delivery }): StoredMessage[] {
  const stored: StoredMessage[] = [];
  const now = new Date();
  db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    for (const talkId of talkIds) {
      for (const recipient of getTalkRecipients(txdb, talkId)) {
        const message = queueTalkMessageTo(txdb, talkId, recipient, kind, { ...options, now });
        if (message) stored.push(message);
      }
    }
  });
  return stored;
}

/**
 * A guest's link by e-mail (an interpreter): when and where the talk is and the link, in Swedish
 * (the school's language; the interpreter's own is not known). No child's name: the guest learns it
 * in the talk. The link is a one-time secret: with SMTP it is sent at once and the stored copy
 * keeps no link (mail-delivery.server.ts).
 */
export function queueGuestLinkMessage(db: AppDatabase, guest: TalkGuest, link: string, options: { delivery: Delivery; now?: Date }): StoredMessage | null {
  if (!guest.email) return null;
  const details = getTalkDetails(db, guest.talkId);
  const school = details ? db.select({ name: schools.name }).from(schools).where(eq(schools.id, details.event.schoolId)).get() : undefined;
  if (!details || !school) return null;
  const t = translatorFor("sv");
  const { date, from, range } = formatTalkTime(details.talk.startsAt, details.talk.endsAt, "sv");
  const lines = (link: string) => [
    t("guest.mail.greeting", { name: guest.name }),
    "",
    t("guest.mail.intro", { school: school.name, language: guest.language }),
    "",
    t("talks.mail.when", { date, range, minutes: details.talkMinutes }),
    t("talks.mail.where", { place: details.place }),
    ...(details.videoUrl ? [t("talks.mail.video", { url: details.videoUrl })] : []),
    ...(details.phoneNumber ? [t("talks.mail.phone", { number: details.phoneNumber })] : []),
    "",
    t("guest.mail.link", { url: link }),
    t("guest.mail.window"),
    t("guest.mail.private"),
    "",
    t("talks.mail.signature", { school: school.name }),
  ];
  const now = options.now ?? new Date();
  return storeMessage(
    db,
    options.delivery,
    {
      schoolId: details.event.schoolId,
      guestId: guest.id,
      talkId: guest.talkId,
      toAddress: guest.email,
      kind: "guest-link",
      locale: "sv",
      subject: t("guest.mail.subject", { date, from }),
      body: lines(t("accountMail.linkSent")).join("\n"),
      secretBody: lines(link).join("\n"),
      calendar: null,
      createdAt: now,
    },
    now,
  );
}

/**
 * The outbox page for the school's admin (the route has required it): every message made for the
 * school, whether SMTP sends them and how each one stands (waiting, sent, retried, failed after so
 * many attempts). A message to a family with protected identity shows only that it exists and its
 * state: who it is to and what it says are for the mail server alone.
 */
export function getOutboxPage(db: AppDatabase, person: SignedInPerson, smtp: boolean) {
  return {
    smtp,
    messages: listSchoolOutbox(db, person.schoolId).map(({ message: m, recipientProtected }) => ({
      id: m.id,
      masked: recipientProtected,
      to: recipientProtected ? null : m.toAddress,
      kind: m.kind,
      locale: m.locale,
      subject: recipientProtected ? null : m.subject,
      body: recipientProtected ? null : m.body,
      calendar: recipientProtected ? null : m.calendar,
      createdAt: m.createdAt.toISOString(),
      status: m.status,
      attempts: m.attempts,
      nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
      sentAt: m.sentAt?.toISOString() ?? null,
      error: m.error,
      canResend: smtp && mayResend(m),
      /** It carried a one-time link (kept masked once it went by mail: never sent again). */
      oneTimeLink: carriesOneTimeSecret(m.kind),
    })),
  };
}

/** A failed or sent message can be sent again, unless it carried a one-time link (not stored: a new link is made instead). */
function mayResend(message: Pick<OutboxMessage, "status" | "kind">): boolean {
  return (message.status === "failed" || message.status === "sent") && !carriesOneTimeSecret(message.kind);
}

export type ResendError = "notFound" | "noSmtp" | "notResendable";

/** Sends a message of the school's outbox again, from the first attempt (the admin asked). */
export function resendOutboxMessage(db: AppDatabase, schoolId: string, id: string, smtp: boolean, now = new Date()): { ok: true } | { ok: false; error: ResendError } {
  const entry = getOutboxEntry(db, id);
  if (!entry || entry.message.schoolId !== schoolId) return { ok: false, error: "notFound" };
  if (!smtp) return { ok: false, error: "noSmtp" };
  if (!mayResend(entry.message)) return { ok: false, error: "notResendable" };
  requeueMessage(db, id, now);
  return { ok: true };
}

/** A message of the school's outbox as its admin may read it; null for another school's or a protected family's. */
export function getOutboxMessage(db: AppDatabase, schoolId: string, id: string) {
  const entry = getOutboxEntry(db, id);
  return entry && entry.message.schoolId === schoolId && !entry.recipientProtected ? entry.message : null;
}
