import type { AppDatabase } from "../../db/client";
import { getPlan, getPlanSections } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import * as talkQueries from "../../db/queries/talks";
import { findRelations, roleOf } from "~/policies/relations.server";
import { maySeeIdentity } from "~/policies/school.server";
import { canOnPlan } from "~/policies/plan.server";
import { canOnTalk, canOnTalkDay } from "~/policies/talk.server";
import type { TalkDetails } from "../../db/queries/talks";
import { canOnSigning } from "~/policies/signing.server";
import { guestPresenceId } from "./talk-guests.server";
import { getFirstLockTimeSince, getSigningGuardians, getSigningProgress } from "./plan-signing.server";
import { getTalkDayTies } from "./talk-days.server";

/**
 * During the talk: the pupil's clock and agenda (which the others follow), calling a subject
 * teacher to the talk, and the mentor's board for a sitting. Who may do what is the talk policy's
 * (app/policies/talk.server.ts).
 */

export type TalkLiveError = "notFound" | "forbidden" | "invalidSection" | "noTeacher" | "alreadyStarted" | "planLocked";
export type TalkLiveResult<T = object> = ({ ok: true } & T) | { ok: false; error: TalkLiveError };

/** The talk as this person may see it, or null when they have no part in it (it then does not exist for them). */
function talkFor(db: AppDatabase, personId: string, talkId: string) {
  const details = talkQueries.getTalkDetails(db, talkId);
  if (!details?.talk.planId) return null;
  const relations = findRelations(db, personId, details.talk.pupilId);
  const subject = { relations, event: details.event, planStatus: details.planStatus };
  if (!canOnTalk(subject, "view")) return null;
  return { ...details, planId: details.talk.planId, relations, subject, leads: canOnTalk(subject, "lead") };
}

/** Everything the talk view shows besides the plan. The clock is sent as elapsed time so the
 * browser's own clock runs it (and a test can move that clock). */
export function getTalkView(db: AppDatabase, personId: string, talkId: string, now = new Date()) {
  const access = talkFor(db, personId, talkId);
  if (!access) return null;
  const { talk, event, relations } = access;
  const replies = talkQueries.getRepliesOfTalks(db, [talkId]).map((r) => r.reply);
  const liveBoard = talk.sittingId ? `/talk-days/${event.id}/sittings/${talk.sittingId}` : `/talk-days/${event.id}/one-to-one`;
  const described = describeTalk(db, access, now);
  return {
    ...described,
    talk: {
      ...described.talk,
      anyoneRemote: replies.some((r) => r.attendance === "remote"),
      // Only a guardian has an answer to the invitation: theirs says how they join.
      viewerJoinsRemotely: replies.some((r) => r.guardianId === personId && r.attendance === "remote"),
      viewerJoinsByPhone: replies.some((r) => r.guardianId === personId && r.attendance === "phone"),
    },
    /** The mentor's live board of the talk: its sitting's, or the one of the one-to-one talks. */
    liveBoard: canOnTalk(access.subject, "openSittingBoard") ? { href: liveBoard, oneToOne: talk.sittingId === null } : null,
    role: roleOf(relations),
    leads: access.leads,
    mayCall: canOnTalk(access.subject, "callTeacher"),
    mayRunClock: canOnTalk(access.subject, "runClock"),
    follows: canOnTalk(access.subject, "follow"),
  };
}

/**
 * What every view of a talk shows (a guest's too): the time and place, the clock, the agenda built
 * from the plan's sections and the open calls. The clock is sent as elapsed time so the browser's
 * own clock runs it.
 */
export function describeTalk(
  db: AppDatabase,
  access: Pick<TalkDetails, "talk" | "place" | "videoUrl" | "phoneNumber" | "talkMinutes" | "planStatus"> & { planId: string },
  now: Date,
) {
  const { talk } = access;
  return {
    talk: {
      id: talk.id,
      startsAt: talk.startsAt,
      endsAt: talk.endsAt,
      talkMinutes: access.talkMinutes,
      ...clockOf(db, talk, access.planId, access.planStatus, now),
      currentSection: talk.currentSection,
      place: access.place,
      // The link and number are for the people of this talk only; everyone who reaches a view of it is one of them.
      videoUrl: access.videoUrl,
      phoneNumber: access.phoneNumber,
    },
    planId: access.planId,
    pupil: talkQueries.getPeopleNames(db, [talk.pupilId]).map((p) => ({ givenName: p.givenName, familyName: p.familyName }))[0]!,
    agenda: getPlanSections(db, access.planId).map((s) => ({ fragment: s.fragment, kind: s.kind, subject: s.subject })),
    calls: talkQueries.getOpenCallsOfTalk(db, talk.id).map((c) => ({
      id: c.id,
      subjectId: c.subjectId,
      subject: { code: c.subjectCode, languageCode: c.subjectLanguageCode, nameSv: c.subjectSv, nameEn: c.subjectEn },
      calledAt: c.calledAt.toISOString(),
      acknowledgedAt: c.acknowledgedAt?.toISOString() ?? null,
      teacher: c.teacher,
    })),
  };
}

