import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import { getSchoolScaleSettings, setGradedFromYear } from "../../db/queries/assessments";
import { getSchoolSetup, type SignedInPerson } from "../../db/queries/roster";
import { parseForm, type Result } from "~/utils/action-result.server";

/** The admin page: the school's set-up and scale settings, for an admin the school policy let in. */
export function getSchoolAdminPage(db: AppDatabase, admin: SignedInPerson) {
  const setup = getSchoolSetup(db, admin.schoolId);
  if (!setup) return null;
  return { setup, scales: getSchoolScaleSettings(db, admin.schoolId)! };
}

const ScaleSettingsSchema = z.object({
  intent: z.literal("scales"),
  gradedFromYear: z.number().int().min(1).max(9),
});

/** Sets the school year from which pupils get grades (before it, knowledge levels). */
export function performScaleSettings(db: AppDatabase, schoolId: string, form: FormData): Result {
  const parsed = parseForm(form, ScaleSettingsSchema);
  if (!parsed.ok) return parsed;
  setGradedFromYear(db, schoolId, parsed.value.gradedFromYear);
  return { ok: true };
}
