import type { Plan } from "../../db/schema";
import { worksWithPupil, type PupilRelations } from "./relations.server";
import type { RuleTable } from "./rule";

/**
 * Assessments and comments: who assesses which subject, who starts, answers, resolves and edits
 * comment threads, and who sees staff-only threads. Nothing is written in a plan once it is locked.
 */

export interface CommentSubject {
  relations: PupilRelations;
  plan: Pick<Plan, "status">;
  /** The subject of the thread being started. */
  subjectId?: string;
  /** The thread's or comment's author, for the author's own rights. */
  authorId?: string;
}

const draft = (plan: Pick<Plan, "status">) => plan.status === "draft";
const mayReply = ({ relations, plan }: CommentSubject): boolean => draft(plan) && (relations.self || worksWithPupil(relations));
const teaches = (relations: PupilRelations, subjectId: string | undefined) => subjectId !== undefined && relations.taughtSubjectIds.includes(subjectId);

export const commentRules = {
  startThread: {
    who: "a teacher of that subject for the pupil this term, while the plan is a draft",
    allow: ({ relations, plan, subjectId }) => draft(plan) && teaches(relations, subjectId),
  },
  askTeacher: {
    who: "the pupil, about her own reflection in a subject (all of it or a passage), while the plan is a draft; it goes to the subject's teachers, is never staff-only and everyone who reads the plan sees it",
    allow: ({ relations, plan }) => draft(plan) && relations.self,
  },
  reply: {
    who: "the pupil, their mentors and teachers, while the plan is a draft",
    allow: mayReply,
  },
  resolve: {
    who: "the pupil and their mentors; a thread's author; while the plan is a draft",
    allow: ({ relations, plan, authorId }) =>
      draft(plan) && (relations.self || relations.mentor || (authorId === relations.personId && worksWithPupil(relations))),
  },
  editComment: {
    who: "the comment's author, while they may still reply",
    allow: (subject) => subject.authorId === subject.relations.personId && mayReply(subject),
  },
  seeStaffOnly: {
    who: "the pupil's mentors and teachers this term",
    allow: ({ relations }) => worksWithPupil(relations),
  },
} satisfies RuleTable<CommentSubject>;

export type CommentAction = keyof typeof commentRules;

export function canComment(subject: CommentSubject, action: CommentAction): boolean {
  return commentRules[action].allow(subject);
}

/**
 * What the plan page's comment controls need: where a thread may be started, where the pupil may
 * ask (the plan's subjects that have a teacher this term), and the rest.
 */
export function commentAbilities(relations: PupilRelations, plan: Pick<Plan, "status">, subjectsWithTeachers: string[] = []) {
  const subject = { relations, plan };
  return {
    startInSubjects: draft(plan) ? relations.taughtSubjectIds : [],
    askInSubjects: canComment(subject, "askTeacher") ? subjectsWithTeachers : [],
    canReply: canComment(subject, "reply"),
    canResolveAny: draft(plan) && (relations.self || relations.mentor),
    canSeeStaffOnly: canComment(subject, "seeStaffOnly"),
  };
}

export type CommentAbilities = ReturnType<typeof commentAbilities>;

export interface AssessmentSubject {
  relations: PupilRelations;
  subjectId: string;
}

export const assessmentRules = {
  assess: {
    who: "a teacher of that subject for the pupil this term (not once the plan is locked)",
    allow: ({ relations, subjectId }) => teaches(relations, subjectId),
  },
} satisfies RuleTable<AssessmentSubject>;

export function canAssess(relations: PupilRelations, subjectId: string): boolean {
  return assessmentRules.assess.allow({ relations, subjectId });
}

export interface DutySubject {
  personId: string;
  duty: { teacherId: string; inActiveTerm: boolean };
}

export const dutyRules = {
  openGrid: {
    who: "the teacher whose teaching duty it is, in the active term",
    allow: ({ personId, duty }) => duty.teacherId === personId && duty.inActiveTerm,
  },
} satisfies RuleTable<DutySubject>;
