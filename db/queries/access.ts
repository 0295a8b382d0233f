import { and, eq, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { ageOn, stockholmToday } from "../school-calendar";
import {
  groupMembers,
  groups,
  guardianships,
  mentorships,
  people,
  pupils,
  staff,
  teachingDuties,
} from "../schema";
import { getActiveTerm } from "./terms";

/**
 * The one place that decides what a person may do with a pupil's data. Every loader, action,
 * API route and the collaboration socket ask here; anything not granted below is denied.
 */

export type PupilAccess = "none" | "read" | "comment" | "edit";
export type RelationToPupil = "self" | "mentor" | "teacher" | "guardian";

const accessRank: Record<PupilAccess, number> = { none: 0, read: 1, comment: 2, edit: 3 };

/** The pupil writes their own plan and the mentor writes with them; teachers clarify by
 * comments; guardians read along. */
const accessByRelation: Record<RelationToPupil, PupilAccess> = {
  self: "edit",
  mentor: "edit",
  teacher: "comment",
  guardian: "read",
};

export function strongestAccess(levels: PupilAccess[]): PupilAccess {
  return levels.reduce<PupilAccess>((best, level) => (accessRank[level] > accessRank[best] ? level : best), "none");
}

export function accessAtLeast(access: PupilAccess, needed: PupilAccess): boolean {
  return accessRank[access] >= accessRank[needed];
}

/** How a person relates to a pupil: possibly several ways (a teacher who is also the mentor). */
const pupilForAccess = preparedQuery((db) =>
  db
    .select({ schoolId: people.schoolId, dateOfBirth: people.dateOfBirth, shares: pupils.sharesPlanWithGuardians })
    .from(pupils)
    .innerJoin(people, eq(people.id, pupils.personId))
    .where(eq(pupils.personId, sql.placeholder("pupilId")))
    .prepare(),
);

const mentorOfPupil = preparedQuery((db) =>
  db
    .select({ one: mentorships.mentorId })
    .from(mentorships)
    .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
    .where(and(eq(mentorships.mentorId, sql.placeholder("personId")), eq(groupMembers.pupilId, sql.placeholder("pupilId"))))
    .prepare(),
);

const teacherOfPupil = preparedQuery((db) =>
  db
    .select({ one: teachingDuties.id })
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

const guardianOfPupil = preparedQuery((db) =>
  db
    .select({ one: guardianships.guardianId })
    .from(guardianships)
    .where(and(eq(guardianships.guardianId, sql.placeholder("personId")), eq(guardianships.pupilId, sql.placeholder("pupilId"))))
    .prepare(),
);

/** How a person relates to a pupil: possibly several ways (a teacher who is also the mentor). */
export function getRelationsToPupil(
  db: AppDatabase,
  personId: string,
  pupilId: string,
  today: string = stockholmToday(),
): RelationToPupil[] {
  const pupil = pupilForAccess(db).get({ pupilId });
  if (!pupil) return [];

  const relations: RelationToPupil[] = [];
  if (personId === pupilId) relations.push("self");

  if (mentorOfPupil(db).get({ personId, pupilId })) relations.push("mentor");

  const term = getActiveTerm(db, pupil.schoolId, today);
  if (term && teacherOfPupil(db).get({ personId, termId: term.id, pupilId })) relations.push("teacher");

  const isGuardian = guardianOfPupil(db).get({ personId, pupilId });
  // From 18 the pupil decides whether guardians see the plan.
  const adult = pupil.dateOfBirth !== null && ageOn(pupil.dateOfBirth, today) >= 18;
  if (isGuardian && (!adult || pupil.shares)) relations.push("guardian");

  return relations;
}

/** The access a set of relations gives: the widest of them. */
export function accessFromRelations(relations: RelationToPupil[]): PupilAccess {
  return strongestAccess(relations.map((r) => accessByRelation[r]));
}

/** What a person may do with a pupil's plan and profile: none, read, comment or edit. */
export function getPupilAccess(
  db: AppDatabase,
  personId: string,
  pupilId: string,
  today: string = stockholmToday(),
): PupilAccess {
  return accessFromRelations(getRelationsToPupil(db, personId, pupilId, today));
}

/** School admins manage the roster and set-up; they get no access to plan content through it. */
export function canAdministerSchool(db: AppDatabase, personId: string, schoolId: string): boolean {
  const row = db
    .select({ isAdmin: staff.isAdmin })
    .from(staff)
    .innerJoin(people, eq(people.id, staff.personId))
    .where(and(eq(staff.personId, personId), eq(people.schoolId, schoolId)))
    .get();
  return row?.isAdmin === true;
}

/** A group's member list is for its mentors, its teachers this term, and the school's admins. */
export function canViewGroup(
  db: AppDatabase,
  personId: string,
  groupId: string,
  today: string = stockholmToday(),
): boolean {
  const mentor = db
    .select({ one: mentorships.mentorId })
    .from(mentorships)
    .where(and(eq(mentorships.groupId, groupId), eq(mentorships.mentorId, personId)))
    .get();
  if (mentor) return true;

  const viewer = db.select({ schoolId: people.schoolId }).from(people).where(eq(people.id, personId)).get();
  if (!viewer) return false;
  const term = getActiveTerm(db, viewer.schoolId, today);
  if (term) {
    const teaches = db
      .select({ one: teachingDuties.id })
      .from(teachingDuties)
      .where(
        and(
          eq(teachingDuties.groupId, groupId),
          eq(teachingDuties.teacherId, personId),
          eq(teachingDuties.termId, term.id),
        ),
      )
      .get();
    if (teaches) return true;
  }
  return canAdministerSchool(db, personId, viewer.schoolId) && groupBelongsToSchool(db, groupId, viewer.schoolId);
}

function groupBelongsToSchool(db: AppDatabase, groupId: string, schoolId: string): boolean {
  const row = db.select({ schoolId: groups.schoolId }).from(groups).where(eq(groups.id, groupId)).get();
  return row?.schoolId === schoolId;
}
