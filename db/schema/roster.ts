import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The school's roster, modelled after SS12000 (organisations, persons, groups, duties and
 * activities) so that an import from a school platform maps onto it directly.
 * Ids are opaque random strings: they appear in URLs and must not reveal anything or be guessable.
 */

/** The languages a person may choose (the same as the app's, `app/i18n.ts`; a unit test keeps them equal). */
export const preferredLocales = ["sv", "en", "ar", "so", "ti", "fa", "uk"] as const;
export type PreferredLocale = (typeof preferredLocales)[number];

export const schools = sqliteTable(
  "schools",
  {
    id: text("id").primaryKey(),
    /** The school unit's id in the roster source (SS12000 organisation id, or the CSV's school id). */
    sourceId: text("source_id"),
    name: text("name").notNull(),
    municipality: text("municipality").notNull(),
    /** The first school year that gets grades (A–F); earlier years get knowledge levels. */
    gradedFromYear: integer("graded_from_year").notNull().default(6),
    /** The school's knowledge-level scale for ungraded years as JSON [{key, sv, en}], or null for
     * the default four steps (see db/queries/assessments.ts). */
    knowledgeLevels: text("knowledge_levels"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("schools_source").on(t.sourceId)],
);

/** HT = autumn term, VT = spring term. Dates are ISO calendar dates in Europe/Stockholm. */
export const terms = sqliteTable(
  "terms",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    kind: text("kind", { enum: ["HT", "VT"] }).notNull(),
    year: integer("year").notNull(),
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
  },
  (t) => [uniqueIndex("terms_school_kind_year").on(t.schoolId, t.kind, t.year)],
);

/** Subjects carry Skolverket's subject code (MA, SV, EN, …); a modern language also its language. */
export const subjects = sqliteTable(
  "subjects",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    code: text("code").notNull(),
    languageCode: text("language_code"),
    /** The source's id for the subject (an SS12000 syllabus id); subjects are matched by code and language. */
    sourceId: text("source_id"),
    nameSv: text("name_sv").notNull(),
    nameEn: text("name_en").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [index("subjects_school").on(t.schoolId)],
);

/** A household groups guardians who live together; a pupil may have guardians in two. */
export const households = sqliteTable(
  "households",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    /** Made by the import from who lives together (never from the address itself, see README). */
    sourceId: text("source_id"),
  },
  (t) => [uniqueIndex("households_school_source").on(t.schoolId, t.sourceId)],
);

export const people = sqliteTable(
  "people",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    /** Lower-cased; the sign-in name. Null for people who have no account yet. */
    email: text("email"),
    /** ISO date. Age (and so "18 or over") is always derived from it, never stored. */
    dateOfBirth: text("date_of_birth"),
    /** Skyddade personuppgifter: never shown to other families. */
    protectedIdentity: integer("protected_identity", { mode: "boolean" })
      .notNull()
      .default(false),
    householdId: text("household_id").references(() => households.id),
    preferredLocale: text("preferred_locale", { enum: preferredLocales }),
    /** An identifier of the person's that an identity provider's claim is matched against at sign-in
     * (filled by the SS12000 import from the person's external identifiers, never the civic number). */
    externalId: text("external_id"),
    /** The person's id in the roster source (SS12000 person id, or the CSV's id column). */
    sourceId: text("source_id"),
    /** Set when the source no longer lists the person: from then on they have no access (their
     * plans and signed records stay). Cleared if they come back. */
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("people_email").on(t.email),
    index("people_school").on(t.schoolId),
    uniqueIndex("people_school_external_id").on(t.schoolId, t.externalId),
    uniqueIndex("people_school_source").on(t.schoolId, t.sourceId),
  ],
);

export const pupils = sqliteTable("pupils", {
  personId: text("person_id")
    .primaryKey()
    .references(() => people.id),
  schoolYear: integer("school_year").notNull(),
  /** From 18 the pupil decides whether guardians may read the plan. */
  sharesPlanWithGuardians: integer("shares_plan_with_guardians", { mode: "boolean" })
    .notNull()
    .default(false),
});

