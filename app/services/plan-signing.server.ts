import { randomBytes } from "node:crypto";
import { z } from "zod";
import { parseForm, type Result } from "~/utils/action-result.server";
import type { AppLoadContext } from "@remix-run/node";
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { newId } from "../../db/ids";
import { preparedQuery } from "../../db/prepared";
import { auditEvents, guardianships, people, planVersions, plans, signatures, type Plan, type PlanVersion } from "../../db/schema";
import { buildPlanRecord, canonicalJson, hashRecord, type PlanRecord } from "./plan-record.server";
import { requireRecentAuthentication } from "./recent-authentication.server";
import { getCurrentPublicKey, getPublicSigningKeys, sha256Hex, verifySeal, type PublicSigningKey } from "./signing-key.server";
import { signIn, type KnownDevice } from "./sign-in.server";
import { findRelations } from "~/policies/relations.server";
import { canOnSigning, type SignerRole } from "~/policies/signing.server";

/**
 * Locking, signing, unlocking and verifying a plan. A lock freezes the live document and the
 * plan's SQL around it into one canonical record with a SHA-256; each signature is a statement
 * over that hash, sealed with the server's Ed25519 key. Nothing here ever edits a stored record
 * or signature: an unlock voids the version and the plan continues as the next one.
 */

export type { SignerRole };
export interface RequiredSigner {
  personId: string;
  role: SignerRole;
}

export type SigningError =
  | "validation"
  | "notFound"
  | "forbidden"
  | "notDraft"
  | "notLocked"
  | "notRequired"
  | "alreadySigned"
  | "wrongPassword"
  | "throttled"
  | "reasonMissing"
  | "staleVersion"
  | "reauthenticate";

export type SigningResult<T = object> = Result<T, SigningError> & {
  /** staleVersion: the version in force now. */
  currentVersion?: number;
};

const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

