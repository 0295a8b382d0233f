import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { pupils, subjects, terms } from "./roster";

/** One IUP per pupil per term. The pupil's writing lives in a Y.Doc (see plan_document_states and
 * plan_updates); everything else about the plan (its sections, status) is plain SQL. */
export const plans = sqliteTable(
  "plans",
  {
    id: text("id").primaryKey(),
    pupilId: text("pupil_id")
      .notNull()
      .references(() => pupils.personId),
    termId: text("term_id")
      .notNull()
      .references(() => terms.id),
    status: text("status", { enum: ["draft", "locked", "signed"] }).notNull().default("draft"),
    /** The template the sections were made from, so later templates can migrate older plans. */
    templateVersion: integer("template_version").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("plans_pupil_term").on(t.pupilId, t.termId)],
);

export const sectionKinds = ["about", "subject", "goals", "pupilActions", "schoolActions", "guardianActions"] as const;
export type SectionKind = (typeof sectionKinds)[number];

/** The plan's sections in order. `fragment` names the Y.XmlFragment holding the pupil's text. */
export const planSections = sqliteTable(
  "plan_sections",
  {
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    fragment: text("fragment").notNull(),
    kind: text("kind", { enum: sectionKinds }).notNull(),
    subjectId: text("subject_id").references(() => subjects.id),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.fragment] })],
);

/** The compacted Yjs state of a plan (Y.encodeStateAsUpdate), replaced at each compaction. */
export const planDocumentStates = sqliteTable("plan_document_states", {
  planId: text("plan_id")
    .primaryKey()
    .references(() => plans.id),
  state: blob("state", { mode: "buffer" }).notNull(),
  compactedAt: integer("compacted_at", { mode: "timestamp_ms" }).notNull(),
});

/** Yjs updates accepted since the last compaction, appended before they are broadcast. */
export const planUpdates = sqliteTable(
  "plan_updates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    data: blob("data", { mode: "buffer" }).notNull(),
  },
  (t) => [index("plan_updates_plan").on(t.planId, t.id)],
);

export type Plan = typeof plans.$inferSelect;
export type PlanSection = typeof planSections.$inferSelect;
