import { createEvent } from "ics";
import type { TFunction } from "i18next";
import nodemailer from "nodemailer";
import { eq } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { getOutboxEntry, getOutboxMessageById, insertOutboxMessage, listSchoolOutbox, markOutboxMessageFailed, markOutboxMessageSent } from "../../db/queries/outbox";
import type { SignedInPerson } from "../../db/queries/roster";
import { getTalkDetails } from "../../db/queries/talks";
import { stockholmLocalToInstant } from "../../db/school-calendar";
import { people, schools } from "../../db/schema";
import { defaultLocale, isLocale, languages, supportedLocales, type Locale } from "~/i18n";
import { formatTalkTime, fullName } from "~/utils/format";
import { translatorFor } from "~/utils/i18n.server";
import { getTalkRecipients } from "./talk-days.server";

/**
 * Invitations and changes for talks, as e-mail with a calendar file (RFC 5545, made by `ics`).
 * Every message is stored in `outbox_messages` first; with SMTP_URL set it is then sent through
 * nodemailer and marked, without it it stays as the outbox the admin reads in the app.
 * Nothing here is logged: the messages carry children's names.
 */

export type TalkMailKind = "talk-invitation" | "talk-change";

export interface MailSettings {
  /** smtp://user:pass@host:587 — unset means: keep messages in the outbox only. */
  smtpUrl?: string;
  from?: string;
  /** The app's address, for the link in the message. */
  appUrl: string;
}

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
  const talkMinutes = details.talk.sittingId ? details.event.talkMinutes : minutesBetween(details.talk.startsAt, details.talk.endsAt);

  const subject = t(kind === "talk-invitation" ? "talks.mail.subjectInvitation" : "talks.mail.subjectChange", { name: pupilName });
  const lines = [
    t("talks.mail.greeting", { name: recipient.givenName }),
    "",
    t(kind === "talk-invitation" ? "talks.mail.intro" : "talks.mail.introChange", { name: pupilName }),
    "",
    t("talks.mail.when", { date, range, minutes: talkMinutes }),
    t("talks.mail.where", { place: details.place }),
    ...(details.videoUrl ? [t("talks.mail.video", { url: details.videoUrl })] : []),
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

function minutesBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}:00Z`) - Date.parse(`${a}:00Z`)) / 60_000);
}

/** Stores one message per guardian (with an e-mail address) for each talk; returns the new ids. */
export function queueTalkMessages(db: AppDatabase, talkIds: string[], kind: TalkMailKind, appUrl: string): string[] {
  const ids: string[] = [];
  const now = new Date();
  db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    for (const talkId of talkIds) {
      const details = getTalkDetails(txdb, talkId);
      if (!details) continue;
      for (const recipient of getTalkRecipients(txdb, talkId)) {
        if (!recipient.email) continue;
        const message = composeTalkMessage(txdb, talkId, recipient, kind, appUrl);
        if (!message) continue;
        ids.push(
          insertOutboxMessage(txdb, {
            schoolId: details.event.schoolId,
            recipientId: recipient.id,
            toAddress: recipient.email,
            kind,
            locale: isLocale(recipient.preferredLocale) ? recipient.preferredLocale : defaultLocale,
            ...message,
            createdAt: now,
            transport: "outbox",
          }),
        );
      }
    }
  });
  return ids;
}

let transport: nodemailer.Transporter | null = null;

/**
 * Sends queued messages through SMTP when configured; failures are kept on the message.
 * `bodies` gives the text to send for a message instead of the stored one: a one-time link that
 * must not stay readable in the outbox once mail leaves by SMTP.
 */
export async function deliverMessages(
  db: AppDatabase,
  ids: string[],
  settings: Pick<MailSettings, "smtpUrl" | "from">,
  bodies?: ReadonlyMap<string, string>,
): Promise<void> {
  if (!settings.smtpUrl || ids.length === 0) return;
  transport ??= nodemailer.createTransport(settings.smtpUrl);
  for (const id of ids) {
    const message = getOutboxMessageById(db, id);
    if (!message) continue;
    try {
      await transport.sendMail({
        from: settings.from ?? "no-reply@localhost",
        to: message.toAddress,
        subject: message.subject,
        text: bodies?.get(id) ?? message.body,
        ...(message.calendar ? { icalEvent: { filename: "invite.ics", method: "PUBLISH", content: message.calendar } } : {}),
      });
      markOutboxMessageSent(db, id, new Date());
    } catch (error) {
      // The reason without the address or the content.
      const reason = error instanceof Error && "code" in error ? String((error as { code: unknown }).code) : "send-failed";
      markOutboxMessageFailed(db, id, reason);
    }
  }
}

/**
 * The outbox page for the school's admin (the route has required it): every message made for the
 * school and whether SMTP sends them. A message to a family with protected identity shows only
 * that it exists and its state: who it is to and what it says are for the mail server alone.
 */
export function getOutboxPage(db: AppDatabase, person: SignedInPerson) {
  return {
    smtp: Boolean(process.env.SMTP_URL),
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
      sentAt: m.sentAt?.toISOString() ?? null,
      error: m.error,
    })),
  };
}

/** A message of the school's outbox as its admin may read it; null for another school's or a protected family's. */
export function getOutboxMessage(db: AppDatabase, schoolId: string, id: string) {
  const entry = getOutboxEntry(db, id);
  return entry && entry.message.schoolId === schoolId && !entry.recipientProtected ? entry.message : null;
}
