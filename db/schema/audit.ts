import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { plans } from "./plans";
import { people } from "./roster";

export const auditActions = ["view", "edit-session", "lock", "unlock", "sign", "export-pdf", "export-json"] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who did what with a plan and when. Never holds content; appended, never changed. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    actorId: text("actor_id")
      .notNull()
      .references(() => people.id),
    action: text("action", { enum: auditActions }).notNull(),
    /** The plan version the event concerns. */
    version: integer("version").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("audit_events_plan").on(t.planId, t.id), index("audit_events_actor_plan").on(t.actorId, t.planId, t.action, t.at)],
);