export type TalkViewData = ReturnType<typeof getTalkView>;

/**
 * The talk's clock as the browser runs it: the time gone (null before the start) and whether it
 * has stopped. Locking the plan ends the talk, so from its first lock after the start the clock
 * stands there and shows how long the talk took — an unlock for a correction later does not set
 * it running again; only a restart by a lead (offered once the plan is a draft) begins a new one.
 */
function clockOf(db: AppDatabase, talk: Pick<TalkDetails["talk"], "startedAt">, planId: string, planStatus: TalkDetails["planStatus"], now: Date) {
  const planClosed = planStatus === "locked" || planStatus === "signed";
  if (!talk.startedAt) return { elapsedMs: null, startedAtMs: null, stopped: planClosed };
  const endedAt = getFirstLockTimeSince(db, planId, talk.startedAt) ?? (planClosed ? talk.startedAt : null);
  return { elapsedMs: Math.max(0, (endedAt ?? now).getTime() - talk.startedAt.getTime()), startedAtMs: talk.startedAt.getTime(), stopped: endedAt !== null };
}

/** The talk, when the person leads it (the pupil or the mentor). */
function ledTalk(db: AppDatabase, personId: string, talkId: string): TalkLiveResult<{ access: NonNullable<ReturnType<typeof talkFor>> }> {
  const access = talkFor(db, personId, talkId);
  if (!access) return { ok: false, error: "notFound" };
  if (!access.leads) return { ok: false, error: "forbidden" };
  return { ok: true, access };
}

/** Starts the talk's clock. A clock already running restarts only when asked for in so many words
 * (`restart`: the page asks first), so a second tap or a second device never resets it. Once the
 * plan is locked the talk is over and its clock neither starts nor restarts. */
export function startTalkClock(db: AppDatabase, personId: string, talkId: string, restart: boolean, now = new Date()): TalkLiveResult<{ planId: string }> {
  const led = ledTalk(db, personId, talkId);
  if (!led.ok) return led;
  if (!canOnTalk(led.access.subject, "runClock")) return { ok: false, error: "planLocked" };
  if (led.access.talk.startedAt && !restart) return { ok: false, error: "alreadyStarted" };
  talkQueries.setTalkStarted(db, talkId, now);
  return { ok: true, planId: led.access.planId };
}

/** Closes a call (answered, or no longer needed): it leaves every notice and board. */
export function closeCall(db: AppDatabase, personId: string, talkId: string, callId: string, now = new Date()): TalkLiveResult<{ planId: string; teacherIds: string[]; mentorIds: string[] }> {
  const led = ledTalk(db, personId, talkId);
  if (!led.ok) return led;
  const row = talkQueries.getCall(db, callId);
  if (!row || row.call.talkId !== talkId) return { ok: false, error: "notFound" };
  talkQueries.closeCall(db, callId, personId, now);
  return {
    ok: true,
    planId: led.access.planId,
    teacherIds: talkQueries.getSubjectTeachers(db, row.talk.pupilId, row.call.subjectId, row.termId),
    mentorIds: talkQueries.getMentorsOfPupil(db, row.talk.pupilId),
  };
}

/** Moves the agenda to a section of the pupil's plan; those following see it. */
export function setAgendaSection(db: AppDatabase, personId: string, talkId: string, fragment: string): TalkLiveResult<{ planId: string }> {
  const led = ledTalk(db, personId, talkId);
  if (!led.ok) return led;
  if (!getPlanSections(db, led.access.planId).some((s) => s.fragment === fragment)) return { ok: false, error: "invalidSection" };
  talkQueries.setTalkSection(db, talkId, fragment, new Date());
  return { ok: true, planId: led.access.planId };
}

