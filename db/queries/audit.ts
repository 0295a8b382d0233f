import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { auditEvents, people, type AuditAction } from "../schema";

/** Repeated views or writing sessions by one person within this window count as one (pages
 * reload their data often, and a connection on a train reconnects every few minutes). */
const REPEAT_WINDOW_MS = 10 * 60 * 1000;

export function recordAuditEvent(db: AppDatabase, event: { planId: string; actorId: string; action: AuditAction; version: number }, at = new Date()): void {
  db.insert(auditEvents).values({ ...event, at }).run();
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
