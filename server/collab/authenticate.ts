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

/** A guest of one of the plan's talks (an interpreter, no account): read only, until `closesAt`. */
export interface GuestRights {
  guestId: string;
  /** The hash of the link's token the guest came in with: a new link ends what the old one opened. */
  tokenHash: string;
  /** Stands in for a person id on the connection and in presence (`guest:<id>`), never a person's. */
  connectionId: string;
  pupilId: string;
  closesAt: Date;
  /** How the guest appears to the others (role "guest"). */
  user: ConnectionUser;
}

/**
 * The guest policy as the collaboration server asks it (app/services/talk-guests.server.ts): what
 * a guest may do with this plan right now, or null (another plan, a withdrawn or unknown link,
 * outside the talk's window). At the upgrade from the guest's own cookie, and again by the guest's
 * id and the link they came in with whenever rights on the pupil may have changed.
 */
export interface GuestAdmissions {
  fromCookies(cookieHeader: string | undefined, planId: string): Promise<GuestRights | null>;
  again(guestId: string, tokenHash: string, planId: string): GuestRights | null;
}

/** A connection let in: who (a person by their session, or a talk's guest), which plan, what rights. */
export type Admission = {
  planId: string;
  pupilId: string;
  /** The person's id; for a guest a stand-in (`guest:<id>`), never a person's. */
  personId: string;
  rights: PlanRights;
  user: ConnectionUser;
} & ({ session: { id: string; expiresAt: Date }; guest: null } | { session: null; guest: { id: string; tokenHash: string; closesAt: Date } });

/**
 * Authenticates a websocket upgrade to `/collab/<planId>` from the session cookie and decides the
 * person's rights, before any document data is sent. A guest's view asks for a guest's admission
 * (`?as=guest`): then only the guest's own cookie counts, never a session in the same browser.
 * Refusals are HTTP statuses: 404 for an unknown plan and for one the person (or guest) may not
 * see alike, 401 without a live session, 403 for a page of another site.
 */
export async function authenticateUpgrade(
  request: IncomingMessage,
  deps: { db: AppDatabase; sessionStorage: AppSessionStorage; guests?: GuestAdmissions },
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

  if (url.searchParams.get("as") === "guest") {
    const guest = deps.guests ? await deps.guests.fromCookies(request.headers.cookie, planId) : null;
    if (!guest) return { status: 404 };
    return {
      planId,
      pupilId: guest.pupilId,
      personId: guest.connectionId,
      session: null,
      guest: { id: guest.guestId, tokenHash: guest.tokenHash, closesAt: guest.closesAt },
      rights: { role: "guest", canWrite: false },
      user: guest.user,
    };
  }

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
    guest: null,
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

/**
 * Re-decides an open connection's rights when rights on the pupil may have changed: a person's by
 * the plan policy (decidePlanRights), a guest's by the guest policy. Null: the connection must go.
 */
export function redecideRights(
  deps: { db: AppDatabase; guests?: GuestAdmissions },
  holder: { personId: string; guestId: string | null; guestTokenHash: string | null },
  plan: Pick<Plan, "id" | "pupilId" | "status">,
): PlanRights | null {
  if (holder.guestId !== null) return deps.guests?.again(holder.guestId, holder.guestTokenHash ?? "", plan.id) ? { role: "guest", canWrite: false } : null;
  return decidePlanRights(deps.db, holder.personId, plan);
}
