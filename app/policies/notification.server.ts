import type { Plan } from "../../db/schema";
import { canComment } from "./assessment.server";
import { canOnPlan } from "./plan.server";
import { worksWithPupil, type PupilRelations } from "./relations.server";
import type { RuleTable } from "./rule";

/**
 * Who is told of what happens in a plan (the home page's "Nytt för dig" and the mail). News is
 * worked out per person from these rules every time, never stored, so nobody is told of something
 * they may not (or may no longer) see. Signatures, calls and evaluations are told to whoever the
 * signing, talk and evaluation policies let act on them.
 */

export interface NewsSubject {
  relations: PupilRelations;
  plan: Pick<Plan, "status">;
  /** For news of a comment thread. */
  thread?: { subjectId: string; staffOnly: boolean; askedByPupil: boolean; writers: ReadonlySet<string> };
  /** For a call: whether the person has a page of the app open (an event stream). */
  onAPage?: boolean;
}

const reads = ({ relations, plan }: NewsSubject) => canOnPlan(relations, plan, "read");
const seesThread = ({ relations, plan, thread }: NewsSubject) =>
  thread !== undefined && (!thread.staffOnly || canComment({ relations, plan }, "seeStaffOnly"));

export const notificationRules = {
  hearOfQuestion: {
    who: "the teachers of the subject for the pupil this term (a question the pupil asked them)",
    allow: (subject) => reads(subject) && subject.thread?.askedByPupil === true && subject.relations.taughtSubjectIds.includes(subject.thread.subjectId),
  },
  hearOfComment: {
    who: "the pupil, of threads in her own plan; staff who teach the thread's subject or wrote in it; a staff-only thread only to staff who may see it",
    allow: (subject) => {
      const { relations, thread } = subject;
      if (!reads(subject) || !seesThread(subject)) return false;
      if (relations.self) return true;
      return worksWithPupil(relations) && (relations.taughtSubjectIds.includes(thread!.subjectId) || thread!.writers.has(relations.personId));
    },
  },
  hearOfAssessment: {
    who: "the pupil and guardians who read along (a new or changed assessment in the plan)",
    allow: (subject) => reads(subject) && (subject.relations.self || subject.relations.guardian),
  },
  mailCall: {
    who: "a teacher called to a talk who has no page of the app open (no event stream); on a page they see the call at once",
    allow: ({ onAPage }) => onAPage === false,
  },
} satisfies RuleTable<NewsSubject>;

export type NewsAction = keyof typeof notificationRules;

export function hearsOf(subject: NewsSubject, action: NewsAction): boolean {
  return notificationRules[action].allow(subject);
}
