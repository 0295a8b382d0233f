import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { plans } from "./plans";
import { groups, people, preferredLocales, schools, subjects, terms } from "./roster";

/**
 * Talk days: the school's student-led development talks run as one event over a few afternoons.
 * Times are local wall-clock strings "YYYY-MM-DDTHH:mm" in Europe/Stockholm (a talk at 15:00 is at
 * 15:00 whatever the server's zone); instants (when something happened) are timestamps.
 */
export const talkEvents = sqliteTable(
  "talk_events",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    termId: text("term_id")
      .notNull()
      .references(() => terms.id),
    /** Daily window "HH:mm"–"HH:mm" in which the sittings lie. */
    windowStart: text("window_start").notNull(),
    windowEnd: text("window_end").notNull(),
    sittingMinutes: integer("sitting_minutes").notNull(),
    talkMinutes: integer("talk_minutes").notNull(),
    place: text("place").notNull(),
    /** The school's own video service; a sitting or a talk may have its own. */
    videoUrl: text("video_url"),
    /** Pupils per sitting; null = no limit. */
    capacity: integer("capacity"),
    /** planning: staff arrange the sittings; invited: invitations have gone out. */
    status: text("status", { enum: ["planning", "invited"] }).notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => people.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("talk_events_school").on(t.schoolId)],
);

/** The mentor groups that take part in an event. */
export const talkEventGroups = sqliteTable(
  "talk_event_groups",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => talkEvents.id),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.groupId] }), index("talk_event_groups_group").on(t.groupId)],
);

export const talkSittings = sqliteTable(
  "talk_sittings",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => talkEvents.id),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    place: text("place").notNull(),
    videoUrl: text("video_url"),
    capacity: integer("capacity"),
  },
  (t) => [index("talk_sittings_event").on(t.eventId, t.startsAt)],
);

/**
 * One pupil's talk: in a sitting, or a one-to-one booking outside the sittings (sittingId null).
 * `startedAt` and `currentSection` are set by the pupil during the talk (the clock and the agenda
 * the guardians follow).
 */
export const talks = sqliteTable(
  "talks",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => talkEvents.id),
    pupilId: text("pupil_id")
      .notNull()
      .references(() => people.id),
    /** The pupil's plan for the event's term: made when the talk is, so reading a talk writes nothing.
     * Null only in databases from before talks knew their plan, until the server links them at start. */
    planId: text("plan_id").references(() => plans.id),
    sittingId: text("sitting_id").references(() => talkSittings.id),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    /** For a one-to-one booking; a sitting's talks use the sitting's place and link. */
    place: text("place"),
    videoUrl: text("video_url"),
    /** auto = by the placement; staff = moved or booked by hand; guardian = the guardian chose. */
    placedBy: text("placed_by", { enum: ["auto", "staff", "guardian"] }).notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    currentSection: text("current_section"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("talks_event_pupil").on(t.eventId, t.pupilId),
    index("talks_sitting").on(t.sittingId),
    index("talks_pupil").on(t.pupilId),
  ],
);

/** Each guardian's answer to the invitation, and — for a remote guardian — the mentor's note
 * that they saw who they were talking to. */
export const talkGuardianReplies = sqliteTable(
  "talk_guardian_replies",
  {
    talkId: text("talk_id")
      .notNull()
      .references(() => talks.id),
    guardianId: text("guardian_id")
      .notNull()
      .references(() => people.id),
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
    attendance: text("attendance", { enum: ["room", "remote"] }),
    /** ISO 639-1 code of the language an interpreter is needed for; null = no interpreter. */
    interpreterLanguage: text("interpreter_language"),
    identityCheckedBy: text("identity_checked_by").references(() => people.id),
    identityCheckedAt: integer("identity_checked_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.talkId, t.guardianId] }), index("talk_guardian_replies_guardian").on(t.guardianId)],
);

/** Times a guardian has said they cannot come; the placement keeps their children out of them. */
export const guardianUnavailability = sqliteTable(
  "guardian_unavailability",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => talkEvents.id),
    guardianId: text("guardian_id")
      .notNull()
      .references(() => people.id),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
  },
  (t) => [index("guardian_unavailability_event").on(t.eventId, t.guardianId)],
);

/** "Kalla på lärare": a pupil calls a subject's teacher to the talk; the first teacher who
 * answers "Jag kommer" acknowledges it. Kept with its times. */
export const talkCalls = sqliteTable(
  "talk_calls",
  {
    id: text("id").primaryKey(),
    talkId: text("talk_id")
      .notNull()
      .references(() => talks.id),
    subjectId: text("subject_id")
      .notNull()
      .references(() => subjects.id),
    calledBy: text("called_by")
      .notNull()
      .references(() => people.id),
    calledAt: integer("called_at", { mode: "timestamp_ms" }).notNull(),
    acknowledgedBy: text("acknowledged_by").references(() => people.id),
    acknowledgedAt: integer("acknowledged_at", { mode: "timestamp_ms" }),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("talk_calls_talk").on(t.talkId, t.calledAt)],
);

/**
 * Every e-mail the app sends. With SMTP configured it is sent and marked; without it, it stays
 * here as the outbox the admin reads in the app (the demo and the tests need no mail server).
 */
export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    recipientId: text("recipient_id")
      .notNull()
      .references(() => people.id),
    toAddress: text("to_address").notNull(),
    kind: text("kind", { enum: ["talk-invitation", "talk-change", "password-invitation", "password-reset"] }).notNull(),
    locale: text("locale", { enum: preferredLocales }).notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** The calendar file (RFC 5545) attached as invite.ics. */
    calendar: text("calendar"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    transport: text("transport", { enum: ["outbox", "smtp"] }).notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    error: text("error"),
  },
  (t) => [index("outbox_messages_school").on(t.schoolId, t.createdAt)],
);

export type TalkEvent = typeof talkEvents.$inferSelect;
export type TalkSitting = typeof talkSittings.$inferSelect;
export type Talk = typeof talks.$inferSelect;
export type TalkCall = typeof talkCalls.$inferSelect;
export type OutboxMessage = typeof outboxMessages.$inferSelect;
