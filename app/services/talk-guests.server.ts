import { createHash, randomBytes } from "node:crypto";
import type { AppDatabase } from "../../db/client";
import { getGuestOpenings, recordAuditEvent } from "../../db/queries/audit";
import { getPlan } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import * as talkQueries from "../../db/queries/talks";
import { stockholmLocalToInstant } from "../../db/school-calendar";
import type { TalkGuest } from "../../db/schema";
import { roleColors, type PresenceUser } from "~/shared/collab-protocol";
import { findRelations } from "~/policies/relations.server";
import { maySeeIdentity } from "~/policies/school.server";
import { canGuest, canOnTalk } from "~/policies/talk.server";
import { presenceKey } from "~/utils/presence.server";
import { getGuestPlanBody } from "./plan-page.server";
import { describeTalk } from "./talk-live.server";

/**
 * Guests of one talk: an interpreter added by the pupil's mentor or an admin. A guest has no
 * account; their link carries a random token (256 bits) of which only the SHA-256 is stored. The
 * link opens that talk's view and its plan, read-only and following the pupil, from 15 minutes
 * before the talk until 30 minutes after it ends, unless staff withdraw it; then never again. It
 * opens nothing else: no page, route or socket reads it except the guest pages and, for that one
 * plan, the collaboration server (`guestPlanRights`). Every opening is in the plan's log, with the
 * guest as the actor. Who may do what is the talk policy's (manageGuests, and guestRules).
 */

export const GUEST_EARLY_MINUTES = 15;
export const GUEST_LATE_MINUTES = 30;

export type GuestError = "notFound" | "forbidden" | "validation";
export type GuestResult<T = object> = ({ ok: true } & T) | { ok: false; error: GuestError };

/** What a guest's connection and presence stand under: never a person's id. */
export function guestPresenceId(guestId: string): string {
  return `guest:${guestId}`;
}

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
const newToken = () => randomBytes(32).toString("base64url");
/** A token as the link carries it: 43 characters of base64url. Anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** When the guest's link works: from a little before the talk until a little after it ends. */
export function guestWindow(talk: { startsAt: string; endsAt: string }) {
  return {
    opensAt: new Date(stockholmLocalToInstant(talk.startsAt).getTime() - GUEST_EARLY_MINUTES * 60_000),
    closesAt: new Date(stockholmLocalToInstant(talk.endsAt).getTime() + GUEST_LATE_MINUTES * 60_000),
  };
}

/** The talk, when this person may manage its guests (the pupil's mentor, an admin of the school) and it belongs to the event. */
function managedTalk(db: AppDatabase, person: SignedInPerson, eventId: string, talkId: string) {
  const details = talkQueries.getTalkDetails(db, talkId);
  if (!details || details.talk.eventId !== eventId || !details.talk.planId) return null;
  const relations = findRelations(db, person.id, details.talk.pupilId);
  if (!canOnTalk({ relations, event: details.event }, "manageGuests")) return null;
  return { ...details, planId: details.talk.planId, relations };
}

/** The talk's own page for staff: when and where, what the guardians asked for, and its guests. */
export function getTalkGuestsPage(db: AppDatabase, person: SignedInPerson, eventId: string, talkId: string) {
  const talk = managedTalk(db, person, eventId, talkId);
  if (!talk) return null;
  const identified = maySeeIdentity(talk.relations);
  const pupil = talkQueries.getPeopleNames(db, [talk.talk.pupilId])[0]!;
  const replies = talkQueries.getRepliesOfTalks(db, [talkId]);
  const window = guestWindow(talk.talk);
  return {
    eventId,
    talk: {
      id: talk.talk.id,
      startsAt: talk.talk.startsAt,
      endsAt: talk.talk.endsAt,
      place: talk.place,
      videoUrl: talk.videoUrl,
      phoneNumber: talk.phoneNumber,
      talkMinutes: talk.talkMinutes,
      oneToOne: talk.talk.sittingId === null,
    },
    pupil: identified ? { givenName: pupil.givenName, familyName: pupil.familyName } : { givenName: "", familyName: "" },
    masked: !identified,
    /** Languages the guardians asked an interpreter for. */
    requestedLanguages: [...new Set(replies.map((r) => r.reply.interpreterLanguage).filter((l): l is string => !!l))],
    window: { opensAt: window.opensAt.toISOString(), closesAt: window.closesAt.toISOString() },
    guests: talkQueries.getGuestsOfTalk(db, talkId).map((g) => {
      const openings = getGuestOpenings(db, g.id);
      return {
        id: g.id,
        name: g.name,
        language: g.language,
        email: g.email,
        phone: g.phone,
        withdrawn: g.revokedAt !== null,
        openings: openings.count,
        lastOpenedAt: openings.lastAt?.toISOString() ?? null,
      };
    }),
  };
}

