import { createHash, randomBytes } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import {
  countRequest,
  findPersonByEmail,
  findValidPasswordToken,
  getAccountPerson,
  getSchoolName,
  getPersonRoles,
  insertPasswordToken,
  passwordServes,
  setPasswordWithToken,
  type AccountPerson,
} from "../../db/queries/accounts";
import { newId } from "../../db/ids";
import type { SignedInPerson } from "../../db/queries/roster";
import { defaultLocale, isLocale, type Locale } from "~/i18n";
import { hashPassword } from "./sign-in.server";
import { canInSchool } from "~/policies/school.server";
import { translatorFor } from "~/utils/i18n.server";
import { dispatch, storeMessage, type StoredMessage } from "./mail-delivery.server";
import { mailLanguageFooter } from "./talk-mail.server";

/**
 * One-time links to set a password: an admin's invitation, or "forgot password". The token is
 * 32 random bytes; only its SHA-256 is stored. A link works for an hour and once: using it voids
 * every other link of the person and ends all their sessions. Mails go through the outbox in the
 * person's language; links are built on PUBLIC_URL, never on the request's Host header. A link is a
 * one-time secret (mail-delivery.server.ts): with SMTP the mail is sent at once and the outbox keeps
 * it without its link (the admin who reads the outbox cannot use it); a failed send is not retried.
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
const LINK_MS = 60 * 60 * 1000;
/** Reset requests: per client address (a school shares one) and, silently, per account. */
const RESET_LIMITS = {
  address: { limit: 20, windowMs: 15 * 60 * 1000 },
  account: { limit: 3, windowMs: 60 * 60 * 1000 },
} as const;

type Context = Pick<AppLoadContext, "db" | "signIn" | "sessionEvents" | "mail">;
type Purpose = "invitation" | "reset";

const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

/** Password sign-in is on for every role the person has. */
function mayUsePassword(context: Context, personId: string): boolean {
  return passwordServes(getPersonRoles(context.db, personId), context.signIn.passwordRoles);
}

function composeMail(context: Context, person: AccountPerson, purpose: Purpose, link: string | null) {
  const locale: Locale = isLocale(person.preferredLocale) ? person.preferredLocale : defaultLocale;
  const t = translatorFor(locale);
  const school = getSchoolName(context.db, person.schoolId) ?? "";
  const kind = purpose === "invitation" ? "invitation" : "reset";
  const body = [
    t("accountMail.greeting", { name: person.givenName }),
    "",
    purpose === "invitation" ? t("accountMail.invitationIntro", { school }) : t("accountMail.resetIntro"),
    "",
    t(`accountMail.${kind}Action`),
    link ?? t("accountMail.linkSent"),
    "",
    t("accountMail.expires"),
    ...(purpose === "reset" ? [t("accountMail.ignore")] : []),
    "",
    t("accountMail.signature", { school }),
    ...mailLanguageFooter(t, context.signIn.publicUrl),
  ].join("\n");
  return { locale, subject: t(`accountMail.${kind}Subject`), body };
}

/** Makes a link for the person and stores its mail (the link masked, see mail-delivery.server.ts), for `dispatch`. */
function issueLink(context: Context, person: AccountPerson & { email: string }, purpose: Purpose, now: Date): StoredMessage {
  const token = randomBytes(32).toString("base64url");
  const link = `${context.signIn.publicUrl}/password/set?token=${token}`;
  const sent = composeMail(context, person, purpose, link);
  const masked = composeMail(context, person, purpose, null);
  return context.db.transaction((tx) => {
    insertPasswordToken(tx as unknown as AppLoadContext["db"], {
      id: newId(),
      personId: person.id,
      tokenHash: sha256(token),
      purpose,
      createdAt: now,
      expiresAt: new Date(now.getTime() + LINK_MS),
    });
    return storeMessage(
      tx as unknown as AppLoadContext["db"],
      context.mail.delivery,
      {
        schoolId: person.schoolId,
        recipientId: person.id,
        toAddress: person.email,
        kind: purpose === "invitation" ? "password-invitation" : "password-reset",
        locale: sent.locale,
        subject: sent.subject,
        body: masked.body,
        secretBody: sent.body,
        createdAt: now,
      },
      now,
    );
  });
}

