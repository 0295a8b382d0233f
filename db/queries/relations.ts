import { and, eq, isNull, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { groupMembers, groups, guardianships, mentorships, people, pupils, staff, teachingDuties } from "../schema";

/**
 * The facts the policies (app/policies) decide from: how a person is tied to a pupil, a group or a
 * school in the roster. Nothing here decides anything; every question is asked on the paths of
 * every request and websocket, so the common ones are prepared once.
 */

export interface PupilFacts {
  schoolId: string;
  dateOfBirth: string | null;
  sharesPlanWithGuardians: boolean;
  protectedIdentity: boolean;
}

const pupilFacts = preparedQuery((db) =>
  db
    .select({
      schoolId: people.schoolId,
      dateOfBirth: people.dateOfBirth,
      sharesPlanWithGuardians: pupils.sharesPlanWithGuardians,
      protectedIdentity: people.protectedIdentity,
    })
    .from(pupils)
    .innerJoin(people, eq(people.id, pupils.personId))
    .where(eq(pupils.personId, sql.placeholder("pupilId")))
    .prepare(),
);

/** The pupil's school, birth date, consent and protection; null when there is no such pupil. */
export function getPupilFacts(db: AppDatabase, pupilId: string): PupilFacts | null {
  return pupilFacts(db).get({ pupilId }) ?? null;
}

const activePerson = preparedQuery((db) =>
  db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.id, sql.placeholder("personId")), isNull(people.endedAt)))
    .prepare(),
);

/** Whether the person is in the roster now (not ended by an import: moved school, left, custody over). */
export function isActivePerson(db: AppDatabase, personId: string): boolean {
  return activePerson(db).get({ personId }) !== undefined;
}

const mentorOfPupil = preparedQuery((db) =>
  db
    .select({ one: mentorships.mentorId })
    .from(mentorships)
    .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
    .where(and(eq(mentorships.mentorId, sql.placeholder("personId")), eq(groupMembers.pupilId, sql.placeholder("pupilId"))))
    .prepare(),
);

/** Whether the person mentors a group the pupil is in (a mentorship is not bound to a term). */
export function isMentorOfPupil(db: AppDatabase, personId: string, pupilId: string): boolean {
  return mentorOfPupil(db).get({ personId, pupilId }) !== undefined;
}

const subjectsTaught = preparedQuery((db) =>
  db
    .selectDistinct({ subjectId: teachingDuties.subjectId })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .where(
      and(
        eq(teachingDuties.teacherId, sql.placeholder("personId")),
        eq(teachingDuties.termId, sql.placeholder("termId")),
        eq(groupMembers.pupilId, sql.placeholder("pupilId")),
      ),
    )
    .prepare(),
);

/** The subjects a person teaches the pupil in a term (their teaching duties for the pupil's groups). */
export function getSubjectsTaught(db: AppDatabase, personId: string, pupilId: string, termId: string): string[] {
  return subjectsTaught(db)
    .all({ personId, pupilId, termId })
    .map((r) => r.subjectId);
}

const custody = preparedQuery((db) =>
  db
    .select({ one: guardianships.guardianId })
    .from(guardianships)
    .where(and(eq(guardianships.guardianId, sql.placeholder("personId")), eq(guardianships.pupilId, sql.placeholder("pupilId"))))
    .prepare(),
);

/** Whether the person is the pupil's guardian (vårdnadshavare), whatever the pupil's age. */
export function hasCustodyOf(db: AppDatabase, personId: string, pupilId: string): boolean {
  return custody(db).get({ personId, pupilId }) !== undefined;
}

const schoolAdmin = preparedQuery((db) =>
  db
    .select({ isAdmin: staff.isAdmin })
    .from(staff)
    .innerJoin(people, eq(people.id, staff.personId))
    .where(and(eq(staff.personId, sql.placeholder("personId")), eq(people.schoolId, sql.placeholder("schoolId"))))
    .prepare(),
);

/** Whether the person is an admin of this school. */
export function isAdminOfSchool(db: AppDatabase, personId: string, schoolId: string): boolean {
  return schoolAdmin(db).get({ personId, schoolId })?.isAdmin === true;
}

/** How a person is tied to a group: its school, whether they mentor it, whether they teach it in a term. */
export function getGroupTies(db: AppDatabase, personId: string, groupId: string, termId: string | null) {
  const group = db.select({ schoolId: groups.schoolId, type: groups.type }).from(groups).where(eq(groups.id, groupId)).get();
  if (!group) return null;
  const mentors = db
    .select({ one: mentorships.mentorId })
    .from(mentorships)
    .where(and(eq(mentorships.groupId, groupId), eq(mentorships.mentorId, personId)))
    .get();
  const teaches =
    termId !== null &&
    db
      .select({ one: teachingDuties.id })
      .from(teachingDuties)
      .where(and(eq(teachingDuties.groupId, groupId), eq(teachingDuties.teacherId, personId), eq(teachingDuties.termId, termId)))
      .get() !== undefined;
  return { schoolId: group.schoolId, mentors: mentors !== undefined, teaches };
}

/** The mentor groups a person mentors. */
export function getMentoredGroupIds(db: AppDatabase, personId: string): string[] {
  return db
    .select({ groupId: mentorships.groupId })
    .from(mentorships)
    .where(eq(mentorships.mentorId, personId))
    .all()
    .map((r) => r.groupId);
}
