import type { IncomingMessage } from "node:http";
import type { AppDatabase } from "../../db/client";
import { getPlan } from "../../db/queries/plans";
import { getSignedInPerson } from "../../db/queries/roster";
import { getSessionExpiry, type AppSessionStorage } from "../../db/queries/sessions";
import type { Plan } from "../../db/schema";
import { roleColors, type PlanRole } from "../../app/shared/collab-protocol";
import { liveDocumentRights } from "../../app/policies/plan.server";
import { findRelations } from "../../app/policies/relations.server";
import { presenceKey } from "../../app/utils/presence.server";
import type { ConnectionUser } from "./live-document";

export const COLLAB_PATH = "/collab";
const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a person may do in one plan's live document right now. */
export interface PlanRights {
  role: PlanRole;
  /** Write (edit rights, and the plan still a draft); otherwise read only. */
  canWrite: boolean;
}

/**
 * The collaboration server's one rights decision, asked of the plan policy: at the upgrade and
 * whenever rights may have changed (revalidation). Null when the person may not see the plan.
 */
export function decidePlanRights(db: AppDatabase, personId: string, plan: Pick<Plan, "pupilId" | "status">): PlanRights | null {
  const rights = liveDocumentRights(findRelations(db, personId, plan.pupilId), plan);
  if (!rights.join || !rights.role) return null;
  return { role: rights.role, canWrite: rights.write };
}

/** A connection let in: whose session, which plan, what rights. */
export interface Admission {
  planId: string;
  pupilId: string;
  personId: string;
  session: { id: string; expiresAt: Date };
  rights: PlanRights;
  user: ConnectionUser;
}

/**
 * Authenticates a websocket upgrade to `/collab/<planId>` from the session cookie and decides the
 * person's rights, before any document data is sent. Refusals are HTTP statuses: 404 for an
 * unknown plan and for one the person may not see alike, 401 without a live session, 403 for a
 * page of another site.
 */
export async function authenticateUpgrade(
  request: IncomingMessage,
  deps: { db: AppDatabase; sessionStorage: AppSessionStorage },
): Promise<{ status: number } | Admission> {
  const url = new URL(request.url ?? "/", "http://localhost");
  let planId = "";
  try {
    planId = url.pathname.startsWith(`${COLLAB_PATH}/`) ? decodeURIComponent(url.pathname.slice(COLLAB_PATH.length + 1)) : "";
  } catch {
    return { status: 404 };
  }
  if (!PLAN_ID.test(planId)) return { status: 404 };
  // Browsers always send Origin on websockets: refuse pages of other sites (cross-site hijacking).
  const origin = request.headers.origin;
  if (origin && !sameHost(origin, request.headers.host)) return { status: 403 };

  const session = await deps.sessionStorage.getSession(request.headers.cookie);
  const personId = session.get("personId");
  if (!personId) return { status: 401 };
  const expiresAt = getSessionExpiry(deps.db, session.id);
  const person = getSignedInPerson(deps.db, personId);
  if (!expiresAt || !person) return { status: 401 };
  const plan = getPlan(deps.db, planId);
  if (!plan) return { status: 404 };
  const rights = decidePlanRights(deps.db, personId, plan);
  // A plan one may not see answers like a plan that does not exist.
  if (!rights) return { status: 404 };
  return {
    planId,
    pupilId: plan.pupilId,
    personId,
    session: { id: session.id, expiresAt },
    rights,
    user: { key: presenceKey(personId, planId), name: person.givenName, role: rights.role, color: roleColors[rights.role] },
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
