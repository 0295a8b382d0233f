import type { AppDatabase } from "../../db/client";
import { getPupilFacts, getSubjectsTaught, hasCustodyOf, isActivePerson, isAdminOfSchool, isMentorOfPupil } from "../../db/queries/relations";
import { getActiveTerm } from "../../db/queries/terms";
import { ageOn, stockholmToday } from "../../db/school-calendar";
import type { PlanRole } from "~/shared/collab-protocol";

/**
 * The one place that finds how a person is tied to a pupil, and the one that names their role.
 * Every policy (app/policies/*) decides from these; nothing else compares roles.
 */

export interface PupilRelations {
  personId: string;
  pupilId: string;
  /** False when there is no such pupil: every relation below is then false. */
  pupilExists: boolean;
  pupilSchoolId: string | null;
  /** 18 or over on the day asked: the pupil decides whether guardians read the plan. */
  pupilIsAdult: boolean;
  pupilProtected: boolean;
  self: boolean;
  /** Mentors a group the pupil is in (not bound to a term). */
  mentor: boolean;
  /** The subjects the person teaches the pupil in the active term; empty when none. */
  taughtSubjectIds: string[];
  /** Is the pupil's guardian (vårdnadshavare), whatever the pupil's age or choice. */
  custody: boolean;
  /** Custody, and the pupil is under 18 or has chosen to share the plan: the guardian reads along. */
  guardian: boolean;
  /** An admin of the pupil's school: the set-up, never the plan's content. */
  schoolAdmin: boolean;
}

/** How a person is tied to a pupil on a given day (today in Stockholm unless told). */
export function findRelations(db: AppDatabase, personId: string, pupilId: string, today: string = stockholmToday()): PupilRelations {
  const pupil = getPupilFacts(db, pupilId);
  // A person the roster has ended (moved school, left, no longer anyone's guardian) has no ties.
  if (!pupil || !isActivePerson(db, personId)) {
    return {
      personId,
      pupilId,
      pupilExists: pupil !== null,
      pupilSchoolId: pupil?.schoolId ?? null,
      pupilIsAdult: false,
      pupilProtected: pupil?.protectedIdentity ?? false,
      self: false,
      mentor: false,
      taughtSubjectIds: [],
      custody: false,
      guardian: false,
      schoolAdmin: false,
    };
  }
  const term = getActiveTerm(db, pupil.schoolId, today);
  const adult = pupil.dateOfBirth !== null && ageOn(pupil.dateOfBirth, today) >= 18;
  const custody = hasCustodyOf(db, personId, pupilId);
  return {
    personId,
    pupilId,
    pupilExists: true,
    pupilSchoolId: pupil.schoolId,
    pupilIsAdult: adult,
    pupilProtected: pupil.protectedIdentity,
    self: personId === pupilId,
    mentor: isMentorOfPupil(db, personId, pupilId),
    taughtSubjectIds: term ? getSubjectsTaught(db, personId, pupilId, term.id) : [],
    custody,
    guardian: custody && (!adult || pupil.sharesPlanWithGuardians),
    schoolAdmin: isAdminOfSchool(db, personId, pupil.schoolId),
  };
}

export type Role = PlanRole;

/**
 * The person's role for this pupil, the same on every page and on the socket: the relation with
 * the widest rights (pupil, mentor, teacher, guardian). A guardian who also teaches the child is a
 * teacher here; what belongs to guardianship itself (answering the invitation, signing as
 * guardian) goes by the `guardian` relation, not by the role.
 */
export function roleOf(relations: PupilRelations): Role | null {
  if (relations.self) return "pupil";
  if (relations.mentor) return "mentor";
  if (relations.taughtSubjectIds.length > 0) return "teacher";
  if (relations.guardian) return "guardian";
  return null;
}

/** Staff who work with the pupil: their mentor or one of their teachers this term. */
export function worksWithPupil(relations: PupilRelations): boolean {
  return relations.mentor || relations.taughtSubjectIds.length > 0;
}

/** Anyone the plan is about or for: the pupil, staff who work with them, guardians who read along. */
export function isPartOfPlan(relations: PupilRelations): boolean {
  return roleOf(relations) !== null;
}

/** The pupil themselves or one of their guardians (whatever the pupil's age). */
export function isFamily(relations: PupilRelations): boolean {
  return relations.self || relations.custody;
}
