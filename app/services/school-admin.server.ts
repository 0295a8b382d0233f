import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import { canAdministerSchool } from "../../db/queries/access";
import { getSchoolScaleSettings, setGradedFromYear } from "../../db/queries/assessments";
import { getSchoolSetup, type SignedInPerson } from "../../db/queries/roster";

/** Whether the person is an admin of their own school (the only school the admin pages show). */
export function administersOwnSchool(db: AppDatabase, person: SignedInPerson): boolean {
  return canAdministerSchool(db, person.id, person.schoolId);
}

/** The admin page: the school's set-up and scale settings; null for anyone but the school's admins. */
export function getSchoolAdminPage(db: AppDatabase, person: SignedInPerson) {
  if (!administersOwnSchool(db, person)) return null;
  const setup = getSchoolSetup(db, person.schoolId);
  if (!setup) return null;
  return { setup, scales: getSchoolScaleSettings(db, person.schoolId)! };
}

const ScaleSettingsSchema = z.object({
  intent: z.literal("scales"),
  gradedFromYear: z.coerce.number().int().min(1).max(9),
});

/** Sets the school year from which pupils get grades (before it, knowledge levels). The caller has checked the admin. */
export function performScaleSettings(
  db: AppDatabase,
  schoolId: string,
  fields: Record<string, unknown>,
): { ok: true } | { ok: false; error: "assessments.settings.invalid" } {
  const parsed = ScaleSettingsSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, error: "assessments.settings.invalid" };
  setGradedFromYear(db, schoolId, parsed.data.gradedFromYear);
  return { ok: true };
}