/** "Kalla på lärare": calls the subject's teachers to the talk. One open call per subject. */
export function callTeacher(
  db: AppDatabase,
  personId: string,
  talkId: string,
  subjectId: string,
  now = new Date(),
): TalkLiveResult<{ callId: string; teacherIds: string[]; mentorIds: string[]; planId: string; pupilId: string }> {
  const led = ledTalk(db, personId, talkId);
  if (!led.ok) return led;
  const { access } = led;
  if (!canOnTalk(access.subject, "callTeacher")) return { ok: false, error: "planLocked" };
  if (!getPlanSections(db, access.planId).some((s) => s.subject?.id === subjectId)) return { ok: false, error: "invalidSection" };
  const teacherIds = talkQueries.getSubjectTeachers(db, access.talk.pupilId, subjectId, access.event.termId);
  if (teacherIds.length === 0) return { ok: false, error: "noTeacher" };
  const mentorIds = talkQueries.getMentorsOfPupil(db, access.talk.pupilId);
  const open = talkQueries.getOpenCall(db, talkId, subjectId);
  const callId = open?.id ?? talkQueries.insertCall(db, { talkId, subjectId, calledBy: personId, calledAt: now });
  return { ok: true, callId, teacherIds, mentorIds, planId: access.planId, pupilId: access.talk.pupilId };
}

/** "Jag kommer": a teacher of the call's subject for that pupil answers it. */
export function answerCall(db: AppDatabase, teacherId: string, callId: string, now = new Date()): TalkLiveResult<{ planId: string; teacherIds: string[]; mentorIds: string[] }> {
  const row = talkQueries.getCall(db, callId);
  if (!row?.talk.planId) return { ok: false, error: "notFound" };
  const relations = findRelations(db, teacherId, row.talk.pupilId);
  const event = talkQueries.getTalkEvent(db, row.talk.eventId)!;
  if (!canOnTalk({ relations, event, subjectId: row.call.subjectId }, "answerCall")) return { ok: false, error: "notFound" };
  talkQueries.acknowledgeCall(db, callId, teacherId, now);
  return {
    ok: true,
    planId: row.talk.planId,
    teacherIds: talkQueries.getSubjectTeachers(db, row.talk.pupilId, row.call.subjectId, row.termId),
    mentorIds: talkQueries.getMentorsOfPupil(db, row.talk.pupilId),
  };
}

/** Calls waiting for this teacher (and those they answered in the last hour), wherever they are
 * in the app: who, which subject, when and where (or the video link). */
export function getCallsForTeacher(db: AppDatabase, teacherId: string, now = new Date()) {
  const hour = 60 * 60 * 1000;
  return talkQueries
    .getCallsInTeachersSubjects(db, teacherId)
    .filter((r) => !r.acknowledgedAt || (r.acknowledgedBy === teacherId && now.getTime() - r.acknowledgedAt.getTime() < hour))
    .map((r) => {
      const details = talkQueries.getTalkDetails(db, r.talkId)!;
      return {
        id: r.id,
        talkId: r.talkId,
        pupil: { givenName: r.pupilGiven, familyName: r.pupilFamily },
        subject: { code: r.subjectCode, languageCode: r.subjectLanguageCode, nameSv: r.subjectSv, nameEn: r.subjectEn },
        calledAt: r.calledAt.toISOString(),
        acknowledged: r.acknowledgedAt !== null,
        startsAt: details.talk.startsAt,
        endsAt: details.talk.endsAt,
        place: details.place,
        videoUrl: details.videoUrl,
      };
    });
}

export type TeacherCall = ReturnType<typeof getCallsForTeacher>[number];

/**
 * The mentor's live board: a sitting's talks, or the talk day's one-to-one talks (`sittingId`
 * null). Each pupil the viewer arranges (an admin: all; a mentor: their own) with the clock, who has
 * the plan open (guests too), open calls and how far signing has come. A family with protected
 * identity is masked for a viewer who does not work with it.
 */
