import { and, asc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import {
  credentials,
  groupMembers,
  groups,
  guardianships,
  passwordTokens,
  people,
  pupils,
  requestLimits,
  schools,
  sessions,
  staff,
} from "../schema";

/**
 * Accounts: how people sign in. The roles a person has (for which sign-in methods serve them),
 * finding a person by an identity provider's claim, passwords, one-time password links, request
 * limits. Every read and write of those tables goes through here.
 */

/** The roles sign-in settings are given per (PASSWORD_SIGN_IN, each provider's people). */
export const PERSON_ROLES = ["staff", "pupil", "guardian"] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** The roles a person has at their school: staff, pupil, guardian (a person may have several). */
export function getPersonRoles(db: AppDatabase, personId: string): PersonRole[] {
  const row = db
    .select({
      staffId: staff.personId,
      pupilId: pupils.personId,
      guardian: sql<number>`exists (select 1 from ${guardianships} where ${guardianships.guardianId} = ${people.id})`,
    })
    .from(people)
    .leftJoin(staff, eq(staff.personId, people.id))
    .leftJoin(pupils, eq(pupils.personId, people.id))
    .where(eq(people.id, personId))
    .get();
  if (!row) return [];
  const roles: PersonRole[] = [];
  if (row.staffId) roles.push("staff");
  if (row.pupilId) roles.push("pupil");
  if (row.guardian) roles.push("guardian");
  return roles;
}

/** Password sign-in serves a person only when it is on for every role they have: a teacher who is
 * also a guardian must not get staff rights through a password when staff sign in elsewhere. */
export function passwordServes(roles: readonly PersonRole[], passwordRoles: readonly PersonRole[]): boolean {
  return roles.length > 0 && roles.every((role) => passwordRoles.includes(role));
}

export interface AccountPerson {
  id: string;
  email: string | null;
  givenName: string;
  preferredLocale: string | null;
  schoolId: string;
}

const accountColumns = {
  id: people.id,
  email: people.email,
  givenName: people.givenName,
  preferredLocale: people.preferredLocale,
  schoolId: people.schoolId,
};

/** The person with this e-mail address (compared case-insensitively), or null. */
export function findPersonByEmail(db: AppDatabase, email: string): AccountPerson | null {
  return db.select(accountColumns).from(people).where(eq(people.email, email.trim().toLowerCase())).get() ?? null;
}

/** Everyone whose source-system identifier is this value (one per school at most). */
export function findPeopleByExternalId(db: AppDatabase, externalId: string): AccountPerson[] {
  return db.select(accountColumns).from(people).where(eq(people.externalId, externalId)).all();
}

export function getAccountPerson(db: AppDatabase, personId: string): AccountPerson | null {
  return db.select(accountColumns).from(people).where(eq(people.id, personId)).get() ?? null;
}

const credentialOf = preparedQuery((db) => db.select({ id: credentials.personId }).from(credentials).where(eq(credentials.personId, sql.placeholder("personId"))).prepare());

export function hasPassword(db: AppDatabase, personId: string): boolean {
  return credentialOf(db).get({ personId }) !== undefined;
}

/**
 * A new one-time password link's token, stored only as its hash. The person's earlier links stop
 * working: only the newest mail holds a link (an earlier one may have gone to an address the person
 * no longer has, or be lying in an outbox).
 */
export function insertPasswordToken(
  db: AppDatabase,
  token: { id: string; personId: string; tokenHash: string; purpose: "invitation" | "reset"; createdAt: Date; expiresAt: Date },
): void {
  db.delete(passwordTokens).where(eq(passwordTokens.personId, token.personId)).run();
  db.insert(passwordTokens).values(token).run();
}

/** The unexpired token with this hash, or null. */
export function findValidPasswordToken(db: AppDatabase, tokenHash: string, now: Date) {
  return (
    db
      .select()
      .from(passwordTokens)
      .where(and(eq(passwordTokens.tokenHash, tokenHash), gt(passwordTokens.expiresAt, now)))
      .get() ?? null
  );
}

/**
 * Uses a token to set the person's password, in one transaction: the token must still be valid
 * (a second use of the same link, or one racing it, finds nothing), every outstanding link of
 * the person is voided and every session of theirs ends. Returns the person's id and the ended
 * sessions (so their open sockets and streams can be closed), or null.
 */
export function setPasswordWithToken(db: AppDatabase, tokenHash: string, passwordHash: string, now: Date): { personId: string; endedSessionIds: string[] } | null {
  return db.transaction((tx) => {
    const token = tx
      .select({ personId: passwordTokens.personId })
      .from(passwordTokens)
      .where(and(eq(passwordTokens.tokenHash, tokenHash), gt(passwordTokens.expiresAt, now)))
      .get();
    if (!token) return null;
    tx.delete(passwordTokens).where(eq(passwordTokens.personId, token.personId)).run();
    tx.insert(credentials)
      .values({ personId: token.personId, passwordHash, updatedAt: now })
      .onConflictDoUpdate({ target: credentials.personId, set: { passwordHash, updatedAt: now } })
      .run();
    const ended = tx.delete(sessions).where(eq(sessions.personId, token.personId)).returning({ id: sessions.id }).all();
    return { personId: token.personId, endedSessionIds: ended.map((s) => s.id) };
  });
}

/** Removes password links past their expiry; run now and then by the server. */
export function deleteExpiredPasswordTokens(db: AppDatabase, now: Date = new Date()): number {
  return db.delete(passwordTokens).where(lt(passwordTokens.expiresAt, now)).run().changes;
}

/**
 * Counts one request against `key` in a fixed window and says whether it is within `limit` (and
 * if not, how long until the window ends). Keys are hashed by the caller, so the table holds no
 * addresses in clear.
 */
export function countRequest(
  db: AppDatabase,
  key: string,
  limit: number,
  windowMs: number,
  now: number,
): { allowed: boolean; retryAfterSeconds: number } {
  return db.transaction((tx) => {
    const row = tx.select().from(requestLimits).where(eq(requestLimits.key, key)).get();
    const fresh = !row || now - row.windowStartedAt.getTime() >= windowMs;
    const count = fresh ? 1 : row.count + 1;
    const windowStartedAt = fresh ? new Date(now) : row.windowStartedAt;
    tx.insert(requestLimits)
      .values({ key, count, windowStartedAt })
      .onConflictDoUpdate({ target: requestLimits.key, set: { count, windowStartedAt } })
      .run();
    const allowed = count <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil((windowStartedAt.getTime() + windowMs - now) / 1000) };
  });
}

