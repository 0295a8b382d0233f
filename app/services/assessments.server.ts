import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import { getAssessableGroups, getAssessmentGrid, getDuty, saveAssessment, WRITTEN_ASSESSMENT_MAX } from "../../db/queries/assessments";
import type { SignedInPerson } from "../../db/queries/roster";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import type { AppContext } from "~/load-context";
import { canAssess, dutyRules } from "~/policies/assessment.server";
import { findRelations } from "~/policies/relations.server";
import { parseForm, type Result } from "~/utils/action-result.server";

/** The teacher's assessment duties (group and subject) in the active term, to pick a grid from. */
export function getAssessmentsPage(db: AppDatabase, teacher: SignedInPerson) {
  const { term, duties } = getAssessableGroups(db, teacher.id, teacher.schoolId);
  return { term, duties };
}

/** A duty whose grid this person may open (their own, in the active term); otherwise null. */
export function getOpenableDuty(db: AppDatabase, personId: string, dutyId: string, today: string = stockholmToday()) {
  const duty = getDuty(db, dutyId);
  if (!duty) return null;
  const inActiveTerm = getActiveTerm(db, duty.schoolId, today)?.id === duty.termId;
  return dutyRules.openGrid.allow({ personId, duty: { teacherId: duty.teacherId, inActiveTerm } }) ? duty : null;
}

export type AssessmentDuty = NonNullable<ReturnType<typeof getOpenableDuty>>;

/** One duty's grid, a row per pupil with their scale and what is saved. */
export function getAssessmentGridPage(db: AppDatabase, duty: AssessmentDuty) {
  const grid = getAssessmentGrid(db, duty);
  return {
    ...grid,
    pupils: grid.pupils.map((p) => ({
      ...p,
      assessment: p.assessment ? { level: p.assessment.level, written: p.assessment.written, updatedAt: p.assessment.updatedAt.toISOString() } : null,
    })),
  };
}

const SaveAssessmentSchema = z.object({
  intent: z.literal("save"),
  pupilId: z.string().min(1).max(64),
  level: z
    .string()
    .max(16)
    .optional()
    .transform((value) => value ?? null),
  written: z.string().max(WRITTEN_ASSESSMENT_MAX, "tooLong").optional().default(""),
});

/**
 * Saves one grid row (a pupil's level and omdöme) and tells open views of the pupil's plan. The
 * subject is the duty's, never the form's: a teacher assesses only what they teach.
 */
export function performSaveAssessment(
  context: Pick<AppContext, "db" | "planEvents">,
  teacherId: string,
  duty: AssessmentDuty,
  form: FormData,
): Result<{ pupilId: string; savedAt: string }> {
  const parsed = parseForm(form, SaveAssessmentSchema);
  // An over-long omdöme is the one mistake a person (not a broken page) makes: say so.
  if (!parsed.ok) return parsed.fieldErrors.written?.includes("tooLong") ? { ok: false, error: "tooLong" } : parsed;
  const { pupilId, level, written } = parsed.value;
  if (!canAssess(findRelations(context.db, teacherId, pupilId), duty.subjectId)) return { ok: false, error: "forbidden" };
  const result = saveAssessment(context.db, { teacherId, pupilId, subjectId: duty.subjectId, level, written });
  if (!result.ok) return result;
  if (result.changed && result.planId) context.planEvents.publish(result.planId, "assessment");
  return { ok: true, pupilId, savedAt: result.savedAt.toISOString() };
}
