import type { AppLoadContext } from "@remix-run/node";
import type { SignedInPerson } from "../../db/queries/roster";
import { notFound, requirePerson } from "~/utils/auth.server";
import type { PupilRelations } from "./relations.server";
import type { RuleTable } from "./rule";

/**
 * The school's set-up: the admin pages and the outbox, group lists, the staff's own pages, and
 * who may see a protected family's identity. Admins manage the set-up; it gives them no plan
 * content.
 */

export interface SchoolSubject {
  person: Pick<SignedInPerson, "id" | "schoolId" | "isAdmin" | "isStaff"> & { isPupil?: boolean };
  /** The school the thing belongs to. */
  schoolId?: string;
  /** How the person is tied to a group being opened. */
  group?: { schoolId: string; mentors: boolean; teaches: boolean } | null;
}

const adminOf = ({ person }: SchoolSubject, schoolId: string | undefined) => person.isAdmin && schoolId !== undefined && person.schoolId === schoolId;

export const schoolRules = {
  administer: {
    who: "the school's admins (terms, scales, outbox, roster imports) — of their own school only",
    allow: (subject) => adminOf(subject, subject.schoolId),
  },
  useStaffPages: {
    who: "staff (assessments, talk days)",
    allow: ({ person }) => person.isStaff,
  },
  haveOwnPlan: {
    who: "pupils (their own plan, class and mentors on the home page)",
    allow: ({ person }) => person.isPupil === true,
  },
  receiveCalls: {
    who: "staff (a pupil's call reaches the subject's teachers wherever they are)",
    allow: ({ person }) => person.isStaff,
  },
  viewGroup: {
    who: "the group's mentors, its teachers this term, and the admins of its school",
    allow: (subject) => subject.group != null && (subject.group.mentors || subject.group.teaches || adminOf(subject, subject.group.schoolId)),
  },
} satisfies RuleTable<SchoolSubject>;

export type SchoolAction = keyof typeof schoolRules;

export function canInSchool(subject: SchoolSubject, action: SchoolAction): boolean {
  return schoolRules[action].allow(subject);
}

/** The signed-in admin of their own school; otherwise a 404. */
export async function requireSchoolAdmin(request: Request, context: AppLoadContext): Promise<SignedInPerson> {
  const person = await requirePerson(request, context);
  if (!canInSchool({ person, schoolId: person.schoolId }, "administer")) throw notFound();
  return person;
}

/** The signed-in staff member; otherwise a 404. */
export async function requireStaff(request: Request, context: AppLoadContext): Promise<SignedInPerson> {
  const person = await requirePerson(request, context);
  if (!canInSchool({ person }, "useStaffPages")) throw notFound();
  return person;
}

/** The links and notices a person's header offers. */
export function navigationFor(person: Pick<SignedInPerson, "id" | "schoolId" | "isAdmin" | "isStaff">) {
  return {
    talkDays: canInSchool({ person }, "useStaffPages"),
    admin: canInSchool({ person, schoolId: person.schoolId }, "administer"),
    receivesCalls: canInSchool({ person }, "receiveCalls"),
  };
}

export const identityRules = {
  seeProtectedIdentity: {
    who: "the person themselves, their family, and staff who work with the pupil; never in other lists (admins see a masked row)",
    allow: (relations: PupilRelations) => relations.self || relations.custody || relations.mentor || relations.taughtSubjectIds.length > 0,
  },
} satisfies RuleTable<PupilRelations>;

/**
 * Whether the viewer may see who a pupil (and so their family) is. A family with protected identity
 * (skyddade personuppgifter) is shown by name only to those who need it for the task at hand.
 */
export function maySeeIdentity(relations: PupilRelations): boolean {
  return !relations.pupilProtected || identityRules.seeProtectedIdentity.allow(relations);
}