export interface NewGuest {
  name: string;
  language: string;
  email: string | null;
  phone: string | null;
}

/**
 * Adds an interpreter to the talk and makes their link. The token is returned once, to be shown
 * to staff or mailed; only its hash is kept. Logged in the plan's log.
 */
export function addGuest(db: AppDatabase, person: SignedInPerson, eventId: string, talkId: string, input: NewGuest, now = new Date()): GuestResult<{ guest: TalkGuest; token: string }> {
  const talk = managedTalk(db, person, eventId, talkId);
  if (!talk) return { ok: false, error: "notFound" };
  const token = newToken();
  const plan = getPlan(db, talk.planId)!;
  const guest = db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    const id = talkQueries.insertGuest(txdb, { talkId, kind: "interpreter", ...input, tokenHash: hashToken(token), createdBy: person.id, createdAt: now });
    recordAuditEvent(txdb, { planId: plan.id, actorId: person.id, action: "add-guest", version: plan.version }, now);
    return talkQueries.getGuest(txdb, id)!;
  });
  return { ok: true, guest, token };
}

/**
 * A new link for a guest (lost, or sent to the wrong place): the old one stops working at once
 * (the caller tells open connections, as for a withdrawal; what the old link opened is closed).
 */
export function renewGuestLink(db: AppDatabase, person: SignedInPerson, eventId: string, talkId: string, guestId: string, now = new Date()): GuestResult<{ guest: TalkGuest; token: string; pupilId: string }> {
  const talk = managedTalk(db, person, eventId, talkId);
  const guest = talk ? talkQueries.getGuest(db, guestId) : null;
  if (!talk || !guest || guest.talkId !== talkId || guest.revokedAt) return { ok: false, error: "notFound" };
  const token = newToken();
  const plan = getPlan(db, talk.planId)!;
  db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    talkQueries.setGuestToken(txdb, guestId, hashToken(token));
    recordAuditEvent(txdb, { planId: plan.id, actorId: person.id, action: "add-guest", version: plan.version }, now);
  });
  return { ok: true, guest, token, pupilId: talk.talk.pupilId };
}

/** Withdraws a guest's link: it stops working at once (the caller closes an open connection). */
export function withdrawGuest(db: AppDatabase, person: SignedInPerson, eventId: string, talkId: string, guestId: string, now = new Date()): GuestResult<{ pupilId: string; planId: string }> {
  const talk = managedTalk(db, person, eventId, talkId);
  const guest = talk ? talkQueries.getGuest(db, guestId) : null;
  if (!talk || !guest || guest.talkId !== talkId) return { ok: false, error: "notFound" };
  const plan = getPlan(db, talk.planId)!;
  if (!guest.revokedAt) {
    db.transaction((tx) => {
      const txdb = tx as unknown as AppDatabase;
      talkQueries.revokeGuest(txdb, guestId, person.id, now);
      recordAuditEvent(txdb, { planId: plan.id, actorId: person.id, action: "revoke-guest", version: plan.version }, now);
    });
  }
  return { ok: true, pupilId: talk.talk.pupilId, planId: plan.id };
}

// ——— The guest's side ———

/** The guest a link's token belongs to, with their talk; null for an unknown or withdrawn link. */
function guestOfToken(db: AppDatabase, token: string | null | undefined) {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  return guestOfRow(db, talkQueries.getGuestByTokenHash(db, hashToken(token)));
}

/** A guest with their talk and its plan; null when withdrawn (or gone). */
function guestOfRow(db: AppDatabase, guest: TalkGuest | null | undefined) {
  if (!guest || guest.revokedAt) return null;
  const details = talkQueries.getTalkDetails(db, guest.talkId);
  if (!details?.talk.planId) return null;
  return { guest, details, planId: details.talk.planId };
}

export type GuestLinkState = { state: "early"; opensAt: string } | { state: "open"; closesAt: string } | { state: "over" };

