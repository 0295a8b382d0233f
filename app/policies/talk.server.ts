import type { TalkEvent } from "../../db/schema";
import { isPartOfPlan, worksWithPupil, type PupilRelations } from "./relations.server";
import type { RuleTable } from "./rule";

/**
 * Talk days and talks. A talk day (an event) is planned by the school's admins for any mentor
 * groups and by mentors for their own; a mentor arranges their own pupils, and only someone who
 * arranges every group of the event changes what all its families get (sittings' places and links,
 * a new placement, the invitations). One pupil's talk is led by the pupil and the mentor, and
 * followed by the others who may read the plan; pupils and guardians see it once invited.
 */

export interface TalkDaySubject {
  /** Admin of the event's school. */
  admin: boolean;
  /** The event's mentor groups. */
  eventGroupIds: string[];
  /** Those of them the person mentors. */
  mentoredGroupIds: string[];
  /** The group of the pupil being arranged, when one is. */
  pupilGroupId?: string;
}

export const talkDayRules = {
  viewBoard: {
    who: "the admins of the event's school; mentors of one of its groups",
    allow: ({ admin, mentoredGroupIds }) => admin || mentoredGroupIds.length > 0,
  },
  arrangePupil: {
    who: "the admins; the pupil's own mentor (move, one-to-one booking)",
    allow: ({ admin, mentoredGroupIds, pupilGroupId }) => admin || (pupilGroupId !== undefined && mentoredGroupIds.includes(pupilGroupId)),
  },
  changeWholeEvent: {
    who: "the admins; a mentor who mentors every group of the event (sittings' places and links, placing again, inviting)",
    allow: ({ admin, eventGroupIds, mentoredGroupIds }) =>
      admin || (eventGroupIds.length > 0 && eventGroupIds.every((id) => mentoredGroupIds.includes(id))),
  },
} satisfies RuleTable<TalkDaySubject>;

export type TalkDayAction = keyof typeof talkDayRules;

export function canOnTalkDay(subject: TalkDaySubject, action: TalkDayAction): boolean {
  return talkDayRules[action].allow(subject);
}

export interface TalkSubject {
  relations: PupilRelations;
  event: Pick<TalkEvent, "status">;
  /** The subject of a call being answered. */
  subjectId?: string;
  /** The state of the talk's plan, where the action depends on it. */
  planStatus?: "draft" | "locked" | "signed" | null;
}

const view = ({ relations, event }: TalkSubject) => isPartOfPlan(relations) && (event.status === "invited" || worksWithPupil(relations));
const lead = (subject: TalkSubject) => view(subject) && (subject.relations.self || subject.relations.mentor);

export const talkRules = {
  view: {
    who: "everyone who may read the pupil's plan; pupils and guardians once the invitations are out",
    allow: view,
  },
  lead: {
    who: "the pupil and their mentors (clock, agenda, calling a teacher and closing the call)",
    allow: lead,
  },
  runClock: {
    who: "the pupil and their mentors while the plan is a draft (the lock ends the talk: its clock stops there)",
    allow: (subject) => lead(subject) && subject.planStatus === "draft",
  },
  callTeacher: {
    who: "the pupil and their mentors while the plan is a draft (once it is locked, nothing a teacher answers can go into it)",
    allow: (subject) => lead(subject) && subject.planStatus === "draft",
  },
  follow: {
    who: "the others who may view the talk (they follow the pupil's place in the plan)",
    allow: (subject) => view(subject) && !lead(subject),
  },
  answerInvitation: {
    who: "the pupil's guardians who read along, once invited (confirm, choose another sitting)",
    allow: ({ relations, event }) => relations.guardian && event.status === "invited",
  },
  stateUnavailability: {
    who: "the pupil's guardians who read along, while staff plan or once invited",
    allow: ({ relations }) => relations.guardian,
  },
  openSittingBoard: {
    who: "the pupil's mentors (the board of the talk's sitting)",
    allow: ({ relations }) => relations.mentor,
  },
  checkIdentity: {
    who: "the pupil's mentors (a remote guardian's identity)",
    allow: ({ relations }) => relations.mentor,
  },
  answerCall: {
    who: "the teachers of the called subject for that pupil this term",
    allow: ({ relations, subjectId }) => subjectId !== undefined && relations.taughtSubjectIds.includes(subjectId),
  },
  manageGuests: {
    // Not the school's admins: a guest's link opens the plan, which their role does not read.
    who: "the pupil's mentors (an interpreter as a guest of the talk: add, new link, withdraw)",
    allow: ({ relations }) => relations.mentor,
  },
} satisfies RuleTable<TalkSubject>;

export type TalkAction = keyof typeof talkRules;

export function canOnTalk(subject: TalkSubject, action: TalkAction): boolean {
  return talkRules[action].allow(subject);
}

/** A guest of one talk (an interpreter): no account and no relations, only a link to that talk. */
export interface GuestSubject {
  /** The link was withdrawn by staff. */
  revoked: boolean;
  now: Date;
  /** The guest's window: from a little before the talk until a little after it ends. */
  opensAt: Date;
  closesAt: Date;
}

export const guestRules = {
  openTalk: {
    who: "a guest added to the talk (an interpreter, by link, no account): that talk's view and plan, read-only, from 15 minutes before it until 30 minutes after it ends, unless the link was withdrawn; nothing else",
    allow: ({ revoked, now, opensAt, closesAt }) => !revoked && now >= opensAt && now < closesAt,
  },
} satisfies RuleTable<GuestSubject>;

export function canGuest(subject: GuestSubject, action: keyof typeof guestRules): boolean {
  return guestRules[action].allow(subject);
}
