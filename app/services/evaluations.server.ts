import { stringify } from "csv-stringify/sync";
import type { TFunction } from "i18next";
import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import { getAnsweredTalkIds, getEventAnswers, insertEvaluationAnswer } from "../../db/queries/evaluations";
import { getPlan } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import { getPeopleNames, getSittings, getTalkDetails, getTalkEvent, getTalksOfPlans } from "../../db/queries/talks";
import type { Plan } from "../../db/schema";
import { EVALUATION_MIN_ANSWERS, evaluationRoleOf, mayAnswerEvaluation, mayReadEvaluationResults } from "~/policies/evaluation.server";
import { listVersions } from "./plan-signing.server";
import { findRelations, type PupilRelations } from "~/policies/relations.server";
import { parseForm, type Result } from "~/utils/action-result.server";
import { EVALUATION_COMMENT_MAX, QUESTIONNAIRE, evaluationRoles, questionsOf, type EvaluationQuestionnaireRole } from "~/shared/evaluation-questions";
import { getTalkDayTies } from "./talk-days.server";

/**
 * The evaluation after a talk: the form for those the evaluation policy lets answer (once per
 * talk), and the results of a talk day for its staff. Anonymous by construction: an answer is
 * stored with the talk day and the role only (db/queries/evaluations.ts), and a role's results are
 * shown only once EVALUATION_MIN_ANSWERS have answered — fewer could be traced to the few. Free
 * text may hold personal data: it goes to the results page and the CSV, never into a URL or a log.
 */

/** The signers of the plan's signed version (none while it is not signed). */
function signersOf(db: AppDatabase, planId: string): Set<string> {
  const signed = listVersions(db, planId).find((version) => version.status === "signed");
  return new Set(signed ? (JSON.parse(signed.requiredSigners) as Array<{ personId: string }>).map((s) => s.personId) : []);
}

/** Whether the evaluation policy lets this reader of the plan answer the evaluation of its talks. */
export function mayAnswerFor(db: AppDatabase, relations: PupilRelations, plan: Plan | Pick<Plan, "id" | "status">): boolean {
  return plan.status === "signed" && mayAnswerEvaluation({ relations, plan, signers: signersOf(db, plan.id) });
}

/** The talk and the person's part in it, when the policy lets them answer its evaluation. */
function evaluationAccess(db: AppDatabase, person: Pick<SignedInPerson, "id">, talkId: string) {
  const details = getTalkDetails(db, talkId);
  const plan = details?.talk.planId ? getPlan(db, details.talk.planId) : null;
  if (!details || !plan) return null;
  const relations = findRelations(db, person.id, details.talk.pupilId);
  const role = evaluationRoleOf(relations);
  if (!role || !mayAnswerFor(db, relations, plan)) return null;
  return { talk: details.talk, eventId: details.event.id, role, own: relations.personId === details.talk.pupilId };
}

/** The form (or that it has been answered); null when the person may not answer it (404). */
export function getEvaluationForm(db: AppDatabase, person: Pick<SignedInPerson, "id">, talkId: string) {
  const access = evaluationAccess(db, person, talkId);
  if (!access) return null;
  const pupil = getPeopleNames(db, [access.talk.pupilId])[0]!;
  return {
    talkId,
    role: access.role,
    questions: questionsOf(access.role),
    answered: getAnsweredTalkIds(db, person.id, [talkId]).has(talkId),
    own: access.own,
    pupil: { givenName: pupil.givenName, familyName: pupil.familyName },
    date: access.talk.startsAt.slice(0, 10),
  };
}

/** The answers a role's form may send: each question one of its options (or left out), a free text. */
function answerSchema(role: EvaluationQuestionnaireRole) {
  const questions = questionsOf(role);
  return z
    .object({
      ...Object.fromEntries(questions.map((q) => [q.key, z.enum(q.options as [string, ...string[]]).optional()])),
      comment: z.string().trim().max(EVALUATION_COMMENT_MAX, "evaluation.errors.validation").optional(),
    })
    .refine((value: Record<string, string | undefined>) => questions.some((q) => value[q.key] !== undefined) || Boolean(value.comment), {
      message: "evaluation.errors.validation",
    });
}

