import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import { findRelations } from "~/policies/relations.server";
import { canOnSigning } from "~/policies/signing.server";
import { people, planVersions, plans, signatures, type PlanVersion } from "../../db/schema";
import { canonicalJson, hashRecord, type PlanRecord } from "./plan-record.server";
import { getVersionByCode, parseStatement, type RequiredSigner, type SignerRole } from "./plan-signing.server";
import { getPublicSigningKeys, verifySeal } from "./signing-key.server";

/**
 * /verify's judgement of a signed plan, by its verification code or by an exported file: exactly
 * one of genuine and complete, genuine but not signed by everyone (and who is missing), voided
 * (when, and why for those who may read it), or not genuine (and why). Both ways go through one
 * function over the same evidence — a record, its hash and signatures — against what the school
 * holds: the version with that plan id and number, its hash and code, its required signers, its
 * status, and our published keys (never a key the file brings).
 */

export type Verdict = "complete" | "incomplete" | "voided" | "notGenuine";

export type VerificationProblem =
  /** The record does not hash to the stated SHA-256. */
  | "hashMismatch"
  /** No version the school holds has this plan id, number, hash and code. */
  | "unknownHere"
  /** A seal does not verify with the published key it names. */
  | "badSeal"
  /** A sealed statement is about another plan, version, hash or code. */
  | "foreignSignature"
  /** A signer who was not asked to sign this version, or in another role. */
  | "notRequired"
  /** The same person's signature more than once. */
  | "duplicate"
  /** Said to be signed by everyone, but signatures are missing. */
  | "signaturesRemoved";

export interface VerifiedSignature {
  name: string;
  role: string;
  signedAt: string;
  sealValid: boolean;
}

export interface VerificationReport {
  verdict: Verdict;
  problems: VerificationProblem[];
  /** What the school holds about the version (absent when the evidence matches nothing here). */
  summary: { pupil: string; school: string; term: PlanRecord["term"]; version: number; lockedAt: string } | null;
  contentHash: string | null;
  signatures: VerifiedSignature[];
  missing: Array<{ name: string; role: SignerRole }>;
  voided: { at: string | null; reason: string | null } | null;
  /** The signed content, for a file someone brought (they hold it already); null when not genuine. */
  record: PlanRecord | null;
}

interface Evidence {
  /** The record as the evidence has it, canonical (RFC 8785). */
  canonicalRecord: string;
  contentHash: string;
  verificationCode: string;
  signatures: Array<{ statement: string; seal: string; keyId: string; storedSignerId?: string }>;
  /** The status the evidence claims (an export says what it was when it was made). */
  claimedStatus: string;
}

const SIGNATURE_FORMAT = "elevledd-iup/signature@1";

/** Who may read why a version was voided: the reason is the mentor's free text about a child (the signing policy). */
export function mayReadVoidReason(db: AppDatabase, viewerId: string | null, pupilId: string): boolean {
  return viewerId !== null && canOnSigning(findRelations(db, viewerId, pupilId), { status: "locked" }, "readVoidReason");
}

