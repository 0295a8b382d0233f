import { and, asc, count, countDistinct, eq, inArray, isNull, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import type { PreferredLocale } from "../schema/roster";
import { preparedQuery } from "../prepared";
import { stockholmToday } from "../school-calendar";
import {
  credentials,
  groupMembers,
  groups,
  guardianships,
  mentorships,
  people,
  pupils,
  schools,
  staff,
  subjects,
  teachingDuties,
  terms,
  type Term,
} from "../schema";
import { getPupilSubjects } from "./plans";
import { getActiveTerm } from "./terms";

/**
 * Read models of the roster. Callers have asked the policies (app/policies) first and say what
 * the reader may see; these functions never widen that.
 */

export interface PersonName {
  id: string;
  givenName: string;
  familyName: string;
}

export interface SignedInPerson extends PersonName {
  schoolId: string;
  preferredLocale: PreferredLocale | null;
  isStaff: boolean;
  isAdmin: boolean;
  isPupil: boolean;
}

const nameColumns = { id: people.id, givenName: people.givenName, familyName: people.familyName };
const byName = [asc(people.givenName), asc(people.familyName)];

const signedInPersonRow = preparedQuery((db) =>
  db
    .select({
      ...nameColumns,
      schoolId: people.schoolId,
      preferredLocale: people.preferredLocale,
      staffId: staff.personId,
      isAdmin: staff.isAdmin,
      pupilId: pupils.personId,
    })
    .from(people)
    .leftJoin(staff, eq(staff.personId, people.id))
    .leftJoin(pupils, eq(pupils.personId, people.id))
    .where(and(eq(people.id, sql.placeholder("personId")), isNull(people.endedAt)))
    .prepare(),
);

/** The person behind a session; null when there is none, or when the roster has ended them (a
 * pupil who moved school, staff who left): their sessions stop working at once. */
export function getSignedInPerson(db: AppDatabase, personId: string): SignedInPerson | null {
  const row = signedInPersonRow(db).get({ personId });
  if (!row) return null;
  return {
    id: row.id,
    givenName: row.givenName,
    familyName: row.familyName,
    schoolId: row.schoolId,
    preferredLocale: row.preferredLocale,
    isStaff: row.staffId !== null,
    isAdmin: row.isAdmin === true,
    isPupil: row.pupilId !== null,
  };
}

/** The pupil's class (the group of type class), or null. */
export function getPupilClass(db: AppDatabase, pupilId: string) {
  return classOf(db, pupilId);
}

/** The pupil's mentors' names, by name. */
export function getPupilMentors(db: AppDatabase, pupilId: string): PersonName[] {
  return mentorsOf(db, pupilId);
}

function classOf(db: AppDatabase, pupilId: string) {
  return (
    db
      .select({ id: groups.id, name: groups.name })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .where(and(eq(groupMembers.pupilId, pupilId), eq(groups.type, "class")))
      .get() ?? null
  );
}

function mentorsOf(db: AppDatabase, pupilId: string): PersonName[] {
  return db
    .select(nameColumns)
    .from(groupMembers)
    .innerJoin(mentorships, eq(mentorships.groupId, groupMembers.groupId))
    .innerJoin(people, eq(people.id, mentorships.mentorId))
    .where(eq(groupMembers.pupilId, pupilId))
    .orderBy(...byName)
    .all();
}

export interface PupilSummary extends PersonName {
  className: string | null;
  schoolYear: number;
  protectedIdentity: boolean;
}

function pupilSummaries(db: AppDatabase, pupilIds: string[]): PupilSummary[] {
  if (pupilIds.length === 0) return [];
  const rows = db
    .select({ ...nameColumns, schoolYear: pupils.schoolYear, protectedIdentity: people.protectedIdentity })
    .from(pupils)
    .innerJoin(people, eq(people.id, pupils.personId))
    .where(inArray(pupils.personId, pupilIds))
    .orderBy(...byName)
    .all();
  const classes = db
    .select({ pupilId: groupMembers.pupilId, name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(and(inArray(groupMembers.pupilId, pupilIds), eq(groups.type, "class")))
    .all();
  const classByPupil = new Map(classes.map((c) => [c.pupilId, c.name]));
  return rows.map((r) => ({ ...r, className: classByPupil.get(r.id) ?? null }));
}

export interface TeachingGroupSummary {
  groupId: string;
  groupName: string;
  subjectNameSv: string;
  subjectNameEn: string;
  subjectCode: string;
  subjectLanguageCode: string | null;
  pupilCount: number;
}

export interface HomeOverview {
  term: Term | null;
  /** Set when the person is a pupil: their own class and mentors. */
  asPupil: { className: string | null; schoolYear: number; mentors: PersonName[] } | null;
  /** Children the person is guardian of and may see (an adult child may have said no). */
  children: PupilSummary[];
  mentorGroups: Array<{ groupId: string; name: string; pupils: PupilSummary[] }>;
  teachingGroups: TeachingGroupSummary[];
  isAdmin: boolean;
}

/**
 * Everything a person's home page shows, for every role they hold. The policies have said whether
 * the person has a plan of their own and which children's plans they may read.
 */
export function getHomeOverview(
  db: AppDatabase,
  person: SignedInPerson,
  say: { hasOwnPlan: boolean; mayReadPupil: (pupilId: string) => boolean },
  today: string = stockholmToday(),
): Omit<HomeOverview, "isAdmin"> {
  const term = getActiveTerm(db, person.schoolId, today);

  let asPupil: HomeOverview["asPupil"] = null;
  if (say.hasOwnPlan) {
    const pupil = db.select({ schoolYear: pupils.schoolYear }).from(pupils).where(eq(pupils.personId, person.id)).get();
    asPupil = {
      className: classOf(db, person.id)?.name ?? null,
      schoolYear: pupil?.schoolYear ?? 0,
      mentors: mentorsOf(db, person.id),
    };
  }

  const childIds = db
    .select({ pupilId: guardianships.pupilId })
    .from(guardianships)
    .where(eq(guardianships.guardianId, person.id))
    .all()
    .map((r) => r.pupilId)
    .filter(say.mayReadPupil);

  const mentorGroupRows = db
    .select({ groupId: groups.id, name: groups.name })
    .from(mentorships)
    .innerJoin(groups, eq(groups.id, mentorships.groupId))
    .where(eq(mentorships.mentorId, person.id))
    .orderBy(asc(groups.name))
    .all();
  const mentorGroups = mentorGroupRows.map((g) => ({ ...g, pupils: pupilSummaries(db, memberIds(db, g.groupId)) }));

  const teachingGroups = term ? getTeachingGroups(db, person.id, term.id) : [];

  return { term, asPupil, children: pupilSummaries(db, childIds), mentorGroups, teachingGroups };
}

function memberIds(db: AppDatabase, groupId: string): string[] {
  return db
    .select({ pupilId: groupMembers.pupilId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId))
    .all()
    .map((r) => r.pupilId);
}

/** The groups and subjects a teacher teaches in a term, with how many pupils each has. */
export function getTeachingGroups(db: AppDatabase, teacherId: string, termId: string): TeachingGroupSummary[] {
  return db
    .select({
      groupId: groups.id,
      groupName: groups.name,
      subjectNameSv: subjects.nameSv,
      subjectNameEn: subjects.nameEn,
      subjectCode: subjects.code,
      subjectLanguageCode: subjects.languageCode,
      pupilCount: count(groupMembers.pupilId),
    })
    .from(teachingDuties)
    .innerJoin(groups, eq(groups.id, teachingDuties.groupId))
    .innerJoin(subjects, eq(subjects.id, teachingDuties.subjectId))
    .leftJoin(groupMembers, eq(groupMembers.groupId, groups.id))
    .where(and(eq(teachingDuties.teacherId, teacherId), eq(teachingDuties.termId, termId)))
    .groupBy(teachingDuties.id)
    .orderBy(asc(groups.schoolYear), asc(groups.name))
    .all();
}

export interface PupilProfile extends PupilSummary {
  mentors: PersonName[];
  subjects: Array<{ id: string; nameSv: string; nameEn: string; code: string; teachers: PersonName[] }>;
  /** Only for staff and the pupil themselves; a guardian is not shown the other household. */
  guardians: PersonName[] | null;
  term: Term | null;
}

/** A pupil's profile for a reader the plan policy let in; guardians only when it says so. */
export function getPupilProfile(
  db: AppDatabase,
  viewer: SignedInPerson,
  pupilId: string,
  show: { showGuardians: boolean },
  today: string = stockholmToday(),
): PupilProfile | null {
  const [summary] = pupilSummaries(db, [pupilId]);
  if (!summary) return null;
  const term = getActiveTerm(db, viewer.schoolId, today);

  const subjectList = term ? getPupilSubjects(db, pupilId, term.id) : [];

  const guardians = show.showGuardians
    ? db
        .select(nameColumns)
        .from(guardianships)
        .innerJoin(people, eq(people.id, guardianships.guardianId))
        .where(eq(guardianships.pupilId, pupilId))
        .orderBy(...byName)
        .all()
    : null;

  return { ...summary, mentors: mentorsOf(db, pupilId), subjects: subjectList, guardians, term };
}

export interface GroupDetails {
  id: string;
  name: string;
  type: "class" | "mentor" | "teaching";
  mentors: PersonName[];
  subjects: Array<{ code: string; languageCode: string | null; nameSv: string; nameEn: string; teacher: PersonName }>;
  pupils: PupilSummary[];
}

/** A group with its members, for someone canViewGroup has let in. */
export function getGroupDetails(db: AppDatabase, groupId: string, term: Term | null): GroupDetails | null {
  const group = db.select().from(groups).where(eq(groups.id, groupId)).get();
  if (!group) return null;
  const mentors = db
    .select(nameColumns)
    .from(mentorships)
    .innerJoin(people, eq(people.id, mentorships.mentorId))
    .where(eq(mentorships.groupId, groupId))
    .orderBy(...byName)
    .all();
  const duties = term
    ? db
        .select({ code: subjects.code, languageCode: subjects.languageCode, nameSv: subjects.nameSv, nameEn: subjects.nameEn, ...nameColumns })
        .from(teachingDuties)
        .innerJoin(subjects, eq(subjects.id, teachingDuties.subjectId))
        .innerJoin(people, eq(people.id, teachingDuties.teacherId))
        .where(and(eq(teachingDuties.groupId, groupId), eq(teachingDuties.termId, term.id)))
        .orderBy(asc(subjects.sortOrder))
        .all()
    : [];
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    mentors,
    subjects: duties.map((d) => ({
      code: d.code,
      languageCode: d.languageCode,
      nameSv: d.nameSv,
      nameEn: d.nameEn,
      teacher: { id: d.id, givenName: d.givenName, familyName: d.familyName },
    })),
    pupils: pupilSummaries(db, memberIds(db, groupId)),
  };
}

export interface SchoolSetup {
  school: { name: string; municipality: string };
  terms: Term[];
  subjects: Array<{ code: string; languageCode: string | null; nameSv: string; nameEn: string }>;
  groups: Array<{ id: string; name: string; type: "class" | "mentor" | "teaching"; pupilCount: number }>;
  /** Each staff member with their duties at the school ("teacher", "admin"). */
  staff: Array<PersonName & { duties: Array<"teacher" | "admin">; hasAccount: boolean }>;
  counts: { pupils: number; guardians: number; staff: number };
}

/** The school's set-up as the admin sees it. */
export function getSchoolSetup(db: AppDatabase, schoolId: string): SchoolSetup | null {
  const school = db.select().from(schools).where(eq(schools.id, schoolId)).get();
  if (!school) return null;
  const groupRows = db
    .select({ id: groups.id, name: groups.name, type: groups.type, pupilCount: count(groupMembers.pupilId) })
    .from(groups)
    .leftJoin(groupMembers, eq(groupMembers.groupId, groups.id))
    .where(and(eq(groups.schoolId, schoolId), isNull(groups.endedAt)))
    .groupBy(groups.id)
    .orderBy(asc(groups.type), asc(groups.schoolYear), asc(groups.name))
    .all();
  const staffRows = db
    .select({
      ...nameColumns,
      isAdmin: staff.isAdmin,
      isTeacher: staff.isTeacher,
      credential: credentials.personId,
    })
    .from(staff)
    .innerJoin(people, eq(people.id, staff.personId))
    .leftJoin(credentials, eq(credentials.personId, people.id))
    .where(and(eq(people.schoolId, schoolId), isNull(people.endedAt)))
    .orderBy(...byName)
    .all();
  const pupilCount = db
    .select({ n: count() })
    .from(pupils)
    .innerJoin(people, eq(people.id, pupils.personId))
    .where(and(eq(people.schoolId, schoolId), isNull(people.endedAt)))
    .get();
  const guardianCount = db
    .select({ n: countDistinct(guardianships.guardianId) })
    .from(guardianships)
    .innerJoin(people, eq(people.id, guardianships.guardianId))
    .where(eq(people.schoolId, schoolId))
    .get();
  return {
    school: { name: school.name, municipality: school.municipality },
    terms: db.select().from(terms).where(eq(terms.schoolId, schoolId)).orderBy(asc(terms.startsOn)).all(),
    subjects: db
      .select({ code: subjects.code, languageCode: subjects.languageCode, nameSv: subjects.nameSv, nameEn: subjects.nameEn })
      .from(subjects)
      .where(eq(subjects.schoolId, schoolId))
      .orderBy(asc(subjects.sortOrder))
      .all(),
    groups: groupRows,
    staff: staffRows.map(({ credential, isAdmin, isTeacher, ...s }) => ({
      ...s,
      duties: [...(isTeacher ? (["teacher"] as const) : []), ...(isAdmin ? (["admin"] as const) : [])],
      hasAccount: credential !== null,
    })),
    counts: { pupils: pupilCount?.n ?? 0, guardians: guardianCount?.n ?? 0, staff: staffRows.length },
  };
}

/** Every pupil a person is tied to in any way (themselves, as guardian, mentor or teacher); the plan policy decides per pupil. */
export function getRelatedPupilIds(db: AppDatabase, personId: string): string[] {
  const ids = new Set<string>();
  if (db.select({ id: pupils.personId }).from(pupils).where(eq(pupils.personId, personId)).get()) ids.add(personId);
  for (const r of db.select({ id: guardianships.pupilId }).from(guardianships).where(eq(guardianships.guardianId, personId)).all()) ids.add(r.id);
  for (const r of db
    .select({ id: groupMembers.pupilId })
    .from(mentorships)
    .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
    .where(eq(mentorships.mentorId, personId))
    .all())
    ids.add(r.id);
  for (const r of db
    .select({ id: groupMembers.pupilId })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .where(eq(teachingDuties.teacherId, personId))
    .all())
    ids.add(r.id);
  return [...ids];
}

/** Remembers the language a person chose, for what we send them outside the app. */
export function setPreferredLocale(db: AppDatabase, personId: string, locale: PreferredLocale): void {
  db.update(people).set({ preferredLocale: locale }).where(eq(people.id, personId)).run();
}

/** From 18 the pupil decides whether guardians may read the plan. */
export function setSharesPlanWithGuardians(db: AppDatabase, pupilId: string, shares: boolean): void {
  db.update(pupils).set({ sharesPlanWithGuardians: shares }).where(eq(pupils.personId, pupilId)).run();
}

export function getPupilConsent(db: AppDatabase, pupilId: string): { dateOfBirth: string | null; sharesPlanWithGuardians: boolean } | null {
  return (
    db
      .select({ dateOfBirth: people.dateOfBirth, sharesPlanWithGuardians: pupils.sharesPlanWithGuardians })
      .from(pupils)
      .innerJoin(people, eq(people.id, pupils.personId))
      .where(eq(pupils.personId, pupilId))
      .get() ?? null
  );
}

/** The municipalities whose schools this service runs for (the accessibility statement names them). */
export function listMunicipalities(db: AppDatabase): string[] {
  return db
    .selectDistinct({ municipality: schools.municipality })
    .from(schools)
    .orderBy(asc(schools.municipality))
    .all()
    .map((row) => row.municipality);
}