/** Stores a person's answers, anonymously, once. */
export function answerEvaluation(db: AppDatabase, person: Pick<SignedInPerson, "id">, talkId: string, form: FormData): Result<{ intent: "answer" }> {
  const access = evaluationAccess(db, person, talkId);
  if (!access) return { ok: false, error: "notFound" };
  if (getAnsweredTalkIds(db, person.id, [talkId]).has(talkId)) return { ok: false, error: "alreadyAnswered" };
  const parsed = parseForm(form, answerSchema(access.role));
  if (!parsed.ok) return parsed;
  const { comment, ...rest } = parsed.value as Record<string, string | undefined>;
  const answers = Object.fromEntries(Object.entries(rest).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const stored = insertEvaluationAnswer(db, {
    talkId,
    personId: person.id,
    eventId: access.eventId,
    role: access.role,
    questionnaire: QUESTIONNAIRE,
    answers,
    comment: comment || null,
  });
  return stored ? { ok: true, intent: "answer" } : { ok: false, error: "alreadyAnswered" };
}

/** A talk day's results for those the evaluation policy lets read them; null otherwise (404). */
export function getEvaluationResults(db: AppDatabase, person: SignedInPerson, eventId: string) {
  const event = getTalkEvent(db, eventId);
  if (!event || !mayReadEvaluationResults(getTalkDayTies(db, person, event))) return null;
  const answers = getEventAnswers(db, eventId).filter((a) => a.questionnaire === QUESTIONNAIRE);
  const days = [...new Set(getSittings(db, eventId).map((s) => s.startsAt.slice(0, 10)))].sort();
  return {
    eventId,
    days,
    minAnswers: EVALUATION_MIN_ANSWERS,
    roles: evaluationRoles.map((role) => {
      const mine = answers.filter((a) => a.role === role);
      const shown = mine.length >= EVALUATION_MIN_ANSWERS;
      return {
        role,
        count: mine.length,
        shown,
        // Held back below the threshold: not the counts, not the free text.
        questions: shown
          ? questionsOf(role).map((q) => ({ key: q.key, counts: q.options.map((option) => ({ option, count: mine.filter((a) => a.answers[q.key] === option).length })) }))
          : [],
        comments: shown ? mine.flatMap((a) => (a.comment ? [a.comment] : [])) : [],
      };
    }),
  };
}

export type EvaluationResults = NonNullable<ReturnType<typeof getEvaluationResults>>;

/**
 * The results as CSV (semicolon-separated, as Swedish spreadsheets expect; a byte-order mark so
 * they read it as UTF-8): a row per role, question and answer with its count, then the free texts.
 * Roles under the threshold are left out as on the page. Cells that a spreadsheet would take for a
 * formula are escaped (a free text may begin with "=").
 */
export function evaluationCsv(results: EvaluationResults, t: TFunction): string {
  const rows: string[][] = [[t("evaluation.results.csvRole"), t("evaluation.results.csvQuestion"), t("evaluation.results.csvAnswer"), t("evaluation.results.csvCount")]];
  for (const role of results.roles.filter((r) => r.shown)) {
    const roleName = t(`evaluation.results.roles.${role.role}`);
    for (const question of role.questions) {
      for (const { option, count } of question.counts) {
        rows.push([roleName, t(`evaluation.questions.${role.role}.${question.key}` as never) as string, t(`evaluation.scale.${option}`), String(count)]);
      }
    }
    for (const comment of role.comments) rows.push([roleName, t("evaluation.results.csvComment"), comment, ""]);
  }
  return `\uFEFF${stringify(rows, { delimiter: ";", escape_formulas: true, record_delimiter: "windows" })}`;
}

/** The talks of this plan whose evaluation the reader may answer and has not (shown on the plan page once it is signed). */
export function getPendingEvaluations(db: AppDatabase, gate: { person: { id: string }; plan: Plan; relations: PupilRelations }): Array<{ talkId: string }> {
  if (!mayAnswerFor(db, gate.relations, gate.plan)) return [];
  const talks = getTalksOfPlans(db, [gate.plan.id]);
  const answered = getAnsweredTalkIds(db, gate.person.id, talks.map((t) => t.id));
  return talks.filter((t) => !answered.has(t.id)).map((t) => ({ talkId: t.id }));
}