export function getLiveBoard(
  db: AppDatabase,
  viewer: SignedInPerson,
  eventId: string,
  sittingId: string | null,
  presentPeople: (planId: string) => string[],
  now = new Date(),
) {
  const event = talkQueries.getTalkEvent(db, eventId);
  if (!event) return null;
  const sitting = sittingId ? talkQueries.getSitting(db, sittingId) : null;
  if (sittingId && (!sitting || sitting.eventId !== eventId)) return null;
  const ties = getTalkDayTies(db, viewer, event);
  if (!canOnTalkDay(ties, "viewBoard")) return null;
  const boardTalks = talkQueries
    .getBoardTalks(db, sitting ? { sittingId: sitting.id } : { oneToOneOf: event.id })
    .filter((r) => canOnTalkDay({ ...ties, pupilGroupId: r.groupId }, "arrangePupil"));
  const replies = talkQueries.getRepliesOfTalks(db, boardTalks.map((r) => r.talk.id));

  return {
    sitting: sitting ? { id: sitting.id, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: sitting.place, videoUrl: sitting.videoUrl ?? event.videoUrl } : null,
    eventId: event.id,
    pupils: boardTalks.flatMap(({ talk, givenName, familyName }) => {
      if (!talk.planId) return [];
      const plan = getPlan(db, talk.planId)!;
      const present = new Set(presentPeople(plan.id));
      const details = talkQueries.getTalkDetails(db, talk.id)!;
      const relations = findRelations(db, viewer.id, talk.pupilId);
      const identified = maySeeIdentity(relations);
      return [
        {
          talkId: talk.id,
          planId: plan.id,
          /** A one-to-one talk's own time and place (a sitting's talks share the sitting's). */
          time: sitting ? null : { startsAt: talk.startsAt, endsAt: talk.endsAt, place: details.place },
          talkMinutes: details.talkMinutes,
          pupil: identified ? { givenName, familyName } : { givenName: "", familyName: "" },
          masked: !identified,
          /** The board links to the plan and the talk view only for those who may open them. */
          opensPlan: canOnPlan(relations, plan, "read"),
          pupilPresent: present.has(talk.pupilId),
          ...clockOf(db, talk, plan.id, plan.status, now),
          guardians: replies
            .filter((r) => r.reply.talkId === talk.id)
            .map((r) => ({
              id: r.reply.guardianId,
              givenName: identified ? r.givenName : "",
              familyName: identified ? r.familyName : "",
              attendance: r.reply.attendance,
              confirmed: r.reply.confirmedAt !== null,
              interpreterLanguage: r.reply.interpreterLanguage,
              present: present.has(r.reply.guardianId),
              identityChecked: r.reply.identityCheckedAt !== null,
            })),
          guests: talkQueries
            .getGuestsOfTalk(db, talk.id)
            .filter((g) => !g.revokedAt)
            .map((g) => ({ id: g.id, name: g.name, language: g.language, present: present.has(guestPresenceId(g.id)) })),
          calls: talkQueries.getOpenCallsOfTalk(db, talk.id).map((c) => ({
            id: c.id,
            subject: { code: c.subjectCode, languageCode: c.subjectLanguageCode, nameSv: c.subjectSv, nameEn: c.subjectEn },
            calledAt: c.calledAt.toISOString(),
            acknowledged: c.acknowledgedAt !== null,
            teacher: c.teacher,
          })),
          signing: { planStatus: plan.status, ...getSigningProgress(db, plan.id) },
          /** The mentor locks from the board with the plan page's own form (same action, same policy):
           * offered while a draft, with the guardians who may sign ticked. */
          lock:
            plan.status === "draft" && canOnSigning(relations, plan, "lock")
              ? { guardians: getSigningGuardians(db, plan).map((g) => ({ id: g.id, name: identified ? `${g.givenName} ${g.familyName}` : "" })) }
              : null,
        },
      ];
    })
      // A masked card goes last: its place among the names would hint at the name.
      .sort((a, b) => Number(a.masked) - Number(b.masked)),
  };
}

export type LiveBoard = NonNullable<ReturnType<typeof getLiveBoard>>;

/** The mentor notes that they saw who they were talking to (a remote guardian). */
export function recordIdentityCheck(db: AppDatabase, mentorId: string, talkId: string, guardianId: string, now = new Date()): TalkLiveResult<{ planId: string }> {
  const access = talkFor(db, mentorId, talkId);
  if (!access || !canOnTalk(access.subject, "checkIdentity")) return { ok: false, error: "notFound" };
  if (!talkQueries.getReply(db, talkId, guardianId)) return { ok: false, error: "notFound" };
  talkQueries.setIdentityChecked(db, talkId, guardianId, mentorId, now);
  return { ok: true, planId: access.planId };
}