function stateAt(window: ReturnType<typeof guestWindow>, now: Date): GuestLinkState {
  if (canGuest({ revoked: false, now, ...window }, "openTalk")) return { state: "open", closesAt: window.closesAt.toISOString() };
  return now < window.opensAt ? { state: "early", opensAt: window.opensAt.toISOString() } : { state: "over" };
}

/**
 * Opening a guest's link: whether it is a link at all (null: not, or withdrawn), and where it
 * stands in its window. An opening inside the window is logged as a view of the plan.
 */
export function openGuestLink(db: AppDatabase, token: string, now = new Date()): { link: GuestLinkState; cookieExpires: Date } | null {
  const found = guestOfToken(db, token);
  if (!found) return null;
  const window = guestWindow(found.details.talk);
  const link = stateAt(window, now);
  if (link.state === "open") recordAuditEvent(db, { planId: found.planId, guestId: found.guest.id, action: "view", version: getPlan(db, found.planId)!.version }, now);
  return { link, cookieExpires: window.closesAt };
}

/** How a guest appears to the others in the plan (presence). */
function guestUser(guest: TalkGuest, planId: string): PresenceUser & { key: string } {
  return { key: presenceKey(guestPresenceId(guest.id), planId), name: guest.name, role: "guest", color: roleColors.guest };
}

/**
 * Everything the guest's view shows: outside the window only where the link stands; inside it
 * the talk (clock, agenda, where the pupil is) and the plan as the family reads it, read-only.
 */
export function getGuestView(db: AppDatabase, token: string | null | undefined, now = new Date()) {
  const found = guestOfToken(db, token);
  if (!found) return null;
  const { guest, details, planId } = found;
  const window = guestWindow(details.talk);
  const link = stateAt(window, now);
  if (link.state !== "open") return { link, view: null };
  const plan = getPlan(db, planId)!;
  return {
    link,
    view: {
      ...describeTalk(db, { ...details, planId }, now),
      guest: { name: guest.name, language: guest.language },
      plan: getGuestPlanBody(db, plan, guestUser(guest, planId)),
    },
  };
}

/**
 * The plan a guest's token opens right now, or null (unknown, withdrawn, outside the window): for
 * the guest's event stream, with when the window closes and how to ask again (after a withdrawal).
 */
export function getGuestPlan(db: AppDatabase, token: string | null | undefined, now = new Date()) {
  const found = guestOfToken(db, token);
  const rights = found ? rightsOnPlan(found, found.planId, now) : null;
  if (!found || !rights) return null;
  return {
    planId: found.planId,
    pupilId: rights.pupilId,
    closesAt: rights.closesAt,
    stillOpen: () => guestPlanRightsById(db, rights.guestId, rights.tokenHash, found.planId) !== null,
  };
}

/** What a found guest may do with this plan's live document at `now`, or null (another plan, outside the window). */
function rightsOnPlan(found: NonNullable<ReturnType<typeof guestOfToken>>, planId: string, now: Date) {
  if (found.planId !== planId) return null;
  const window = guestWindow(found.details.talk);
  if (stateAt(window, now).state !== "open") return null;
  return {
    guestId: found.guest.id,
    tokenHash: found.guest.tokenHash,
    connectionId: guestPresenceId(found.guest.id),
    pupilId: found.details.talk.pupilId,
    closesAt: window.closesAt,
    user: guestUser(found.guest, planId),
  };
}

/**
 * The collaboration server's one question about a guest: what a guest's token may do with this
 * plan's live document right now. Read only (the server gives a guest nothing else), this one plan,
 * until the window closes; null for anything else (another plan, a withdrawn or unknown link,
 * outside the window).
 */
export function guestPlanRights(db: AppDatabase, token: string | null | undefined, planId: string, now = new Date()) {
  const found = guestOfToken(db, token);
  return found ? rightsOnPlan(found, planId, now) : null;
}

/**
 * The same question again for an open connection, by the guest's id and the hash of the link it
 * was opened with (rights on the pupil may have changed: a withdrawal, or a new link).
 */
export function guestPlanRightsById(db: AppDatabase, guestId: string, tokenHash: string, planId: string, now = new Date()) {
  const found = guestOfRow(db, talkQueries.getGuest(db, guestId));
  return found && found.guest.tokenHash === tokenHash ? rightsOnPlan(found, planId, now) : null;
}
