import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { eq, inArray } from "drizzle-orm";
import pLimit from "p-limit";
import type { AppDatabase } from "../../db/client";
import { getPersonRoles, passwordServes, type PersonRole } from "../../db/queries/accounts";
import { credentials, people, signInFailures } from "../../db/schema";

/**
 * Failures allowed before each further attempt has to wait, per bucket. A stranger's attempt (a
 * browser this account has not signed in on) counts for the account and address together, for the
 * account from anywhere, and for the address across accounts; an attempt on a known device counts
 * only for that device and account. So guessing from one place is slowed at once, guessing from
 * many places locks strangers out of the account, and none of it locks the owner's own devices.
 * An address is shared by a whole school behind one router, so it gets far more room.
 */
const FREE_FAILURES = { device: 5, pair: 5, account: 10, address: 50 } as const;
type Bucket = keyof typeof FREE_FAILURES;
const MAX_WAIT_SECONDS = 15 * 60;
/** Failures older than this are forgotten. */
const FAILURE_MEMORY_MS = 60 * 60 * 1000;
/** Accounts one browser remembers (a family computer). */
const MAX_ACCOUNTS_PER_DEVICE = 10;

export type SignInResult =
  | { status: "ok"; personId: string }
  | { status: "invalid" }
  /** The password was right, but password sign-in is switched off for a role the person has. */
  | { status: "passwordOff" }
  | { status: "throttled"; retryAfterSeconds: number };

/** A browser an account has signed in on before: a random id and the (hashed) accounts. Kept in a signed cookie. */
export interface KnownDevice {
  id: string;
  accounts: string[];
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();
const digest = (text: string) => createHash("sha256").update(text).digest("base64url");
const throttleKey = (bucket: Bucket, ...parts: string[]) => `${bucket}:${digest([bucket, ...parts].join("\n"))}`;

/** How a device names an account: a hash, so the cookie holds no e-mail address. */
export function accountTag(email: string): string {
  return digest(`known-device:${normaliseEmail(email)}`).slice(0, 22);
}

/** The device with this account added (a new device when there was none). */
export function rememberAccount(device: KnownDevice | null, email: string): KnownDevice {
  const tag = accountTag(email);
  const current = device ?? { id: randomBytes(18).toString("base64url"), accounts: [] };
  return { id: current.id, accounts: [tag, ...current.accounts.filter((a) => a !== tag)].slice(0, MAX_ACCOUNTS_PER_DEVICE) };
}

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
 * Checks an e-mail and password, slowing down repeated failures (see FREE_FAILURES).
 * `passwordRoles` are the roles password sign-in is on for (PASSWORD_SIGN_IN): a right password
 * of a person with another role answers "passwordOff" — only after the password was right, so the
 * answer tells a stranger nothing about which addresses belong to whom.
 */
export async function signIn(
  db: AppDatabase,
  input: { email: string; password: string; clientAddress: string; device?: KnownDevice | null; passwordRoles: readonly PersonRole[] },
  now: number = Date.now(),
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const known = input.device?.accounts.includes(accountTag(email)) === true;
  const buckets: Array<{ bucket: Bucket; key: string }> = known
    ? [{ bucket: "device", key: throttleKey("device", input.device!.id, email) }]
    : [
        { bucket: "pair", key: throttleKey("pair", email, input.clientAddress) },
        { bucket: "account", key: throttleKey("account", email) },
        { bucket: "address", key: throttleKey("address", input.clientAddress) },
      ];

  const records = db
    .select()
    .from(signInFailures)
    .where(
      inArray(
        signInFailures.key,
        buckets.map((b) => b.key),
      ),
    )
    .all()
    .filter((r) => now - r.lastFailureAt.getTime() < FAILURE_MEMORY_MS);
  let retryAfterSeconds = 0;
  for (const { bucket, key } of buckets) {
    const record = records.find((r) => r.key === key);
    if (!record) continue;
    const readyAt = record.lastFailureAt.getTime() + waitAfterFailures(record.failures, FREE_FAILURES[bucket]) * 1000;
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
    // The address's count stays: it is about guessing across accounts, not this one.
    const cleared = buckets.filter((b) => b.bucket !== "address").map((b) => b.key);
    db.delete(signInFailures).where(inArray(signInFailures.key, cleared)).run();
    if (!passwordServes(getPersonRoles(db, account.personId), input.passwordRoles)) return { status: "passwordOff" };
    return { status: "ok", personId: account.personId };
  }

  db.transaction((tx) => {
    for (const { key } of buckets) {
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
