import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { outboxMessages, schools, type OutboxMessage } from "../schema";
import { eq } from "drizzle-orm";

/** Stores one e-mail in the outbox (sent from there when SMTP is set up); returns its id. */
export function insertOutboxMessage(
  db: AppDatabase,
  message: Pick<OutboxMessage, "schoolId" | "recipientId" | "toAddress" | "kind" | "locale" | "subject" | "body"> & { createdAt?: Date },
): string {
  const id = newId();
  db.insert(outboxMessages)
    .values({ id, ...message, calendar: null, createdAt: message.createdAt ?? new Date(), transport: "outbox" })
    .run();
  return id;
}

export function getSchoolName(db: AppDatabase, schoolId: string): string | null {
  return db.select({ name: schools.name }).from(schools).where(eq(schools.id, schoolId)).get()?.name ?? null;
}
