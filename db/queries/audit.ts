import { and, desc, eq, gt } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { auditEvents, people, type AuditAction } from "../schema";

/** Repeated views or writing sessions by one person within this window count as one (pages
 * reload their data often, and a connection on a train reconnects every few minutes). */
const REPEAT_WINDOW_MS = 10 * 60 * 1000;

export function recordAuditEvent(db: AppDatabase, event: { planId: string; actorId: string; action: AuditAction; version: number }, at = new Date()): void {
  db.insert(auditEvents).values({ ...event, at }).run();
}

/** Records that a person opened (or wrote in) a plan, once per person, action and window. */
export function recordPlanAccess(
  db: AppDatabase,
  event: { planId: string; actorId: string; version: number; action: "view" | "edit-session" },
  at = new Date(),
): void {
  const recent = db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.planId, event.planId),
        eq(auditEvents.actorId, event.actorId),
        eq(auditEvents.action, event.action),
        gt(auditEvents.at, new Date(at.getTime() - REPEAT_WINDOW_MS)),
      ),
    )
    .get();
  if (!recent) recordAuditEvent(db, event, at);
}

/** A plan's log, newest first, with the names of who did what. */
export function listAuditEvents(db: AppDatabase, planId: string, limit = 500) {
  return db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      version: auditEvents.version,
      at: auditEvents.at,
      actorId: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
    })
    .from(auditEvents)
    .innerJoin(people, eq(people.id, auditEvents.actorId))
    .where(eq(auditEvents.planId, planId))
    .orderBy(desc(auditEvents.id))
    .limit(limit)
    .all();
}