/** A short code printed on the PDF, e.g. "7K2QX-M9D4T" (50 random bits). */
function newVerificationCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b & 31]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5, 10)}`;
}

export function normaliseVerificationCode(input: string): string {
  const chars = input.toUpperCase().replace(/[^0-9A-Z]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return chars.length === 10 ? `${chars.slice(0, 5)}-${chars.slice(5)}` : "";
}

const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

/** The version in force: the newest one that is not voided. */
export function getCurrentVersion(db: AppDatabase, planId: string): PlanVersion | null {
  return listVersions(db, planId).find((v) => v.status !== "voided") ?? null;
}

/** Guardians who may sign: those who can read the plan now (from 18, only with the pupil's consent). */
export function getSigningGuardians(db: AppDatabase, plan: Plan) {
  return db
    .select({ id: people.id, givenName: people.givenName, familyName: people.familyName })
    .from(guardianships)
    .innerJoin(people, eq(people.id, guardianships.guardianId))
    .where(eq(guardianships.pupilId, plan.pupilId))
    .orderBy(asc(people.givenName))
    .all()
    .filter((guardian) => canOnSigning(findRelations(db, guardian.id, plan.pupilId), plan, "beSigningGuardian"));
}

/** How many of the current version's required signers have signed (0 of 0 while a draft). */
export function getSigningProgress(db: AppDatabase, planId: string): { signed: number; required: number } {
  const version = getCurrentVersion(db, planId);
  if (!version) return { signed: 0, required: 0 };
  const signed = db.select({ id: signatures.id }).from(signatures).where(eq(signatures.planVersionId, version.id)).all().length;
  return { signed, required: (JSON.parse(version.requiredSigners) as unknown[]).length };
}

/**
 * The mentor locks the plan for signing. The live document is frozen and the record stored in
 * one synchronous step, so an update racing the lock is either in the record or refused.
 */
export function lockPlan(
  context: Pick<AppLoadContext, "db" | "collaboration" | "planEvents" | "faults">,
  input: { plan: Plan; mentorId: string; guardianIds: string[] },
): SigningResult<{ version: PlanVersion }> {
  const { db } = context;
  if (!canOnSigning(findRelations(db, input.mentorId, input.plan.pupilId), input.plan, "lock")) return { ok: false, error: "forbidden" };
  const guardians = getSigningGuardians(db, input.plan).filter((g) => input.guardianIds.includes(g.id));
  const required: RequiredSigner[] = [
    { personId: input.plan.pupilId, role: "pupil" },
    ...guardians.map((g) => ({ personId: g.id, role: "guardian" as const })),
    { personId: input.mentorId, role: "mentor" },
  ];
  // One synchronous step (see freezePlan): the live document stops taking updates, the record is
  // made from it and stored with the plan's new status and the log row in one transaction, and
  // only then are the writers closed. A crash before the commit leaves a draft with every stored
  // update; after it, the whole lock (tests/integration/faults.test.ts kills the process at each
  // crash point).
  const result = context.collaboration.freezePlan(input.plan.id, input.plan.pupilId, (doc) => {
    context.faults.reached("lock:frozen");
    const locked = db.transaction((tx) => {
      // Re-read inside the step: two mentors pressing at once lock once.
      const plan = tx.select().from(plans).where(eq(plans.id, input.plan.id)).get();
      if (!plan || plan.status !== "draft") return null;
      const lockedAt = new Date();
      const record = buildPlanRecord(tx as unknown as AppDatabase, plan, doc, input.mentorId, lockedAt, guardians.map((g) => g.id));
      const canonical = canonicalJson(record);
      const version: PlanVersion = {
        id: newId(),
        planId: plan.id,
        version: plan.version,
        record: canonical,
        contentHash: hashRecord(canonical),
        yjsState: Buffer.from(Y.encodeStateAsUpdate(doc)),
        requiredSigners: JSON.stringify(required),
        verificationCode: newVerificationCode(),
        status: "locked",
        lockedBy: input.mentorId,
        lockedAt,
        voidedBy: null,
        voidedAt: null,
        voidReason: null,
      };
      tx.insert(planVersions).values(version).run();
      tx.update(plans).set({ status: "locked" }).where(eq(plans.id, plan.id)).run();
      tx.insert(auditEvents).values({ planId: plan.id, actorId: input.mentorId, action: "lock", version: plan.version, at: lockedAt }).run();
      context.faults.reached("lock:recorded");
      return version;
    });
    if (locked) context.faults.reached("lock:committed");
    return locked;
  });
  if (!result) {
    // Someone else locked it first; give writing back if we were the ones who froze it.
    const fresh = db.select().from(plans).where(eq(plans.id, input.plan.id)).get();
    if (fresh?.status === "draft") context.collaboration.thawPlan(input.plan.id, input.plan.pupilId);
    return { ok: false, error: "notDraft" };
  }
  context.planEvents.publish(input.plan.id, "status");
  return { ok: true, version: result };
}

/** The signature statement: exactly these bytes are sealed and later verified. */
function signatureStatement(input: {
  version: PlanVersion;
  signer: { id: string; name: string };
  role: SignerRole;
  method: "own-device" | "shared-device";
  signedAt: Date;
  drawing: string | null;
}): string {
  return canonicalJson({
    format: "elevledd-iup/signature@1",
    plan: { id: input.version.planId, version: input.version.version },
    contentHash: input.version.contentHash,
    verificationCode: input.version.verificationCode,
    signer: { id: input.signer.id, name: input.signer.name, role: input.role },
    method: input.method,
    signedAt: input.signedAt.toISOString(),
    drawingSha256: input.drawing ? sha256Hex(input.drawing) : null,
  });
}

/** What the signing form showed: a signature covers this version and hash, or nothing is stored. */
export interface SeenVersion {
  version: number;
  contentHash: string;
}

/** Whether the version in force is the one the signer was shown (an unlock and relock in between makes a new one). */
export function isSeenVersion(version: PlanVersion, seen: SeenVersion): boolean {
  return version.version === seen.version && version.contentHash === seen.contentHash;
}

export async function signPlan(
  context: Pick<AppLoadContext, "db" | "planEvents" | "clientAddress" | "signingKey" | "signIn" | "faults">,
  input: {
    plan: Plan;
    /** Who is signed in on this device. */
    sessionPersonId: string;
    /** When the device's person last authenticated (own-device signing needs it recent). */
    sessionAuthenticatedAt: number;
    /** This browser, if it is a known device (counts password failures apart from strangers'). */
    device: KnownDevice | null;
    /** Who signs: the signed-in person, or another signer confirming with their password. */
    signerId: string;
    password?: string;
    drawing: string | null;
    seen: SeenVersion;
  },
): Promise<SigningResult<{ complete: boolean; reauthenticated: boolean }>> {
  const { db } = context;
  const method = input.signerId === input.sessionPersonId ? "own-device" : "shared-device";
  // Signing together on one device: the device's user must be at the talk too.
  if (method === "shared-device" && !canOnSigning(findRelations(db, input.sessionPersonId, input.plan.pupilId), input.plan, "hostSharedSigning")) {
    return { ok: false, error: "forbidden" };
  }
  const version = getCurrentVersion(db, input.plan.id);
  if (!version || version.status !== "locked") return { ok: false, error: "notLocked" };
  // Before anything else: a stale page says so even when its signer is no longer asked to sign.
  if (!isSeenVersion(version, input.seen)) return { ok: false, error: "staleVersion", currentVersion: version.version };
  const required = JSON.parse(version.requiredSigners) as RequiredSigner[];
  const slot = required.find((r) => r.personId === input.signerId);
  if (!slot) return { ok: false, error: "notRequired" };
  // The signer must still hold the relation they sign in (a guardian whose custody ended does not).
  if (!canOnSigning(findRelations(db, input.signerId, input.plan.pupilId), { status: "locked" }, "sign", slot.role)) return { ok: false, error: "notRequired" };

  let reauthenticated = false;
  if (method === "own-device") {
    const recent = await requireRecentAuthentication(db, {
      personId: input.signerId,
      authenticatedAt: input.sessionAuthenticatedAt,
      password: input.password,
      device: input.device,
      clientAddress: context.clientAddress,
      passwordRoles: context.signIn.passwordRoles,
    });
    if (!recent.ok) return { ok: false, error: recent.error };
    reauthenticated = recent.refreshed;
  }

  if (method === "shared-device") {
    const signer = db.select({ email: people.email }).from(people).where(eq(people.id, input.signerId)).get();
    if (!signer?.email || !input.password) return { ok: false, error: "wrongPassword" };
    const check = await signIn(db, {
      email: signer.email,
      password: input.password,
      clientAddress: context.clientAddress,
      // A signer whose role has password sign-in switched off cannot confirm with a password either.
      passwordRoles: context.signIn.passwordRoles,
    });
    if (check.status === "throttled") return { ok: false, error: "throttled" };
    if (check.status !== "ok" || check.personId !== input.signerId) return { ok: false, error: "wrongPassword" };
  }

  const signer = db.select().from(people).where(eq(people.id, input.signerId)).get()!;
  const outcome = db.transaction((tx) => {
    // Re-read after the password check's await: the plan may have been unlocked meanwhile.
    const current = tx.select().from(planVersions).where(eq(planVersions.id, version.id)).get();
    if (!current || current.status !== "locked") return { ok: false as const, error: "notLocked" as const };
    if (!isSeenVersion(current, input.seen)) return { ok: false as const, error: "staleVersion" as const, currentVersion: current.version };
    const already = tx
      .select({ id: signatures.id })
      .from(signatures)
      .where(and(eq(signatures.planVersionId, version.id), eq(signatures.signerId, input.signerId)))
      .get();
    if (already) return { ok: false as const, error: "alreadySigned" as const };
    const signedAt = new Date();
    const statement = signatureStatement({ version, signer: { id: signer.id, name: nameOf(signer) }, role: slot.role, method, signedAt, drawing: input.drawing });
    const { seal, keyId } = context.signingKey.seal(statement);
    tx.insert(signatures)
      .values({ id: newId(), planVersionId: version.id, signerId: signer.id, role: slot.role, method, drawing: input.drawing, signedAt, statement, seal, keyId })
      .run();
    tx.insert(auditEvents).values({ planId: input.plan.id, actorId: signer.id, action: "sign", version: version.version, at: signedAt }).run();
    const signedCount = tx.select({ id: signatures.id }).from(signatures).where(eq(signatures.planVersionId, version.id)).all().length;
    const complete = signedCount >= required.length;
    if (complete) {
      tx.update(planVersions).set({ status: "signed" }).where(eq(planVersions.id, version.id)).run();
      tx.update(plans).set({ status: "signed" }).where(eq(plans.id, input.plan.id)).run();
    }
    context.faults.reached("sign:recorded");
    return { ok: true as const, complete, reauthenticated };
  });
  if (outcome.ok) context.faults.reached("sign:committed");
  if (outcome.ok) context.planEvents.publish(input.plan.id, "status");
  return outcome;
}

/**
 * A correction after locking: the mentor unlocks with a written reason. The version and its
 * signatures are kept, marked void; the plan goes back to draft as the next version.
 */
export function unlockPlan(
  context: Pick<AppLoadContext, "db" | "collaboration" | "planEvents" | "faults">,
  input: { plan: Plan; mentorId: string; reason: string },
): SigningResult {
  const { db } = context;
  if (!canOnSigning(findRelations(db, input.mentorId, input.plan.pupilId), input.plan, "unlock")) return { ok: false, error: "forbidden" };
  const reason = input.reason.trim();
  if (reason.length < 3) return { ok: false, error: "reasonMissing" };
  const done = db.transaction((tx) => {
    const plan = tx.select().from(plans).where(eq(plans.id, input.plan.id)).get();
    const version = getCurrentVersion(tx as unknown as AppDatabase, input.plan.id);
    if (!plan || plan.status === "draft" || !version) return false;
    const now = new Date();
    tx.update(planVersions).set({ status: "voided", voidedBy: input.mentorId, voidedAt: now, voidReason: reason }).where(eq(planVersions.id, version.id)).run();
    tx.update(plans).set({ status: "draft", version: plan.version + 1 }).where(eq(plans.id, plan.id)).run();
    tx.insert(auditEvents).values({ planId: plan.id, actorId: input.mentorId, action: "unlock", version: version.version, at: now }).run();
    context.faults.reached("unlock:recorded");
    return true;
  });
  if (!done) return { ok: false, error: "notLocked" };
  // Committed: a crash from here on leaves a draft, and the live document is loaded unlocked.
  context.faults.reached("unlock:committed");
  context.collaboration.thawPlan(input.plan.id, input.plan.pupilId);
  context.planEvents.publish(input.plan.id, "status");
  return { ok: true };
}

export interface SignatureCheck {
  signerId: string;
  name: string;
  role: SignerRole;
  method: string;
  signedAt: string;
  drawing: string | null;
  sealValid: boolean;
}

export interface VersionCheck {
  hashValid: boolean;
  signatures: SignatureCheck[];
  missing: Array<{ personId: string; name: string; role: SignerRole }>;
  /** The record is intact and every signature on it is genuine. */
  valid: boolean;
  complete: boolean;
}

/** Checks a stored version: its record against its hash, each signature against the public key that sealed it. */
export function checkVersion(db: AppDatabase, version: PlanVersion): VersionCheck {
  const keys = new Map(getPublicSigningKeys(db).map((key) => [key.kid, key]));
  const hashValid = hashRecord(version.record) === version.contentHash;
  const rows = db.select().from(signatures).where(eq(signatures.planVersionId, version.id)).orderBy(asc(signatures.signedAt)).all();
  const checks = rows.map((row) => {
    const statement = parseStatement(row.statement);
    const key = keys.get(row.keyId);
    const sealValid =
      key !== undefined &&
      verifySeal(key, row.statement, row.seal) &&
      statement?.contentHash === version.contentHash &&
      statement?.signer?.id === row.signerId &&
      statement?.plan?.id === version.planId &&
      statement?.plan?.version === version.version;
    return {
      signerId: row.signerId,
      name: typeof statement?.signer?.name === "string" ? statement.signer.name : "",
      role: row.role,
      method: row.method,
      signedAt: row.signedAt.toISOString(),
      drawing: row.drawing,
      sealValid: Boolean(sealValid),
    };
  });
  const required = JSON.parse(version.requiredSigners) as RequiredSigner[];
  const missing = required
    .filter((r) => !rows.some((s) => s.signerId === r.personId))
    .map((r) => {
      const person = db.select().from(people).where(eq(people.id, r.personId)).get();
      return { personId: r.personId, name: person ? nameOf(person) : "", role: r.role };
    });
  return { hashValid, signatures: checks, missing, valid: hashValid && checks.every((c) => c.sealValid), complete: missing.length === 0 };
}

export interface ParsedStatement {
  format?: unknown;
  contentHash?: unknown;
  verificationCode?: unknown;
  signedAt?: unknown;
  signer?: { id?: unknown; name?: unknown; role?: unknown };
  plan?: { id?: unknown; version?: unknown };
}

/** A signature statement as an object, or null; every field may be missing or of any type. */
export function parseStatement(text: string): ParsedStatement | null {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== "object" || Array.isArray(value)) return null;
    const statement = value as ParsedStatement;
    const objectOrUndefined = <T>(v: T) => (v && typeof v === "object" && !Array.isArray(v) ? v : undefined);
    return { ...statement, signer: objectOrUndefined(statement.signer), plan: objectOrUndefined(statement.plan) };
  } catch {
    return null;
  }
}

export interface SignedPlanExport {
  format: "elevledd-iup/signed-plan@1";
  record: PlanRecord;
  contentHash: string;
  verificationCode: string;
  status: PlanVersion["status"];
  signatures: Array<{ statement: string; seal: string; keyId: string }>;
  /** The key sealing new signatures when the file was made (a convenience; checks use the published set). */
  key: PublicSigningKey;
}

export function exportVersion(db: AppDatabase, version: PlanVersion): SignedPlanExport {
  const rows = db.select().from(signatures).where(eq(signatures.planVersionId, version.id)).orderBy(asc(signatures.signedAt)).all();
  return {
    format: "elevledd-iup/signed-plan@1",
    record: JSON.parse(version.record) as PlanRecord,
    contentHash: version.contentHash,
    verificationCode: version.verificationCode,
    status: version.status,
    signatures: rows.map((r) => ({ statement: r.statement, seal: r.seal, keyId: r.keyId })),
    key: getCurrentPublicKey(db),
  };
}

export function getVersionByCode(db: AppDatabase, code: string): PlanVersion | null {
  const normalised = normaliseVerificationCode(code);
  if (!normalised) return null;
  return db.select().from(planVersions).where(eq(planVersions.verificationCode, normalised)).get() ?? null;
}

const versionsOfPlan = preparedQuery((db) =>
  db.select().from(planVersions).where(eq(planVersions.planId, sql.placeholder("planId"))).orderBy(desc(planVersions.version)).prepare(),
);

const firstLockSince = preparedQuery((db) =>
  db
    .select({ lockedAt: sql<number | null>`min(${planVersions.lockedAt})` })
    .from(planVersions)
    .where(and(eq(planVersions.planId, sql.placeholder("planId")), gte(planVersions.lockedAt, sql.placeholder("since"))))
    .prepare(),
);

/**
 * When the plan was first locked at or after `since` (null if it has not been): a talk's clock
 * stops there. A version unlocked later counts too, since the lock ended the talk all the same.
 * Only the time, not the versions' records and documents (asked on every load of a talk's view).
 */
export function getFirstLockTimeSince(db: AppDatabase, planId: string, since: Date): Date | null {
  const lockedAt = firstLockSince(db).get({ planId, since: since.getTime() })?.lockedAt;
  return lockedAt == null ? null : new Date(lockedAt);
}

/** A plan's versions, newest first (asked on every load of the plan page). */
export function listVersions(db: AppDatabase, planId: string): PlanVersion[] {
  return versionsOfPlan(db).all({ planId });
}

const SigningIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("lock"), guardian: z.array(z.string().max(64)).max(10).optional().default([]) }),
  z.object({
    intent: z.literal("sign"),
    signerId: z.string().max(64).optional(),
    password: z.string().max(200).optional(),
    // SVG path data from the drawing pad: commands and numbers only.
    drawing: z
      .string()
      .max(40_000)
      .regex(/^[MLQCZmlqcz0-9 .,-]*$/, "drawing")
      .optional(),
    // The version the form showed: a signature never lands on another one.
    version: z.number().int().min(1).max(1_000_000),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.object({ intent: z.literal("unlock"), reason: z.string({ required_error: "reasonMissing" }).trim().min(3, "reasonMissing").max(1000) }),
]);

export const signingIntents = ["lock", "sign", "unlock"];

/** Who is at this device, as far as signing needs to know (read from the session and cookies by the route). */
export interface SigningSession {
  authenticatedAt: number;
  device: KnownDevice | null;
}

/** The lock, sign and unlock actions of the plan page, for a person the plan policy let in. */
export async function performSigningIntent(
  context: AppLoadContext,
  gate: { person: { id: string }; plan: Plan },
  session: SigningSession,
  form: FormData,
): Promise<SigningResult<{ intent: string; reauthenticated?: boolean }> & { intent?: string }> {
  const parsed = parseForm(form, SigningIntentSchema);
  if (!parsed.ok) return parsed.fieldErrors.reason?.includes("reasonMissing") ? { ok: false, error: "reasonMissing", intent: parsed.intent } : parsed;
  const input = parsed.value;
  const personId = gate.person.id;
  const plan = gate.plan;
  let result: SigningResult<{ reauthenticated?: boolean }>;
  switch (input.intent) {
    case "lock": {
      const locked = lockPlan(context, { plan, mentorId: personId, guardianIds: input.guardian });
      // The others who must sign are told by mail (batched); the mentor who locked is here.
      if (locked.ok) context.notificationMail.request((JSON.parse(locked.version.requiredSigners) as RequiredSigner[]).map((r) => r.personId).filter((id) => id !== personId));
      result = locked;
      break;
    }
    case "sign":
      result = await signPlan(context, {
        plan,
        sessionPersonId: personId,
        sessionAuthenticatedAt: session.authenticatedAt,
        device: session.device,
        signerId: input.signerId || personId,
        password: input.password,
        drawing: input.drawing || null,
        seen: { version: input.version, contentHash: input.contentHash },
      });
      break;
    case "unlock":
      result = unlockPlan(context, { plan, mentorId: personId, reason: input.reason });
      break;
  }
  if (!result.ok) return { ...result, intent: input.intent };
  return { ok: true, intent: input.intent, reauthenticated: result.reauthenticated === true };
}
