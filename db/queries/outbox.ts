import { and, asc, desc, eq, gt, inArray, lte } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { outboxMessages, people, talkEvents, talkReminders, talks, type OutboxKind, type OutboxMessage } from "../schema";

/**
 * The e-mail the app has made: stored first, then sent when SMTP is configured — at once when it
 * carries a one-time link, else by the mail scheduler with retries (app/services/mail-delivery.server.ts
 * states the rule) — and kept as sent or failed.
 */

export function insertOutboxMessage(db: AppDatabase, message: Omit<typeof outboxMessages.$inferInsert, "id">): string {
  const id = newId();
  db.insert(outboxMessages).values({ id, ...message }).run();
  return id;
}

export function getOutboxMessageById(db: AppDatabase, id: string): OutboxMessage | null {
  return db.select().from(outboxMessages).where(eq(outboxMessages.id, id)).get() ?? null;
}

/** Messages due to be sent, earliest first. */
export function getDueMessageIds(db: AppDatabase, now: Date, limit: number): string[] {
  return db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.status, "queued"), lte(outboxMessages.nextAttemptAt, now)))
    .orderBy(asc(outboxMessages.nextAttemptAt))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

/** The earliest time a queued message is due, if any. */
export function getNextDueAt(db: AppDatabase): Date | null {
  return (
    db
      .select({ at: outboxMessages.nextAttemptAt })
      .from(outboxMessages)
      .where(eq(outboxMessages.status, "queued"))
      .orderBy(asc(outboxMessages.nextAttemptAt))
      .limit(1)
      .get()?.at ?? null
  );
}

/** Takes a due message for sending; false when someone else already took it (or it is not due). */
export function claimMessage(db: AppDatabase, id: string): boolean {
  return db.update(outboxMessages).set({ status: "sending" }).where(and(eq(outboxMessages.id, id), eq(outboxMessages.status, "queued"))).run().changes === 1;
}

/**
 * At start: messages a stopped process had taken but not finished go back in the queue, except
 * those of `failKinds` (their stored copy cannot be sent: a one-time link kept masked), which fail.
 */
export function requeueUnfinished(db: AppDatabase, now: Date, failKinds: readonly OutboxKind[]): number {
  return db.transaction((tx) => {
    const sending = eq(outboxMessages.status, "sending");
    const failed = tx
      .update(outboxMessages)
      .set({ status: "failed", error: "interrupted", nextAttemptAt: null })
      .where(and(sending, inArray(outboxMessages.kind, [...failKinds])))
      .run().changes;
    return failed + tx.update(outboxMessages).set({ status: "queued", nextAttemptAt: now }).where(sending).run().changes;
  });
}

export function markOutboxMessageSent(db: AppDatabase, id: string, at: Date, attempts: number): void {
  db.update(outboxMessages).set({ status: "sent", transport: "smtp", sentAt: at, error: null, attempts, nextAttemptAt: null }).where(eq(outboxMessages.id, id)).run();
}

/** A failed attempt: tried again at `retryAt`, or, with none, given up. */
export function markOutboxAttemptFailed(db: AppDatabase, id: string, reason: string, attempts: number, retryAt: Date | null): void {
  db.update(outboxMessages)
    .set(retryAt ? { status: "queued", error: reason, attempts, nextAttemptAt: retryAt } : { status: "failed", error: reason, attempts, nextAttemptAt: null })
    .where(eq(outboxMessages.id, id))
    .run();
}

/** Puts a message in the queue again from the start (resent on request). */
export function requeueMessage(db: AppDatabase, id: string, now: Date): void {
  db.update(outboxMessages).set({ status: "queued", attempts: 0, nextAttemptAt: now, error: null, sentAt: null }).where(eq(outboxMessages.id, id)).run();
}

/** A school's messages, newest first, with whether the recipient has protected identity (a guest never has). */
export function listSchoolOutbox(db: AppDatabase, schoolId: string, limit = 200) {
  return db
    .select({ message: outboxMessages, recipientProtected: people.protectedIdentity })
    .from(outboxMessages)
    .leftJoin(people, eq(people.id, outboxMessages.recipientId))
    .where(eq(outboxMessages.schoolId, schoolId))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(limit)
    .all()
    .map((r) => ({ message: r.message, recipientProtected: r.recipientProtected ?? false }));
}

/** One message with whether its recipient has protected identity. */
export function getOutboxEntry(db: AppDatabase, id: string) {
  const row = db
    .select({ message: outboxMessages, recipientProtected: people.protectedIdentity })
    .from(outboxMessages)
    .leftJoin(people, eq(people.id, outboxMessages.recipientId))
    .where(eq(outboxMessages.id, id))
    .get();
  return row ? { message: row.message, recipientProtected: row.recipientProtected ?? false } : null;
}

// ——— Reminders ———

/** Talks of talk days whose invitations are out, starting after `from` and no later than `to`
 * (Stockholm wall-clock times, as talks are stored). */
export function getTalksStartingBetween(db: AppDatabase, from: string, to: string) {
  return db
    .select({ id: talks.id, startsAt: talks.startsAt, schoolId: talkEvents.schoolId })
    .from(talks)
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .where(and(eq(talkEvents.status, "invited"), gt(talks.startsAt, from), lte(talks.startsAt, to)))
    .all();
}

/** The guardians already reminded of these talks at their current times. */
export function getRemindedGuardians(db: AppDatabase, talkRows: Array<{ id: string; startsAt: string }>): Set<string> {
  if (talkRows.length === 0) return new Set();
  const current = new Map(talkRows.map((t) => [t.id, t.startsAt]));
  return new Set(
    db
      .select()
      .from(talkReminders)
      .where(inArray(talkReminders.talkId, [...current.keys()]))
      .all()
      .filter((r) => current.get(r.talkId) === r.startsAt)
      .map((r) => `${r.talkId}:${r.guardianId}`),
  );
}

/** Records a reminder; false when one for this talk, guardian and time already exists (another tick or process sent it). */
export function insertReminder(db: AppDatabase, reminder: { talkId: string; guardianId: string; startsAt: string; createdAt: Date }): boolean {
  return db.insert(talkReminders).values({ ...reminder, messageId: null }).onConflictDoNothing().run().changes === 1;
}

export function setReminderMessage(db: AppDatabase, reminder: { talkId: string; guardianId: string; startsAt: string }, messageId: string): void {
  db.update(talkReminders)
    .set({ messageId })
    .where(and(eq(talkReminders.talkId, reminder.talkId), eq(talkReminders.guardianId, reminder.guardianId), eq(talkReminders.startsAt, reminder.startsAt)))
    .run();
}
