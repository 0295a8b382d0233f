import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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
    /** The number a guardian calls to take part by telephone; a sitting or a talk may have its own. */
    phoneNumber: text("phone_number"),
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
    phoneNumber: text("phone_number"),
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
    /** For a one-to-one booking; a sitting's talks use the sitting's place, link and number. */
    place: text("place"),
    videoUrl: text("video_url"),
    phoneNumber: text("phone_number"),
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
    /** In the room, remotely by the video link, or by telephone (the number in the invitation). */
    attendance: text("attendance", { enum: ["room", "remote", "phone"] }),
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
    /** Closed by the pupil or the mentor (answered, or no longer needed): gone from every notice. */
    closedBy: text("closed_by").references(() => people.id),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("talk_calls_talk").on(t.talkId, t.calledAt)],
);

/**
 * A rule a talk breaks that staff accepted with a reason: a sibling's talk at the same time (in
 * this or any other talk day of the school) or a time a guardian said they cannot come. It holds
 * for the time it was given for (`startsAt`–`endsAt`); a later move needs a new one. Kept, never
 * changed, so the board can say who accepted what and when.
 */
export const talkRuleOverrides = sqliteTable(
  "talk_rule_overrides",
  {
    id: text("id").primaryKey(),
    talkId: text("talk_id")
      .notNull()
      .references(() => talks.id),
    rule: text("rule", { enum: ["sibling", "unavailable"] }).notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    reason: text("reason").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => people.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("talk_rule_overrides_talk").on(t.talkId)],
);

/**
 * A guest of one talk (an interpreter): no account, only a link. The link's token is random and
 * only its SHA-256 is kept; it opens that talk's view, read-only, from a little before the talk
 * until a little after it, unless revoked.
 */
export const talkGuests = sqliteTable(
  "talk_guests",
  {
    id: text("id").primaryKey(),
    talkId: text("talk_id")
      .notNull()
      .references(() => talks.id),
    kind: text("kind", { enum: ["interpreter"] }).notNull(),
    name: text("name").notNull(),
    /** The language interpreted, as staff wrote it (e.g. "arabiska"). */
    language: text("language").notNull(),
    email: text("email"),
    phone: text("phone"),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => people.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    revokedBy: text("revoked_by").references(() => people.id),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("talk_guests_token").on(t.tokenHash), index("talk_guests_talk").on(t.talkId)],
);

export const outboxKinds = ["talk-invitation", "talk-change", "talk-reminder", "guest-link", "password-invitation", "password-reset", "notification"] as const;
export type OutboxKind = (typeof outboxKinds)[number];

/**
 * Every e-mail the app sends. Stored first; with SMTP configured the mail scheduler sends it
 * (retrying with back-off, then marking it failed); without it, it stays here as the outbox the
 * admin reads in the app (the demo and the tests need no mail server).
 * status: outbox = no mail server, waits to be read here; queued = to be sent at `nextAttemptAt`;
 * sending = claimed by the scheduler; sent; failed = gave up after the last attempt (resend on request).
 */
export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    schoolId: text("school_id")
      .notNull()
      .references(() => schools.id),
    /** A person, or (for a guest's link) the guest: exactly one of the two. */
    recipientId: text("recipient_id").references(() => people.id),
    guestId: text("guest_id").references(() => talkGuests.id),
    /** The talk the message is about, when it is about one. */
    talkId: text("talk_id").references(() => talks.id),
    toAddress: text("to_address").notNull(),
    kind: text("kind", { enum: outboxKinds }).notNull(),
    locale: text("locale", { enum: preferredLocales }).notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** The calendar file (RFC 5545) attached as invite.ics. */
    calendar: text("calendar"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    transport: text("transport", { enum: ["outbox", "smtp"] }).notNull(),
    status: text("status", { enum: ["outbox", "queued", "sending", "sent", "failed"] }).notNull().default("outbox"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    error: text("error"),
  },
  (t) => [
    index("outbox_messages_school").on(t.schoolId, t.createdAt),
    index("outbox_messages_due").on(t.status, t.nextAttemptAt),
    check("outbox_messages_one_recipient", sql`(recipient_id is null) <> (guest_id is null)`),
  ],
);

/** Reminders sent two days before a talk: one per guardian and talk time, so a restart or a
 * second tick never sends one twice, and a talk moved to a new time gets a new one. */
export const talkReminders = sqliteTable(
  "talk_reminders",
  {
    talkId: text("talk_id")
      .notNull()
      .references(() => talks.id),
    guardianId: text("guardian_id")
      .notNull()
      .references(() => people.id),
    startsAt: text("starts_at").notNull(),
    messageId: text("message_id").references(() => outboxMessages.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.talkId, t.guardianId, t.startsAt] })],
);

export type TalkEvent = typeof talkEvents.$inferSelect;
export type TalkSitting = typeof talkSittings.$inferSelect;
export type Talk = typeof talks.$inferSelect;
export type TalkCall = typeof talkCalls.$inferSelect;
export type OutboxMessage = typeof outboxMessages.$inferSelect;
export type TalkGuest = typeof talkGuests.$inferSelect;
export type TalkRuleOverride = typeof talkRuleOverrides.$inferSelect;
