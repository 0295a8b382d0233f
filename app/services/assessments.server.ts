import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import {
  getAssessableGroups,
  getAssessmentGrid,
  getOwnCurrentDuty,
  saveAssessment,
  WRITTEN_ASSESSMENT_MAX,
} from "../../db/queries/assessments";
import type { SignedInPerson } from "../../db/queries/roster";
import type { AppContext } from "~/load-context";

/** The teacher's assessment duties (group and subject) in the active term, to pick a grid from. */
export function getAssessmentsPage(db: AppDatabase, teacher: SignedInPerson) {
  const { term, duties } = getAssessableGroups(db, teacher.id, teacher.schoolId);
  return { term, duties };
}

/** The duty a grid's saves act on: only the teacher's own in the active term, otherwise null. */
export function getDutyForActions(db: AppDatabase, teacherId: string, dutyId: string) {
  return getOwnCurrentDuty(db, teacherId, dutyId);
}

export type AssessmentDuty = NonNullable<ReturnType<typeof getDutyForActions>>;

/** One duty's grid, a row per pupil with their scale and what is saved; null unless it is the teacher's own duty now. */
export function getAssessmentGridPage(db: AppDatabase, teacherId: string, dutyId: string) {
  const duty = getDutyForActions(db, teacherId, dutyId);
  if (!duty) return null;
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
    .transform((value) => (value === "" ? null : value)),
  written: z.string().max(WRITTEN_ASSESSMENT_MAX, "assessments.errors.tooLong").default(""),
});

/**
 * Saves one grid row (a pupil's level and omdöme) and tells open views of the pupil's plan.
 * The error is a translation key; the status is the HTTP status to answer with.
 */
export function performSaveAssessment(
  context: Pick<AppContext, "db" | "planEvents">,
  teacherId: string,
  duty: AssessmentDuty,
  fields: Record<string, unknown>,
): { ok: true; pupilId: string; savedAt: string } | { ok: false; status: number; error: string } {
  const parsed = SaveAssessmentSchema.safeParse(fields);
  if (!parsed.success) {
    // An over-long omdöme is the one mistake a person (not a broken page) makes: say so.
    const tooLong = parsed.error.issues.some((issue) => issue.message === "assessments.errors.tooLong");
    return { ok: false, status: 400, error: tooLong ? "assessments.errors.tooLong" : "assessments.errors.invalid" };
  }
  const { pupilId, level, written } = parsed.data;
  // The subject is the duty's, never the form's: a teacher assesses only what they teach.
  const result = saveAssessment(context.db, { teacherId, pupilId, subjectId: duty.subjectId, level, written });
  if (!result.ok) {
    const status = result.error === "forbidden" ? 403 : result.error === "planLocked" ? 409 : 400;
    return { ok: false, status, error: `assessments.errors.${result.error}` };
  }
  if (result.changed && result.planId) context.planEvents.publish(result.planId, "assessment");
  return { ok: true, pupilId, savedAt: result.savedAt.toISOString() };
}