function deliver(context: Context, issued: StoredMessage[]) {
  dispatch(context.mail, issued);
}

export type InvitationResult = { ok: true; sent: number; skipped: number } | { ok: false; error: "forbidden" };

/** An admin sends invitation links to people of their school who may sign in with a password
 * and have an e-mail address; the others are counted as skipped. */
export function sendPasswordInvitations(context: Context, admin: SignedInPerson, personIds: string[], now = new Date()): InvitationResult {
  if (!canInSchool({ person: admin, schoolId: admin.schoolId }, "administer")) return { ok: false, error: "forbidden" };
  const issued: StoredMessage[] = [];
  let skipped = 0;
  for (const personId of new Set(personIds)) {
    const person = getAccountPerson(context.db, personId);
    if (!person || person.schoolId !== admin.schoolId || !person.email || !mayUsePassword(context, person.id)) {
      skipped += 1;
      continue;
    }
    issued.push(issueLink(context, { ...person, email: person.email }, "invitation", now));
  }
  deliver(context, issued);
  return { ok: true, sent: issued.length, skipped };
}

export type ResetResult = { ok: true } | { ok: false; error: "throttled"; retryAfterSeconds: number };

/**
 * "Forgot password": sends a reset link when the address belongs to someone who may sign in with
 * a password. The answer is the same whoever the address belongs to (or nobody); only a flood
 * from one client address is told to wait. A person gets at most a few links an hour.
 */
export function requestPasswordReset(context: Context, input: { email: string; clientAddress: string }, now = new Date()): ResetResult {
  const byAddress = countRequest(
    context.db,
    `reset-address:${sha256(`reset-address:${input.clientAddress}`)}`,
    RESET_LIMITS.address.limit,
    RESET_LIMITS.address.windowMs,
    now.getTime(),
  );
  if (!byAddress.allowed) return { ok: false, error: "throttled", retryAfterSeconds: byAddress.retryAfterSeconds };
  const person = findPersonByEmail(context.db, input.email);
  if (person?.email && mayUsePassword(context, person.id)) {
    const byAccount = countRequest(
      context.db,
      `reset-account:${sha256(`reset-account:${person.id}`)}`,
      RESET_LIMITS.account.limit,
      RESET_LIMITS.account.windowMs,
      now.getTime(),
    );
    if (byAccount.allowed) deliver(context, [issueLink(context, { ...person, email: person.email }, "reset", now)]);
  }
  return { ok: true };
}

/** What a valid link is for (to title its page), or null when it is unknown, used, expired, or its
 * person may no longer sign in with a password. */
export function getPasswordLink(context: Context, token: string, now = new Date()): { purpose: Purpose; email: string | null } | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = findValidPasswordToken(context.db, sha256(token), now);
  if (!row || !mayUsePassword(context, row.personId)) return null;
  return { purpose: row.purpose, email: getAccountPerson(context.db, row.personId)?.email ?? null };
}

/** Sets the password through a link (once); returns the person to sign in, or null when the link is not valid. */
export async function setPasswordWithLink(context: Context, token: string, password: string, now = new Date()): Promise<string | null> {
  if (!getPasswordLink(context, token, now)) return null;
  const passwordHash = await hashPassword(password);
  // The token is checked again inside the transaction: a second use racing this one finds nothing.
  const done = setPasswordWithToken(context.db, sha256(token), passwordHash, now);
  if (!done) return null;
  // Every session of the person ended: their open sockets and event streams end with them.
  for (const sessionId of done.endedSessionIds) context.sessionEvents.publish(sessionId, "ended");
  return done.personId;
}
