import { randomInt } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { evaluationParticipations, evaluationResponses } from "../schema";

/**
 * Evaluation answers and who has answered, kept apart (see db/schema/evaluations.ts). Who may
 * answer or read is app/policies/evaluation.server.ts's.
 */

/** The talks among these that the person has answered the evaluation of. */
export function getAnsweredTalkIds(db: AppDatabase, personId: string, talkIds: string[]): Set<string> {
  if (talkIds.length === 0) return new Set();
  return new Set(
    db
      .select({ talkId: evaluationParticipations.talkId })
      .from(evaluationParticipations)
      .where(and(eq(evaluationParticipations.personId, personId), inArray(evaluationParticipations.talkId, talkIds)))
      .all()
      .map((r) => r.talkId),
  );
}

export interface NewEvaluationAnswer {
  talkId: string;
  personId: string;
  eventId: string;
  role: "pupil" | "guardian" | "staff";
  questionnaire: number;
  answers: Record<string, string>;
  comment: string | null;
}

/** A random rowid: the answers' order on disk must not follow the order people answered in. */
const randomRowId = () => randomInt(1, 2 ** 47);

/**
 * Stores an answer and that the person has answered, in one transaction; false (and nothing
 * stored) when they already had.
 */
export function insertEvaluationAnswer(db: AppDatabase, answer: NewEvaluationAnswer): boolean {
  return db.transaction((tx) => {
    const taken = tx
      .insert(evaluationParticipations)
      .values({ talkId: answer.talkId, personId: answer.personId })
      .onConflictDoNothing()
      .run();
    if (taken.changes === 0) return false;
    tx.insert(evaluationResponses)
      .values({
        id: randomRowId(),
        eventId: answer.eventId,
        role: answer.role,
        questionnaire: answer.questionnaire,
        answers: JSON.stringify(answer.answers),
        comment: answer.comment,
      })
      .run();
    return true;
  });
}

/** A talk day's answers (in the order of their random ids: no order of answering). */
export function getEventAnswers(db: AppDatabase, eventId: string) {
  return db
    .select({ role: evaluationResponses.role, questionnaire: evaluationResponses.questionnaire, answers: evaluationResponses.answers, comment: evaluationResponses.comment })
    .from(evaluationResponses)
    .where(eq(evaluationResponses.eventId, eventId))
    .orderBy(asc(evaluationResponses.id))
    .all()
    .map((row) => ({ ...row, answers: JSON.parse(row.answers) as Record<string, string> }));
}
