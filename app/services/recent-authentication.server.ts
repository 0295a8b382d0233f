import { eq } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { people } from "../../db/schema";
import type { PersonRole } from "../../db/queries/accounts";
import { signIn, type KnownDevice } from "./sign-in.server";

/**
 * Acts of intent (signing a plan) need a recent proof of who is at the keyboard, not just a
 * session that may have stayed open on a shared computer for hours. Every sign-in records its time
 * in the session (startSession); giving the password again refreshes it.
 */
export const RECENT_AUTHENTICATION_MS = 5 * 60 * 1000;

export function isRecentAuthentication(authenticatedAt: number, now: number = Date.now()): boolean {
  return authenticatedAt > 0 && authenticatedAt <= now && now - authenticatedAt <= RECENT_AUTHENTICATION_MS;
}

export type RecentAuthentication = { ok: true; refreshed: boolean } | { ok: false; error: "reauthenticate" | "wrongPassword" | "throttled" };

/**
 * Passes when the session's last authentication is recent; otherwise only with the person's own
 * password (counted against guessing like any sign-in). `refreshed`: the caller stores the new time.
 */
export async function requireRecentAuthentication(
  db: AppDatabase,
  input: {
    personId: string;
    authenticatedAt: number;
    password?: string;
    device: KnownDevice | null;
    clientAddress: string;
    /** The roles password sign-in is on for: a person whose role has it off proves themselves through their provider. */
    passwordRoles: readonly PersonRole[];
  },
  now: number = Date.now(),
): Promise<RecentAuthentication> {
  if (isRecentAuthentication(input.authenticatedAt, now)) return { ok: true, refreshed: false };
  if (!input.password) return { ok: false, error: "reauthenticate" };
  const person = db.select({ email: people.email }).from(people).where(eq(people.id, input.personId)).get();
  if (!person?.email) return { ok: false, error: "wrongPassword" };
  const check = await signIn(
    db,
    { email: person.email, password: input.password, clientAddress: input.clientAddress, device: input.device, passwordRoles: input.passwordRoles },
    now,
  );
  if (check.status === "throttled") return { ok: false, error: "throttled" };
  if (check.status !== "ok" || check.personId !== input.personId) return { ok: false, error: "wrongPassword" };
  return { ok: true, refreshed: true };
}
