import type { Plan } from "../../db/schema";
import type { PupilRelations } from "./relations.server";
import type { RuleTable } from "./rule";
import type { TalkDaySubject } from "./talk.server";

/**
 * The evaluation after a talk: who answers it (once per talk, anonymously) and who reads the
 * results of a talk day. Results of a role with fewer than EVALUATION_MIN_ANSWERS answers are held
 * back, so that no answer can be traced to the few who gave them.
 */

/** The smallest number of answers in a role whose results are shown. */
export const EVALUATION_MIN_ANSWERS = 3;

export type EvaluationRole = "pupil" | "guardian" | "staff";

export interface EvaluationSubject {
  relations: PupilRelations;
  plan: Pick<Plan, "status">;
  /** Who signed the plan's signed version (the guardians among them took part in the talk). */
  signers: ReadonlySet<string>;
}

/**
 * Which questionnaire a person answers for a pupil's talk: the pupil's own; a guardian's (before
 * the mentor's: a mentor who is the child's guardian took part as a parent); the mentor's.
 */
export function evaluationRoleOf(relations: PupilRelations): EvaluationRole | null {
  if (relations.self) return "pupil";
  if (relations.guardian) return "guardian";
  if (relations.mentor) return "staff";
  return null;
}

export const evaluationRules = {
  answer: {
    who: "the pupil, the guardians who signed the plan (they took part) and the pupil's mentors, once the talk's plan is signed; once each per talk",
    allow: ({ relations, plan, signers }: EvaluationSubject) => {
      if (plan.status !== "signed") return false;
      const role = evaluationRoleOf(relations);
      return role === "guardian" ? signers.has(relations.personId) : role !== null;
    },
  },
} satisfies RuleTable<EvaluationSubject>;

export const evaluationResultRules = {
  readResults: {
    who: `the admins of the talk day's school; mentors of one of its groups (per role, only once at least ${EVALUATION_MIN_ANSWERS} have answered; also as CSV)`,
    allow: ({ admin, mentoredGroupIds }: TalkDaySubject) => admin || mentoredGroupIds.length > 0,
  },
} satisfies RuleTable<TalkDaySubject>;

export function mayAnswerEvaluation(subject: EvaluationSubject): boolean {
  return evaluationRules.answer.allow(subject);
}

export function mayReadEvaluationResults(ties: TalkDaySubject): boolean {
  return evaluationResultRules.readResults.allow(ties);
}