export const staff = sqliteTable("staff", {
  personId: text("person_id")
    .primaryKey()
    .references(() => people.id),
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  isTeacher: integer("is_teacher", { mode: "boolean" }).notNull().default(true),
});

export const guardianships = sqliteTable(
  "guardianships",
  {
    pupilId: text("pupil_id")
      .notNull()
      .references(() => pupils.personId),
    guardianId: text("guardian_id")
      .notNull()
      .references(() => people.id),
  },
  (t) => [
    primaryKey({ columns: [t.pupilId, t.guardianId] }),
    index("guardianships_guardian").on(t.guardianId),
  ],
);

/** class = the pupil's class (8A); mentor = a mentor group; teaching = a teaching group. */
export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    name: text("name").notNull(),
    type: text("type", { enum: ["class", "mentor", "teaching"] }).notNull(),
    schoolYear: integer("school_year"),
    /** The group's id in the roster source (SS12000 group id). */
    sourceId: text("source_id"),
    /** Set when the source no longer lists the group (its members, mentors and duties end with it;
     * talk days that used it keep it). */
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("groups_school").on(t.schoolId), uniqueIndex("groups_school_source").on(t.schoolId, t.sourceId)],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id),
    pupilId: text("pupil_id")
      .notNull()
      .references(() => pupils.personId),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.pupilId] }),
    index("group_members_pupil").on(t.pupilId),
  ],
);

export const mentorships = sqliteTable(
  "mentorships",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id),
    mentorId: text("mentor_id")
      .notNull()
      .references(() => staff.personId),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.mentorId] }),
    index("mentorships_mentor").on(t.mentorId),
  ],
);

/** A teacher teaches a subject to a teaching group in a term (SS12000: an activity). */
export const teachingDuties = sqliteTable(
  "teaching_duties",
  {
    id: text("id").primaryKey(),
    termId: text("term_id")
      .notNull()
      .references(() => terms.id),
    subjectId: text("subject_id")
      .notNull()
      .references(() => subjects.id),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id),
    teacherId: text("teacher_id")
      .notNull()
      .references(() => staff.personId),
    /** The source's id for the duty (the SS12000 activity it comes from). */
    sourceId: text("source_id"),
  },
  (t) => [
    uniqueIndex("teaching_duties_unique").on(t.termId, t.subjectId, t.groupId, t.teacherId),
    index("teaching_duties_teacher").on(t.teacherId),
    index("teaching_duties_group").on(t.groupId),
  ],
);

export type School = typeof schools.$inferSelect;
export type Term = typeof terms.$inferSelect;
export type Subject = typeof subjects.$inferSelect;
export type Person = typeof people.$inferSelect;
export type Group = typeof groups.$inferSelect;

export const importSources = ["ss12000-api", "ss12000-file", "csv", "demo-seed"] as const;
export type ImportSource = (typeof importSources)[number];

/**
 * Roster imports: a dry run is kept as "pending" with the roster it read (so that applying it is
 * exactly what the admin saw), an applied one as "applied" with who, when and the changes. The
 * roster itself is only ever written by applying one of these.
 */
export const importRuns = sqliteTable(
  "import_runs",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    /** Who ran it; null for the demo seed and the command line. */
    actorId: text("actor_id").references(() => people.id),
    source: text("source", { enum: importSources }).notNull(),
    status: text("status", { enum: ["pending", "applied"] }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    appliedAt: integer("applied_at", { mode: "timestamp_ms" }),
    /** The roster read from the source (JSON), while pending; dropped once applied. */
    snapshot: text("snapshot"),
    /** Hash of the changes the dry run showed: applying refuses when the changes are no longer those. */
    fingerprint: text("fingerprint").notNull(),
    /** The changes (JSON): counts and each person, group and relation added, changed or ended. */
    changes: text("changes").notNull(),
    /** Roster rows written when applied (0 when nothing had changed). */
    writes: integer("writes"),
  },
  (t) => [index("import_runs_school").on(t.schoolId, t.createdAt)],
);
export type ImportRun = typeof importRuns.$inferSelect;
