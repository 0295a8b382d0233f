import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { plans } from "./plans";
import { people } from "./roster";

/**
 * What each person has been told and how they want to be told. Notifications themselves are not
 * stored: they are worked out from what happened (comments, assessments, locks, calls) through the
 * policies each time, so nobody is ever told of something they may no longer see. A row is made
 * the first time a person marks news as read, changes the setting or is due a mail.
 */
export const notificationStates = sqliteTable(
  "notification_states",
  {
    personId: text("person_id")
      .primaryKey()
      .references(() => people.id),
    /** News up to this instant has been marked as read on the home page. */
    seenAt: integer("seen_at", { mode: "timestamp_ms" }),
    /** The person's own setting: e-mail when something waits for them. */
    mailEnabled: integer("mail_enabled", { mode: "boolean" }).notNull().default(true),
    /** Everything that happened up to here has been considered for mail (sent or found not to be needed). */
    mailedUntil: integer("mailed_until", { mode: "timestamp_ms" }),
    lastMailAt: integer("last_mail_at", { mode: "timestamp_ms" }),
    /** When the next mail is to be put together; null when nothing waits. */
    mailDueAt: integer("mail_due_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("notification_states_due").on(t.mailDueAt)],
);

/** When a person last opened a plan (its page or its talk view): news about it before then is not new. */
export const planReads = sqliteTable(
  "plan_reads",
  {
    personId: text("person_id")
      .notNull()
      .references(() => people.id),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    readAt: integer("read_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.planId] })],
);

export type NotificationState = typeof notificationStates.$inferSelect;