function judge(db: AppDatabase, stored: PlanVersion | null, evidence: Evidence, viewerId: string | null, showRecord: boolean): VerificationReport {
  const problems = new Set<VerificationProblem>();
  if (hashRecord(evidence.canonicalRecord) !== evidence.contentHash) problems.add("hashMismatch");
  if (!stored || stored.contentHash !== evidence.contentHash || stored.verificationCode !== evidence.verificationCode || stored.record !== evidence.canonicalRecord) {
    problems.add("unknownHere");
    // Nothing of the school's copy for evidence that does not match it: a plan id alone must not
    // tell anyone whose plan it is or who signs it.
    return { verdict: "notGenuine", problems: [...problems], summary: null, contentHash: evidence.contentHash, signatures: [], missing: [], voided: null, record: null };
  }

  const keys = new Map(getPublicSigningKeys(db).map((key) => [key.kid, key]));
  const required = JSON.parse(stored.requiredSigners) as RequiredSigner[];
  const signedBy = new Set<string>();
  const shown: VerifiedSignature[] = [];
  for (const signature of evidence.signatures) {
    const statement = parseStatement(signature.statement);
    const key = keys.get(signature.keyId);
    const sealed = statement !== null && key !== undefined && verifySeal(key, signature.statement, signature.seal);
    const signerId = typeof statement?.signer?.id === "string" ? statement.signer.id : "";
    const role = typeof statement?.signer?.role === "string" ? statement.signer.role : "";
    const about =
      statement?.format === SIGNATURE_FORMAT &&
      statement.plan?.id === stored.planId &&
      statement.plan?.version === stored.version &&
      statement.contentHash === stored.contentHash &&
      statement.verificationCode === stored.verificationCode &&
      (signature.storedSignerId === undefined || signature.storedSignerId === signerId);
    if (!sealed) problems.add("badSeal");
    else if (!about) problems.add("foreignSignature");
    else if (!required.some((r) => r.personId === signerId && r.role === role)) problems.add("notRequired");
    else if (signedBy.has(signerId)) problems.add("duplicate");
    const valid = sealed && about;
    if (valid) signedBy.add(signerId);
    shown.push({
      name: typeof statement?.signer?.name === "string" ? statement.signer.name : "?",
      role,
      signedAt: typeof statement?.signedAt === "string" ? statement.signedAt : "",
      sealValid: valid,
    });
  }

  const missing = required
    .filter((r) => !signedBy.has(r.personId))
    .map((r) => {
      const person = db.select({ givenName: people.givenName, familyName: people.familyName }).from(people).where(eq(people.id, r.personId)).get();
      return { name: person ? `${person.givenName} ${person.familyName}` : "?", role: r.role };
    });
  if (missing.length > 0 && evidence.claimedStatus === "signed") problems.add("signaturesRemoved");

  const verdict: Verdict = problems.size > 0 ? "notGenuine" : stored.status === "voided" ? "voided" : missing.length > 0 ? "incomplete" : "complete";
  const record = JSON.parse(stored.record) as PlanRecord;
  const pupilId = db.select({ pupilId: plans.pupilId }).from(plans).where(eq(plans.id, stored.planId)).get()?.pupilId ?? null;
  return {
    verdict,
    problems: [...problems],
    summary: { pupil: record.pupil.name, school: record.school, term: record.term, version: stored.version, lockedAt: record.locked.at },
    contentHash: stored.contentHash,
    signatures: shown,
    missing,
    voided:
      stored.status === "voided"
        ? { at: stored.voidedAt?.toISOString() ?? null, reason: pupilId && mayReadVoidReason(db, viewerId, pupilId) ? stored.voidReason : null }
        : null,
    record: showRecord && verdict !== "notGenuine" ? record : null,
  };
}

/** The version with this verification code, judged on what the school stores; null for an unknown code. */
export function verifyByCode(db: AppDatabase, code: string, viewerId: string | null): VerificationReport | null {
  const version = getVersionByCode(db, code);
  if (!version) return null;
  const rows = db.select().from(signatures).where(eq(signatures.planVersionId, version.id)).orderBy(asc(signatures.signedAt)).all();
  return judge(
    db,
    version,
    {
      canonicalRecord: version.record,
      contentHash: version.contentHash,
      verificationCode: version.verificationCode,
      signatures: rows.map((row) => ({ statement: row.statement, seal: row.seal, keyId: row.keyId, storedSignerId: row.signerId })),
      claimedStatus: version.status,
    },
    viewerId,
    false,
  );
}

/** The shape of an export file; anything else is not one. Sizes keep a hostile file cheap to refuse. */
const ExportFileSchema = z.object({
  format: z.literal("elevledd-iup/signed-plan@1"),
  record: z.object({ plan: z.object({ id: z.string().min(1).max(64), version: z.number().int().min(1).max(1_000_000) }) }).passthrough(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  verificationCode: z.string().max(32),
  status: z.string().max(32),
  signatures: z.array(z.object({ statement: z.string().max(100_000), seal: z.string().max(200), keyId: z.string().max(100) })).max(100),
});

/** An uploaded export judged against the school's copy; null when the file is not an export at all. */
export function verifyExportFile(db: AppDatabase, file: unknown, viewerId: string | null): VerificationReport | null {
  const parsed = ExportFileSchema.safeParse(file);
  if (!parsed.success) return null;
  const data = parsed.data;
  let canonicalRecord: string;
  try {
    canonicalRecord = canonicalJson(data.record);
  } catch {
    // Too deep to serialise, or not serialisable: whatever it is, it is not one of our records.
    return null;
  }
  const stored =
    db
      .select()
      .from(planVersions)
      .where(and(eq(planVersions.planId, data.record.plan.id), eq(planVersions.version, data.record.plan.version)))
      .get() ?? null;
  return judge(
    db,
    stored,
    { canonicalRecord, contentHash: data.contentHash, verificationCode: data.verificationCode, signatures: data.signatures, claimedStatus: data.status },
    viewerId,
    true,
  );
}
