import type { AppDatabase } from "../../db/client";
import { canViewGroup, type PupilAccess } from "../../db/queries/access";
import { getGroupDetails, getPupilProfile, type SignedInPerson } from "../../db/queries/roster";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";

/** The group page: mentors, this term's subjects and pupils; null when the person may not see the group. */
export function getGroupPage(db: AppDatabase, viewer: SignedInPerson, groupId: string) {
  if (!canViewGroup(db, viewer.id, groupId)) return null;
  const group = getGroupDetails(db, groupId, getActiveTerm(db, viewer.schoolId, stockholmToday()));
  return group ? { group } : null;
}

/** The pupil page, for an `access` the caller has already required; null when there is no such pupil. */
export function getPupilPage(db: AppDatabase, viewer: SignedInPerson, pupilId: string, access: PupilAccess) {
  const profile = getPupilProfile(db, viewer, pupilId, access);
  return profile ? { profile, viewerIsStaff: viewer.isStaff } : null;
}
