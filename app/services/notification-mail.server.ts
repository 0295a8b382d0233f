import type { AppDatabase } from "../../db/client";
import {
  getDueMail,
  getMailRecipient,
  getNextMailDue,
  getNotificationState,
  recordMailDone,
  requestMailAt,
} from "../../db/queries/notifications";
import { getSignedInPerson } from "../../db/queries/roster";
import { defaultLocale, isLocale, type Locale } from "~/i18n";
import { hearsOf } from "~/policies/notification.server";
import { findRelations } from "~/policies/relations.server";
import { fullName } from "~/utils/format";
import { collectNews, type NewsItem } from "./notifications.server";
import { translatorFor } from "~/utils/i18n.server";
import { dispatch, storeMessage, type MailDelivery } from "./mail-delivery.server";
import { mailLanguageFooter } from "./talk-mail.server";

/**
 * E-mail about what waits for a person: "your signature is needed", "a question for you" and, for
 * a called teacher who has no page of the app open, the call. Batched: at most one mail per person
 * per window (NOTIFICATION_MAIL_MINUTES), which tells of everything mail-worthy since the last one
 * that still waits (a question already answered, a plan already signed is left out). A call does
 * not wait for the window. The person's setting (on their home page) turns it off.
 *
 * A mail says only that something waits, for whom and where: the pupil's name (never a protected
 * pupil's, since mail leaves the school's hands) and a link on PUBLIC_URL — no subject, question or
 * plan text. It goes through the outbox like every other mail; nothing of it is logged.
 */

export interface NotificationMailer {
  /** The window: at most one mail per person per this many minutes (told on the settings page). */
  readonly windowMinutes: number;
  /** Something mail-worthy happened for these people (a question, a lock): a mail when their window allows. */
  request(personIds: readonly string[]): void;
  /** Teachers were called to a talk: those on no page of the app get a mail at once. */
  tellOfCall(teacherIds: readonly string[], pupilId: string): void;
}

export interface NotificationMailerSettings {
  /** At most one mail per person per this many milliseconds (calls excepted). */
  windowMs: number;
  /** How mail leaves (server/app.ts): stored here, sent by the mail scheduler with its retries. */
  mail: MailDelivery;
  /** Where people reach the app (PUBLIC_URL): the links in the mail. */
  publicUrl(): string;
  /** Whether the person has a page of the app open (an event stream). */
  onAPage(personId: string): boolean;
  /** A failure, told without content (the caller logs its kind). */
  onError(error: unknown): void;
}

/** How far back the first mail to a person reaches. */
const FIRST_MAIL_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/** The scheduler: requests set when a person's mail is due; one timer fires at the earliest. */
export function startNotificationMailer(db: AppDatabase, settings: NotificationMailerSettings): NotificationMailer & { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const arm = () => {
    if (stopped) return;
    clearTimeout(timer);
    const next = getNextMailDue(db);
    if (!next) return;
    timer = setTimeout(run, Math.max(0, next.getTime() - Date.now()));
    timer.unref();
  };

  const run = () => {
    try {
      const now = new Date();
      for (const state of getDueMail(db, now)) sendDigest(db, state.personId, now, settings);
    } catch (error) {
      settings.onError(error);
    }
    arm();
  };

  const due = (personId: string, now: Date, urgent: boolean) => {
    const state = getNotificationState(db, personId);
    if (!state.mailEnabled) return;
    const windowEnd = state.lastMailAt ? state.lastMailAt.getTime() + settings.windowMs : 0;
    requestMailAt(db, personId, urgent ? now : new Date(Math.max(now.getTime(), windowEnd)));
  };

  // Mail that was due before a restart goes out now.
  arm();

  return {
    windowMinutes: settings.windowMs / 60_000,
    request(personIds) {
      const now = new Date();
      for (const personId of new Set(personIds)) due(personId, now, false);
      arm();
    },
    tellOfCall(teacherIds, pupilId) {
      const now = new Date();
      for (const teacherId of new Set(teacherIds)) {
        const relations = findRelations(db, teacherId, pupilId);
        if (hearsOf({ relations, plan: { status: "draft" }, onAPage: settings.onAPage(teacherId) }, "mailCall")) due(teacherId, now, true);
      }
      arm();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Puts together and queues one person's mail, or none when nothing mail-worthy still waits. */
function sendDigest(db: AppDatabase, personId: string, now: Date, settings: NotificationMailerSettings): void {
  const state = getNotificationState(db, personId);
  const person = getSignedInPerson(db, personId);
  const recipient = getMailRecipient(db, personId);
  if (!state.mailEnabled || !person || !recipient?.email) {
    recordMailDone(db, personId, now, null);
    return;
  }
  const floor = state.mailedUntil ?? new Date(now.getTime() - FIRST_MAIL_LOOKBACK_MS);
  const items = collectNews(db, person, { now, floor, onAPage: settings.onAPage(personId) }).filter((item) => item.mailWorthy);
  if (items.length === 0) {
    recordMailDone(db, personId, now, null);
    return;
  }
  const locale: Locale = isLocale(recipient.preferredLocale) ? recipient.preferredLocale : defaultLocale;
  const message = composeNotificationMail(items, { givenName: recipient.givenName, schoolName: recipient.schoolName }, locale, settings.publicUrl());
  const stored = db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    const kept = storeMessage(
      txdb,
      settings.mail.delivery,
      {
        schoolId: recipient.schoolId,
        recipientId: personId,
        toAddress: recipient.email!,
        kind: "notification",
        locale,
        subject: message.subject,
        body: message.body,
        calendar: null,
        createdAt: now,
      },
      now,
    );
    recordMailDone(txdb, personId, now, now);
    return kept;
  });
  // The scheduler is woken: a call's mail leaves now, not at its next round.
  dispatch(settings.mail, [stored]);
}

/** The mail's subject (no names: it shows on lock screens) and body, in the recipient's language. */
export function composeNotificationMail(
  items: NewsItem[],
  recipient: { givenName: string; schoolName: string },
  locale: Locale,
  appUrl: string,
): { subject: string; body: string } {
  const t = translatorFor(locale);
  // A protected pupil is never named in mail; nor is anyone the recipient may not see by name.
  const pupil = (item: NewsItem) => (item.pupil && !item.pupil.masked && !item.pupilProtected ? fullName(item.pupil) : t("notifications.mail.aPupil"));
  const lines = items.map((item) => {
    const own = item.pupil === null;
    const what =
      item.kind === "signature"
        ? own
          ? t("notifications.mail.signatureOwn")
          : t("notifications.mail.signature", { pupil: pupil(item) })
        : item.kind === "question"
          ? t("notifications.mail.question", { pupil: pupil(item), count: item.count })
          : t("notifications.mail.call", { pupil: pupil(item) });
    return `– ${what}\n  ${t(item.kind === "call" ? "notifications.mail.openTalk" : "notifications.mail.openPlan")}: ${appUrl}${item.path}`;
  });
  const only = items.length === 1 ? items[0]! : null;
  const subject = only
    ? t(`notifications.mail.subject.${only.kind as "signature" | "question" | "call"}`)
    : t("notifications.mail.subject.several", { count: items.length });
  const body = [
    t("notifications.mail.greeting", { name: recipient.givenName }),
    "",
    t("notifications.mail.intro"),
    "",
    ...lines.flatMap((line) => [line, ""]),
    t("notifications.mail.settings", { url: `${appUrl}/settings` }),
    "",
    t("notifications.mail.closing", { school: recipient.schoolName }),
    ...mailLanguageFooter(t, appUrl),
  ].join("\n");
  return { subject, body };
}

