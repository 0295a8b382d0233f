import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { people } from "./roster";
import { talkEvents, talks } from "./talks";

/**
 * The evaluation after a talk, kept anonymous by its shape: an answer names only the talk day and
 * the respondent's role, never the person or the talk (a talk is one pupil), and carries no time.
 * Its id is a random integer — the table's rowid — so even the order of the rows on disk says
 * nothing about who answered when. That someone has answered is kept apart, without the answer.
 */
export const evaluationResponses = sqliteTable(
  "evaluation_responses",
  {
    id: integer("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => talkEvents.id),
    role: text("role", { enum: ["pupil", "guardian", "staff"] }).notNull(),
    /** The questionnaire the answers belong to (app/shared/evaluation-questions.ts). */
    questionnaire: integer("questionnaire").notNull(),
    /** JSON: question key → option key, for the questions answered. */
    answers: text("answers").notNull(),
    /** Free text; may hold personal data: shown only to those who see the results, never logged. */
    comment: text("comment"),
  },
  (t) => [index("evaluation_responses_event").on(t.eventId, t.role)],
);

/** That a person has answered the evaluation of a talk (so they answer once); never what. */
export const evaluationParticipations = sqliteTable(
  "evaluation_participations",
  {
    talkId: text("talk_id")
      .notNull()
      .references(() => talks.id),
    personId: text("person_id")
      .notNull()
      .references(() => people.id),
  },
  (t) => [primaryKey({ columns: [t.talkId, t.personId] })],
);
