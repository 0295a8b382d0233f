/**
 * The evaluation after a talk: one short questionnaire per role, the same for the form (browser)
 * and for checking and counting the answers (server). Texts are in the locales under
 * evaluation.questions.<role>.<key> and evaluation.scale.<option>. Changing a questionnaire's
 * questions or options means a new QUESTIONNAIRE number: answers are kept with the one they gave.
 */

export const QUESTIONNAIRE = 1;

/** The most a free answer may hold. */
export const EVALUATION_COMMENT_MAX = 1000;

export const evaluationScales = {
  experience: ["veryGood", "good", "neutral", "bad", "veryBad"],
  agreement: ["yes", "partly", "no"],
  time: ["yes", "tooShort", "tooLong"],
} as const;

export type EvaluationOption = (typeof evaluationScales)[keyof typeof evaluationScales][number];

export const evaluationQuestionnaires = {
  pupil: [
    { key: "led", scale: "experience" },
    { key: "prepared", scale: "agreement" },
    { key: "goals", scale: "agreement" },
  ],
  guardian: [
    { key: "overall", scale: "experience" },
    { key: "understood", scale: "agreement" },
    { key: "influence", scale: "agreement" },
  ],
  staff: [
    { key: "overall", scale: "experience" },
    { key: "prepared", scale: "agreement" },
    { key: "time", scale: "time" },
  ],
} as const satisfies Record<string, ReadonlyArray<{ key: string; scale: keyof typeof evaluationScales }>>;

export type EvaluationQuestionnaireRole = keyof typeof evaluationQuestionnaires;
export const evaluationRoles = Object.keys(evaluationQuestionnaires) as EvaluationQuestionnaireRole[];

/** A role's questions with their options, in order. */
export function questionsOf(role: EvaluationQuestionnaireRole) {
  return evaluationQuestionnaires[role].map((q) => ({ key: q.key, options: evaluationScales[q.scale] as readonly EvaluationOption[] }));
}
