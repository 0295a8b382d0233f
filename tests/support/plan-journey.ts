import { postFields, type SchoolDatabase } from "./school";
import { postForm } from "./http";

/**
 * Steps of a plan's life done over plain HTTP, as the pages' forms post them, for tests that need
 * a plan locked and signed before the part they are about.
 */

/** The plan's version as the signing form shows it. */
export function shownVersion(school: SchoolDatabase, planId: string): { version: string; contentHash: string } {
  const row = school.one<{ version: number; content_hash: string }>(
    "select version, content_hash from plan_versions where plan_id = ? order by version desc limit 1",
    planId,
  );
  return { version: String(row.version), contentHash: row.content_hash };
}

/** The mentor locks the plan with the given guardians as signers; then each signer signs on their own device. */
export async function lockAndSign(
  baseUrl: string,
  school: SchoolDatabase,
  planId: string,
  parties: { mentor: string; guardianIds: string[]; signers: string[] },
): Promise<void> {
  const locked = await postFields(`${baseUrl}/plans/${planId}`, [["intent", "lock"], ...parties.guardianIds.map((id): [string, string] => ["guardian", id])], parties.mentor);
  if (locked.status !== 200) throw new Error(`locking failed with ${locked.status}`);
  for (const cookie of [...parties.signers, parties.mentor]) {
    const signed = await postForm(`${baseUrl}/plans/${planId}`, { intent: "sign", ...shownVersion(school, planId) }, cookie);
    if (signed.status !== 200) throw new Error(`signing failed with ${signed.status}`);
  }
  const status = school.one<{ status: string }>("select status from plans where id = ?", planId).status;
  if (status !== "signed") throw new Error(`the plan is ${status}, not signed`);
}
