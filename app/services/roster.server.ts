import type { AppDatabase } from "../../db/client";
import { getOrCreatePlan } from "../../db/queries/plans";
import { getGroupDetails, getPupilProfile, type SignedInPerson } from "../../db/queries/roster";
import { getGroupTies } from "../../db/queries/relations";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { canOnPlan, type PupilGate } from "~/policies/plan.server";
import { findRelations } from "~/policies/relations.server";
import { canInSchool, maySeeIdentity } from "~/policies/school.server";

/** The group page: mentors, this term's subjects and pupils; null when the school policy does not let the person see the group. */
export function getGroupPage(db: AppDatabase, viewer: SignedInPerson, groupId: string) {
  const term = getActiveTerm(db, viewer.schoolId, stockholmToday());
  const ties = getGroupTies(db, viewer.id, groupId, term?.id ?? null);
  if (!canInSchool({ person: viewer, group: ties }, "viewGroup")) return null;
  const group = getGroupDetails(db, groupId, term);
  if (!group) return null;
  // A protected family is named only to those who work with the pupil: an admin sees a masked row,
  // last, so that its place in the alphabetical list does not hint at the name. Links go only where
  // the viewer may go.
  const pupils = group.pupils
    .map((p) => {
      const relations = findRelations(db, viewer.id, p.id);
      const masked = p.protectedIdentity && !maySeeIdentity(relations);
      return { ...p, ...(masked ? { givenName: "", familyName: "" } : {}), masked, opens: canOnPlan(relations, { status: "draft" }, "read") };
    })
    .sort((a, b) => Number(a.masked) - Number(b.masked));
  return { group: { ...group, pupils } };
}

/** The pupil page, for a reader the plan policy let in (requirePupil). */
export function getPupilPage(db: AppDatabase, gate: PupilGate) {
  const { person, relations } = gate;
  const draft = { status: "draft" as const };
  const profile = getPupilProfile(db, person, relations.pupilId, { showGuardians: canOnPlan(relations, draft, "seeGuardians") });
  return profile ? { profile, showsProtection: canOnPlan(relations, draft, "seeProtectionMarking") } : null;
}

/** The pupil's plan for the term in progress (made from the template on first opening); null between terms. */
export function openCurrentPlan(db: AppDatabase, gate: PupilGate) {
  const schoolId = gate.relations.pupilSchoolId;
  const term = schoolId ? getActiveTerm(db, schoolId, stockholmToday()) : null;
  return term ? getOrCreatePlan(db, gate.relations.pupilId, term.id) : null;
}
