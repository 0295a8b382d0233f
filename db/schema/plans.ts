import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { people, pupils, subjects, terms } from "./roster";

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
    /** Counts lock cycles: an unlock for a correction starts version n + 1. */
    version: integer("version").notNull().default(1),
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

/**
 * Yjs updates accepted since the last compaction, appended before they are broadcast: the
 * collaboration server's journal. Deliberately without an index on plan_id and without
 * AUTOINCREMENT: every keystroke is one insert, and an index entry per plan (plus the
 * sqlite_sequence row) made each commit write several pages instead of one. Rows are found by
 * id: the journal keeps each plan's row ids in memory and reads them all once at start (see
 * server/collab/update-journal.ts).
 */
export const planUpdates = sqliteTable("plan_updates", {
  id: integer("id").primaryKey(),
  planId: text("plan_id")
    .notNull()
    .references(() => plans.id),
  data: blob("data", { mode: "buffer" }).notNull(),
});

export type Plan = typeof plans.$inferSelect;
export type PlanSection = typeof planSections.$inferSelect;

/**
 * A subject teacher's assessment of a pupil in a subject for a term: a level on the school's
 * scale for the pupil's school year (a grade A–F, or a knowledge level) and a written omdöme.
 * One row per pupil, subject and term; every change is also kept in assessment_changes.
 */
export const assessments = sqliteTable(
  "assessments",
  {
    id: text("id").primaryKey(),
    pupilId: text("pupil_id")
      .notNull()
      .references(() => pupils.personId),
    subjectId: text("subject_id")
      .notNull()
      .references(() => subjects.id),
    termId: text("term_id")
      .notNull()
      .references(() => terms.id),
    /** A key of the scale in force (see db/queries/assessments.ts); null until a level is chosen. */
    level: text("level"),
    written: text("written").notNull().default(""),
    updatedBy: text("updated_by")
      .notNull()
      .references(() => people.id),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("assessments_pupil_subject_term").on(t.pupilId, t.subjectId, t.termId)],
);

/** Who changed an assessment to what, and when. Appended in the same transaction as the change. */
export const assessmentChanges = sqliteTable(
  "assessment_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    assessmentId: text("assessment_id")
      .notNull()
      .references(() => assessments.id),
    level: text("level"),
    written: text("written").notNull(),
    changedBy: text("changed_by")
      .notNull()
      .references(() => people.id),
    changedAt: integer("changed_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("assessment_changes_assessment").on(t.assessmentId, t.id)],
);

/**
 * A conversation about one subject section of a plan: either about the assessment block or about
 * a passage of the pupil's text. A passage is kept as two Yjs relative positions (JSON), which
 * stay attached to the same characters however the text around them is edited.
 */
export const commentThreads = sqliteTable(
  "comment_threads",
  {
    id: text("id").primaryKey(),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    subjectId: text("subject_id")
      .notNull()
      .references(() => subjects.id),
    /** The Y.XmlFragment the passage is in (the subject's section). */
    fragment: text("fragment").notNull(),
    /** assessment: the teacher's block; text: a passage (the anchors); reflection: the pupil's whole text in the section. */
    anchorKind: text("anchor_kind", { enum: ["assessment", "text", "reflection"] }).notNull(),
    anchorStart: text("anchor_start"),
    anchorEnd: text("anchor_end"),
    /** The passage as it read when the thread was started, shown if the passage is deleted. */
    quote: text("quote"),
    /** Notes for a one-to-one talk: never sent to the pupil's or guardians' browsers. */
    staffOnly: integer("staff_only", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["open", "resolved"] }).notNull().default("open"),
    createdBy: text("created_by")
      .notNull()
      .references(() => people.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    resolvedBy: text("resolved_by").references(() => people.id),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("comment_threads_plan").on(t.planId, t.createdAt)],
);

export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    threadId: text("thread_id")
      .notNull()
      .references(() => commentThreads.id),
    authorId: text("author_id")
      .notNull()
      .references(() => people.id),
    body: text("body").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("comments_thread").on(t.threadId, t.createdAt)],
);

export type Assessment = typeof assessments.$inferSelect;
export type CommentThread = typeof commentThreads.$inferSelect;
export type Comment = typeof comments.$inferSelect;
