import { createHash } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { eq, inArray } from "drizzle-orm";
import pLimit from "p-limit";
import type { AppDatabase } from "../../db/client";
import { getPersonRoles, passwordServes, type PersonRole } from "../../db/queries/accounts";
import { credentials, people, signInFailures } from "../../db/schema";

/** Failures allowed before each further attempt has to wait. An address is shared by a whole
 * school behind one router, so it gets far more room than one account. */
const FREE_FAILURES = { account: 5, address: 50 } as const;
const MAX_WAIT_SECONDS = 15 * 60;
/** Failures older than this are forgotten. */
const FAILURE_MEMORY_MS = 60 * 60 * 1000;

export type SignInResult =
  | { status: "ok"; personId: string }
  | { status: "invalid" }
  /** The password was right, but password sign-in is switched off for a role the person has. */
  | { status: "passwordOff" }
  | { status: "throttled"; retryAfterSeconds: number };

const throttleKey = (kind: keyof typeof FREE_FAILURES, value: string) =>
  `${kind}:${createHash("sha256").update(`${kind}:${value}`).digest("base64url")}`;

/** Seconds to wait before the next attempt after `failures` failures (exponential back-off). */
export function waitAfterFailures(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(2 ** (failures - free + 1), MAX_WAIT_SECONDS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Password checks running at once. Each argon2 check holds about 19 MiB while it runs; a class
 * signing in together (or someone flooding the form) would otherwise run one per thread-pool
 * thread and push the server's memory up by the lot. Two at a time still uses both cores.
 */
const passwordChecks = pLimit(2);

/** The argon2id hash of a new password (queued with the checks: each holds the same memory). */
export function hashPassword(password: string): Promise<string> {
  return passwordChecks(() => hash(password));
}

/**
 * Checks an e-mail and password, slowing down repeated failures per account and per address.
 * `passwordRoles` are the roles password sign-in is on for (PASSWORD_SIGN_IN): a right password
 * of a person with another role answers "passwordOff" — only after the password was right, so the
 * answer tells a stranger nothing about which addresses belong to whom.
 */
export async function signIn(
  db: AppDatabase,
  input: { email: string; password: string; clientAddress: string; passwordRoles: readonly PersonRole[] },
  now: number = Date.now(),
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const keys = { account: throttleKey("account", email), address: throttleKey("address", input.clientAddress) };

  const records = db
    .select()
    .from(signInFailures)
    .where(inArray(signInFailures.key, [keys.account, keys.address]))
    .all()
    .filter((r) => now - r.lastFailureAt.getTime() < FAILURE_MEMORY_MS);
  let retryAfterSeconds = 0;
  for (const record of records) {
    const kind = record.key.startsWith("account:") ? "account" : "address";
    const readyAt = record.lastFailureAt.getTime() + waitAfterFailures(record.failures, FREE_FAILURES[kind]) * 1000;
    retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((readyAt - now) / 1000));
  }
  if (retryAfterSeconds > 0) return { status: "throttled", retryAfterSeconds };

  const account = db
    .select({ personId: people.id, passwordHash: credentials.passwordHash })
    .from(people)
    .innerJoin(credentials, eq(credentials.personId, people.id))
    .where(eq(people.email, email))
    .get();
  // Verify against a throwaway hash when there is no account, so timing does not reveal which e-mails exist.
  dummyHash ??= hash("not-a-password-of-anyone");
  const storedHash = account?.passwordHash ?? (await dummyHash);
  const valid = await passwordChecks(() => verify(storedHash, input.password)).catch(() => false);

  if (account && valid) {
    db.delete(signInFailures).where(eq(signInFailures.key, keys.account)).run();
    if (!passwordServes(getPersonRoles(db, account.personId), input.passwordRoles)) return { status: "passwordOff" };
    return { status: "ok", personId: account.personId };
  }

  db.transaction((tx) => {
    for (const key of [keys.account, keys.address]) {
      const existing = records.find((r) => r.key === key);
      const failures = existing ? existing.failures + 1 : 1;
      tx.insert(signInFailures)
        .values({ key, failures, lastFailureAt: new Date(now) })
        .onConflictDoUpdate({ target: signInFailures.key, set: { failures, lastFailureAt: new Date(now) } })
        .run();
    }
  });
  return { status: "invalid" };
}
