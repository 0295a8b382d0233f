import { desc, eq } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { outboxMessages, people, type OutboxMessage } from "../schema";

/** The e-mail the app has made: stored first, then sent when SMTP is configured (talk-mail.server.ts). */

export function insertOutboxMessage(db: AppDatabase, message: Omit<typeof outboxMessages.$inferInsert, "id">): string {
  const id = newId();
  db.insert(outboxMessages).values({ id, ...message }).run();
  return id;
}

export function getOutboxMessageById(db: AppDatabase, id: string): OutboxMessage | null {
  return db.select().from(outboxMessages).where(eq(outboxMessages.id, id)).get() ?? null;
}

export function markOutboxMessageSent(db: AppDatabase, id: string, at: Date): void {
  db.update(outboxMessages).set({ transport: "smtp", sentAt: at, error: null }).where(eq(outboxMessages.id, id)).run();
}

export function markOutboxMessageFailed(db: AppDatabase, id: string, reason: string): void {
  db.update(outboxMessages).set({ error: reason }).where(eq(outboxMessages.id, id)).run();
}

/** A school's messages, newest first, with whether the recipient has protected identity. */
export function listSchoolOutbox(db: AppDatabase, schoolId: string, limit = 200) {
  return db
    .select({ message: outboxMessages, recipientProtected: people.protectedIdentity })
    .from(outboxMessages)
    .innerJoin(people, eq(people.id, outboxMessages.recipientId))
    .where(eq(outboxMessages.schoolId, schoolId))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(limit)
    .all();
}

/** One message with whether its recipient has protected identity. */
export function getOutboxEntry(db: AppDatabase, id: string) {
  return (
    db
      .select({ message: outboxMessages, recipientProtected: people.protectedIdentity })
      .from(outboxMessages)
      .innerJoin(people, eq(people.id, outboxMessages.recipientId))
      .where(eq(outboxMessages.id, id))
      .get() ?? null
  );
}
