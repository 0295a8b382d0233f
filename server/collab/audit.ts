import type { AppDatabase } from "../../db/client";
import { recordPlanAccess } from "../../db/queries/audit";
import { getPlan } from "../../db/queries/plans";

/**
 * The audit part: "wrote in the plan" (edit-session) is logged when a connection's first change
 * has been accepted and stored, not when a writable connection opens (a mentor who only reads is
 * no writer; the page logs the view). Repeats within ten minutes count once (recordPlanAccess).
 */
export function recordWritingSession(db: AppDatabase, planId: string, personId: string): void {
  const version = getPlan(db, planId)?.version ?? 1;
  recordPlanAccess(db, { planId, actorId: personId, action: "edit-session", version });
}
