import { and, count, desc, eq, gt, max, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { auditEvents, people, talkGuests, type AuditAction } from "../schema";

/** Repeated views or writing sessions by one person within this window count as one (pages
 * reload their data often, and a connection on a train reconnects every few minutes). */
const REPEAT_WINDOW_MS = 10 * 60 * 1000;

/** Who did it: a person, or a guest of one of the plan's talks (an interpreter, who has no account). */
export type AuditActor = { actorId: string; guestId?: undefined } | { guestId: string; actorId?: undefined };

export function recordAuditEvent(db: AppDatabase, event: AuditActor & { planId: string; action: AuditAction; version: number }, at = new Date()): void {
  db.insert(auditEvents)
    .values({ planId: event.planId, actorId: event.actorId ?? null, guestId: event.guestId ?? null, action: event.action, version: event.version, at })
    .run();
}

// Asked on every load of a plan page.
const recentAccess = preparedQuery((db) =>
  db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.planId, sql.placeholder("planId")),
        eq(auditEvents.actorId, sql.placeholder("actorId")),
        eq(auditEvents.action, sql.placeholder("action")),
        gt(auditEvents.at, sql.placeholder("since")),
      ),
    )
    .prepare(),
);

/** Records that a person opened (or wrote in) a plan, once per person, action and window. */
export function recordPlanAccess(
  db: AppDatabase,
  event: { planId: string; actorId: string; version: number; action: "view" | "edit-session" },
  at = new Date(),
): void {
  const recent = recentAccess(db).get({ planId: event.planId, actorId: event.actorId, action: event.action, since: at.getTime() - REPEAT_WINDOW_MS });
  if (!recent) recordAuditEvent(db, event, at);
}

/** How often a guest has opened the plan, and when last. */
export function getGuestOpenings(db: AppDatabase, guestId: string) {
  const row = db
    .select({ n: count(), last: max(auditEvents.at) })
    .from(auditEvents)
    .where(and(eq(auditEvents.guestId, guestId), eq(auditEvents.action, "view")))
    .get();
  return { count: row?.n ?? 0, lastAt: row?.last ?? null };
}

/** A plan's log, newest first, with the names of who did what (a person, or a guest and what they came as). */
export function listAuditEvents(db: AppDatabase, planId: string, limit = 500) {
  return db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      version: auditEvents.version,
      at: auditEvents.at,
      actorId: auditEvents.actorId,
      givenName: people.givenName,
      familyName: people.familyName,
      guest: { id: talkGuests.id, name: talkGuests.name, kind: talkGuests.kind, language: talkGuests.language },
    })
    .from(auditEvents)
    .leftJoin(people, eq(people.id, auditEvents.actorId))
    .leftJoin(talkGuests, eq(talkGuests.id, auditEvents.guestId))
    .where(eq(auditEvents.planId, planId))
    .orderBy(desc(auditEvents.id))
    .limit(limit)
    .all();
}