/** Forgets request counts whose window has passed. */
export function deleteOldRequestLimits(db: AppDatabase, olderThan: Date): number {
  return db.delete(requestLimits).where(lt(requestLimits.windowStartedAt, olderThan)).run().changes;
}

export interface AccountRow {
  id: string;
  givenName: string;
  familyName: string;
  hasEmail: boolean;
  hasPassword: boolean;
  protectedIdentity: boolean;
  /** When the newest unexpired invitation or reset link runs out, if any. */
  linkExpiresAt: Date | null;
}

function accountRows(db: AppDatabase, personIds: string[], now: Date): AccountRow[] {
  if (personIds.length === 0) return [];
  const rows = db
    .select({
      id: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
      email: people.email,
      protectedIdentity: people.protectedIdentity,
      credential: credentials.personId,
    })
    .from(people)
    .leftJoin(credentials, eq(credentials.personId, people.id))
    .where(inArray(people.id, personIds))
    .orderBy(asc(people.givenName), asc(people.familyName))
    .all();
  const links = db
    .select({ personId: passwordTokens.personId, expiresAt: sql<number>`max(${passwordTokens.expiresAt})` })
    .from(passwordTokens)
    .where(and(inArray(passwordTokens.personId, personIds), gt(passwordTokens.expiresAt, now)))
    .groupBy(passwordTokens.personId)
    .all();
  const linkOf = new Map(links.map((l) => [l.personId, new Date(l.expiresAt)]));
  return rows.map((r) => ({
    id: r.id,
    givenName: r.givenName,
    familyName: r.familyName,
    hasEmail: r.email !== null,
    hasPassword: r.credential !== null,
    protectedIdentity: r.protectedIdentity,
    linkExpiresAt: linkOf.get(r.id) ?? null,
  }));
}

/** The school's staff with their account state, for the admin's account page. */
export function listStaffAccounts(db: AppDatabase, schoolId: string, now: Date): AccountRow[] {
  const ids = db
    .select({ id: staff.personId })
    .from(staff)
    .innerJoin(people, eq(people.id, staff.personId))
    .where(eq(people.schoolId, schoolId))
    .all()
    .map((r) => r.id);
  return accountRows(db, ids, now);
}

/** A class's pupils and their guardians with their account state, for the admin's account page. */
export function listClassAccounts(
  db: AppDatabase,
  schoolId: string,
  groupId: string,
  now: Date,
): { pupils: AccountRow[]; guardians: Array<AccountRow & { childIds: string[] }> } | null {
  const group = db.select({ schoolId: groups.schoolId, type: groups.type }).from(groups).where(eq(groups.id, groupId)).get();
  if (!group || group.schoolId !== schoolId || group.type !== "class") return null;
  const pupilIds = db.select({ id: groupMembers.pupilId }).from(groupMembers).where(eq(groupMembers.groupId, groupId)).all().map((r) => r.id);
  const ties =
    pupilIds.length === 0
      ? []
      : db
          .select({ guardianId: guardianships.guardianId, pupilId: guardianships.pupilId })
          .from(guardianships)
          .where(inArray(guardianships.pupilId, pupilIds))
          .all();
  const childrenOf = new Map<string, string[]>();
  for (const tie of ties) childrenOf.set(tie.guardianId, [...(childrenOf.get(tie.guardianId) ?? []), tie.pupilId]);
  return {
    pupils: accountRows(db, pupilIds, now),
    guardians: accountRows(db, [...childrenOf.keys()], now).map((row) => ({ ...row, childIds: childrenOf.get(row.id) ?? [] })),
  };
}

/** The school's classes, for choosing whose accounts to list. */
export function listClasses(db: AppDatabase, schoolId: string) {
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(and(eq(groups.schoolId, schoolId), eq(groups.type, "class")))
    .orderBy(asc(groups.schoolYear), asc(groups.name))
    .all();
}

/** The school's name, for signing the mails about accounts. */
export function getSchoolName(db: AppDatabase, schoolId: string): string | null {
  return db.select({ name: schools.name }).from(schools).where(eq(schools.id, schoolId)).get()?.name ?? null;
}
