import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { plans } from "./plans";
import { people } from "./roster";
import { talkGuests } from "./talks";

export const auditActions = ["view", "edit-session", "lock", "unlock", "sign", "export-pdf", "export-json", "add-guest", "revoke-guest"] as const;
export type AuditAction = (typeof auditActions)[number];

/**
 * Who did what with a plan and when. Never holds content; appended, never changed. The actor is
 * a person, or a guest of one of the plan's talks (an interpreter, who has no account): exactly
 * one of the two.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    actorId: text("actor_id").references(() => people.id),
    guestId: text("guest_id").references(() => talkGuests.id),
    action: text("action", { enum: auditActions }).notNull(),
    /** The plan version the event concerns. */
    version: integer("version").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("audit_events_plan").on(t.planId, t.id),
    index("audit_events_actor_plan").on(t.actorId, t.planId, t.action, t.at),
    index("audit_events_guest").on(t.guestId, t.at),
    check("audit_events_one_actor", sql`(actor_id is null) <> (guest_id is null)`),
  ],
);
