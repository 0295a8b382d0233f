import { createEvent } from "ics";
import nodemailer from "nodemailer";
import { desc, eq } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { newId } from "../../db/ids";
import type { SignedInPerson } from "../../db/queries/roster";
import { stockholmLocalToInstant } from "../../db/school-calendar";
import { outboxMessages, people, schools } from "../../db/schema";
import { defaultLocale, isLocale, languages, supportedLocales, type Locale } from "~/i18n";
import { formatTalkTime, fullName } from "~/utils/format";
import { translatorFor } from "~/utils/i18n.server";
import { administersOwnSchool } from "./school-admin.server";
import { getTalkDetails, getTalkRecipients } from "./talk-days.server";

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
    "",
    "—",
    t("talks.mail.languageChoice", { url: appUrl }),
    // Each language named in itself, so a reader who cannot read this message still sees theirs.
    supportedLocales.map((l) => languages[l].name).join(" · "),
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
    for (const talkId of talkIds) {
      const details = getTalkDetails(tx as unknown as AppDatabase, talkId);
      if (!details) continue;
      for (const recipient of getTalkRecipients(tx as unknown as AppDatabase, talkId)) {
        if (!recipient.email) continue;
        const message = composeTalkMessage(tx as unknown as AppDatabase, talkId, recipient, kind, appUrl);
        if (!message) continue;
        const id = newId();
        tx.insert(outboxMessages)
          .values({
            id,
            schoolId: details.event.schoolId,
            recipientId: recipient.id,
            toAddress: recipient.email,
            kind,
            locale: isLocale(recipient.preferredLocale) ? recipient.preferredLocale : defaultLocale,
            ...message,
            createdAt: now,
            transport: "outbox",
          })
          .run();
        ids.push(id);
      }
    }
  });
  return ids;
}

let transport: nodemailer.Transporter | null = null;

/** Sends queued messages through SMTP when configured; failures are kept on the message. */
export async function deliverMessages(db: AppDatabase, ids: string[], settings: Pick<MailSettings, "smtpUrl" | "from">): Promise<void> {
  if (!settings.smtpUrl || ids.length === 0) return;
  transport ??= nodemailer.createTransport(settings.smtpUrl);
  for (const id of ids) {
    const message = db.select().from(outboxMessages).where(eq(outboxMessages.id, id)).get();
    if (!message) continue;
    try {
      await transport.sendMail({
        from: settings.from ?? "no-reply@localhost",
        to: message.toAddress,
        subject: message.subject,
        text: message.body,
        ...(message.calendar ? { icalEvent: { filename: "invite.ics", method: "PUBLISH", content: message.calendar } } : {}),
      });
      db.update(outboxMessages).set({ transport: "smtp", sentAt: new Date(), error: null }).where(eq(outboxMessages.id, id)).run();
    } catch (error) {
      // The reason without the address or the content.
      const reason = error instanceof Error && "code" in error ? String((error as { code: unknown }).code) : "send-failed";
      db.update(outboxMessages).set({ error: reason }).where(eq(outboxMessages.id, id)).run();
    }
  }
}

/** The school's outbox, newest first, for its admins. */
export function listOutbox(db: AppDatabase, schoolId: string, limit = 200) {
  return db.select().from(outboxMessages).where(eq(outboxMessages.schoolId, schoolId)).orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id)).limit(limit).all();
}

/** The outbox page: every message made for the person's school, and whether SMTP sends them; null for anyone but its admins. */
export function getOutboxPage(db: AppDatabase, person: SignedInPerson) {
  if (!administersOwnSchool(db, person)) return null;
  return {
    smtp: Boolean(process.env.SMTP_URL),
    messages: listOutbox(db, person.schoolId).map((m) => ({
      id: m.id,
      to: m.toAddress,
      kind: m.kind,
      locale: m.locale,
      subject: m.subject,
      body: m.body,
      calendar: m.calendar,
      createdAt: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
      error: m.error,
    })),
  };
}

export function getOutboxMessage(db: AppDatabase, schoolId: string, id: string) {
  const message = db.select().from(outboxMessages).where(eq(outboxMessages.id, id)).get();
  return message && message.schoolId === schoolId ? message : null;
}
