import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { getRelationsToPupil, type RelationToPupil } from "../../db/queries/access";
import { getOrCreatePlan, getPlanSections } from "../../db/queries/plans";
import { newId } from "../../db/ids";
import {
  groupMembers,
  mentorships,
  people,
  planVersions,
  signatures,
  subjects,
  talkCalls,
  talkEvents,
  talkGuardianReplies,
  talkSittings,
  talks,
  teachingDuties,
} from "../../db/schema";
import { getEventRights, getTalkDetails } from "./talk-days.server";

/**
 * During the talk: the pupil's clock and agenda (which the guardians follow), calling a subject
 * teacher to the talk, and the mentor's board for a sitting.
 * - the pupil and their mentor lead the talk (start the clock, move through the agenda, call);
 * - guardians and the pupil's teachers follow it;
 * - a call reaches the teachers of that subject for that pupil this term, nobody else.
 */

export type TalkLiveError = "notFound" | "forbidden" | "invalidSection" | "noTeacher";
export type TalkLiveResult<T = object> = ({ ok: true } & T) | { ok: false; error: TalkLiveError };

type TalkRole = "pupil" | "mentor" | "guardian" | "teacher";

function roleFrom(relations: RelationToPupil[]): TalkRole | null {
  if (relations.includes("self")) return "pupil";
  if (relations.includes("mentor")) return "mentor";
  if (relations.includes("guardian")) return "guardian";
  if (relations.includes("teacher")) return "teacher";
  return null;
}

/** The person's part in a talk, or null when they have none (the talk then does not exist for them). */
function talkAccess(db: AppDatabase, personId: string, talkId: string) {
  const details = getTalkDetails(db, talkId);
  if (!details) return null;
  const role = roleFrom(getRelationsToPupil(db, personId, details.talk.pupilId));
  if (!role) return null;
  // Until the invitations go out the time is the staff's draft: pupils and guardians do not see it.
  if (details.event.status === "planning" && (role === "pupil" || role === "guardian")) return null;
  return { ...details, role, leads: role === "pupil" || role === "mentor" };
}

/** Teachers of a subject for a pupil in a term. */
function subjectTeachers(db: AppDatabase, pupilId: string, subjectId: string, termId: string): string[] {
  return db
    .selectDistinct({ teacherId: teachingDuties.teacherId })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .where(and(eq(teachingDuties.subjectId, subjectId), eq(teachingDuties.termId, termId), eq(groupMembers.pupilId, pupilId)))
    .all()
    .map((r) => r.teacherId);
}

const personName = (db: AppDatabase, id: string | null) =>
  id ? db.select({ givenName: people.givenName, familyName: people.familyName }).from(people).where(eq(people.id, id)).get() ?? null : null;

function callsOfTalk(db: AppDatabase, talkId: string) {
  return db
    .select({
      id: talkCalls.id,
      subjectId: talkCalls.subjectId,
      subjectSv: subjects.nameSv,
      subjectEn: subjects.nameEn,
      subjectCode: subjects.code,
      subjectLanguageCode: subjects.languageCode,
      calledAt: talkCalls.calledAt,
      acknowledgedAt: talkCalls.acknowledgedAt,
      acknowledgedBy: talkCalls.acknowledgedBy,
    })
    .from(talkCalls)
    .innerJoin(subjects, eq(subjects.id, talkCalls.subjectId))
    .where(and(eq(talkCalls.talkId, talkId), isNull(talkCalls.closedAt)))
    .orderBy(asc(talkCalls.calledAt))
    .all()
    .map((c) => ({ ...c, teacher: personName(db, c.acknowledgedBy) }));
}

/** Everything the talk view shows. The clock is sent as elapsed time so the browser's own clock
 * runs it (and a test can move that clock). */
export function getTalkView(db: AppDatabase, personId: string, talkId: string, now = new Date()) {
  const access = talkAccess(db, personId, talkId);
  if (!access) return null;
  const { talk, event, place, videoUrl, role } = access;
  const plan = getOrCreatePlan(db, talk.pupilId, event.termId);
  const pupil = personName(db, talk.pupilId)!;
  const sections = getPlanSections(db, plan.id);
  const remote = db
    .select({ attendance: talkGuardianReplies.attendance, guardianId: talkGuardianReplies.guardianId })
    .from(talkGuardianReplies)
    .where(eq(talkGuardianReplies.talkId, talkId))
    .all();
  const viewerIsGuardian = role === "guardian";
  return {
    talk: {
      id: talk.id,
      startsAt: talk.startsAt,
      endsAt: talk.endsAt,
      talkMinutes: talk.sittingId ? event.talkMinutes : Math.round((Date.parse(`${talk.endsAt}:00Z`) - Date.parse(`${talk.startsAt}:00Z`)) / 60_000),
      elapsedMs: talk.startedAt ? Math.max(0, now.getTime() - talk.startedAt.getTime()) : null,
      startedAtMs: talk.startedAt?.getTime() ?? null,
      currentSection: talk.currentSection,
      place,
      // The link is for the people of this talk only; everyone who reaches this view is one of them.
      videoUrl,
      anyoneRemote: remote.some((r) => r.attendance === "remote"),
      viewerJoinsRemotely: viewerIsGuardian && remote.some((r) => r.guardianId === personId && r.attendance === "remote"),
    },
    planId: plan.id,
    sittingBoard: role === "mentor" && talk.sittingId ? `/talk-days/${event.id}/sittings/${talk.sittingId}` : null,
    pupil,
    role,
    leads: access.leads,
    agenda: sections.map((s) => ({ fragment: s.fragment, kind: s.kind, subject: s.subject })),
    calls: callsOfTalk(db, talkId).map((c) => ({
      id: c.id,
      subjectId: c.subjectId,
      subject: { code: c.subjectCode, languageCode: c.subjectLanguageCode, nameSv: c.subjectSv, nameEn: c.subjectEn },
      calledAt: c.calledAt.toISOString(),
      acknowledgedAt: c.acknowledgedAt?.toISOString() ?? null,
      teacher: c.teacher,
    })),
  };
}

/** Starts the talk's clock (once; starting again restarts it, for a talk begun by mistake). */
export function startTalkClock(db: AppDatabase, personId: string, talkId: string, now = new Date()): TalkLiveResult<{ planId: string }> {
  const access = talkAccess(db, personId, talkId);
  if (!access) return { ok: false, error: "notFound" };
  if (!access.leads) return { ok: false, error: "forbidden" };
  db.update(talks).set({ startedAt: now, updatedAt: now }).where(eq(talks.id, talkId)).run();
  return { ok: true, planId: getOrCreatePlan(db, access.talk.pupilId, access.event.termId).id };
}

/** Moves the agenda to a section of the pupil's plan; guardians following see it. */
export function setAgendaSection(db: AppDatabase, personId: string, talkId: string, fragment: string): TalkLiveResult<{ planId: string }> {
  const access = talkAccess(db, personId, talkId);
  if (!access) return { ok: false, error: "notFound" };
  if (!access.leads) return { ok: false, error: "forbidden" };
  const plan = getOrCreatePlan(db, access.talk.pupilId, access.event.termId);
  if (!getPlanSections(db, plan.id).some((s) => s.fragment === fragment)) return { ok: false, error: "invalidSection" };
  db.update(talks).set({ currentSection: fragment, updatedAt: new Date() }).where(eq(talks.id, talkId)).run();
  return { ok: true, planId: plan.id };
}

/** "Kalla på lärare": calls the subject's teachers to the talk. One open call per subject. */
export function callTeacher(db: AppDatabase, personId: string, talkId: string, subjectId: string, now = new Date()): TalkLiveResult<{ callId: string; teacherIds: string[]; planId: string }> {
  const access = talkAccess(db, personId, talkId);
  if (!access) return { ok: false, error: "notFound" };
  if (!access.leads) return { ok: false, error: "forbidden" };
  const plan = getOrCreatePlan(db, access.talk.pupilId, access.event.termId);
  if (!getPlanSections(db, plan.id).some((s) => s.subject?.id === subjectId)) return { ok: false, error: "invalidSection" };
  const teacherIds = subjectTeachers(db, access.talk.pupilId, subjectId, access.event.termId);
  if (teacherIds.length === 0) return { ok: false, error: "noTeacher" };
  const open = db
    .select({ id: talkCalls.id })
    .from(talkCalls)
    .where(and(eq(talkCalls.talkId, talkId), eq(talkCalls.subjectId, subjectId), isNull(talkCalls.acknowledgedAt), isNull(talkCalls.closedAt)))
    .get();
  if (open) return { ok: true, callId: open.id, teacherIds, planId: plan.id };
  const callId = newId();
  db.insert(talkCalls).values({ id: callId, talkId, subjectId, calledBy: personId, calledAt: now }).run();
  return { ok: true, callId, teacherIds, planId: plan.id };
}

/** "Jag kommer": a teacher of the call's subject for that pupil answers it. */
export function acknowledgeCall(db: AppDatabase, teacherId: string, callId: string, now = new Date()): TalkLiveResult<{ planId: string; pupilId: string; teacherIds: string[] }> {
  const row = db
    .select({ call: talkCalls, talk: talks, termId: talkEvents.termId })
    .from(talkCalls)
    .innerJoin(talks, eq(talks.id, talkCalls.talkId))
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .where(eq(talkCalls.id, callId))
    .get();
  if (!row) return { ok: false, error: "notFound" };
  const teacherIds = subjectTeachers(db, row.talk.pupilId, row.call.subjectId, row.termId);
  if (!teacherIds.includes(teacherId)) return { ok: false, error: "notFound" };
  if (!row.call.acknowledgedAt) {
    db.update(talkCalls).set({ acknowledgedBy: teacherId, acknowledgedAt: now }).where(eq(talkCalls.id, callId)).run();
  }
  return { ok: true, planId: getOrCreatePlan(db, row.talk.pupilId, row.termId).id, pupilId: row.talk.pupilId, teacherIds };
}

/** Calls waiting for this teacher (and those they answered in the last hour), wherever they are
 * in the app: who, which subject, when and where (or the video link). */
export function getCallsForTeacher(db: AppDatabase, teacherId: string, now = new Date()) {
  const rows = db
    .select({
      id: talkCalls.id,
      talkId: talks.id,
      calledAt: talkCalls.calledAt,
      acknowledgedAt: talkCalls.acknowledgedAt,
      acknowledgedBy: talkCalls.acknowledgedBy,
      pupilGiven: people.givenName,
      pupilFamily: people.familyName,
      subjectSv: subjects.nameSv,
      subjectEn: subjects.nameEn,
      subjectCode: subjects.code,
      subjectLanguageCode: subjects.languageCode,
    })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .innerJoin(talks, eq(talks.pupilId, groupMembers.pupilId))
    .innerJoin(talkEvents, and(eq(talkEvents.id, talks.eventId), eq(talkEvents.termId, teachingDuties.termId)))
    .innerJoin(talkCalls, and(eq(talkCalls.talkId, talks.id), eq(talkCalls.subjectId, teachingDuties.subjectId)))
    .innerJoin(people, eq(people.id, talks.pupilId))
    .innerJoin(subjects, eq(subjects.id, talkCalls.subjectId))
    .where(and(eq(teachingDuties.teacherId, teacherId), isNull(talkCalls.closedAt)))
    .orderBy(desc(talkCalls.calledAt))
    .all();
  const seen = new Set<string>();
  const hour = 60 * 60 * 1000;
  return rows
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .filter((r) => !r.acknowledgedAt || (r.acknowledgedBy === teacherId && now.getTime() - r.acknowledgedAt.getTime() < hour))
    .map((r) => {
      const details = getTalkDetails(db, r.talkId)!;
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

/** The mentor's board for a sitting: each of their pupils with the clock, who has the plan open,
 * open calls and how far signing has come. Admins see every pupil of the sitting. */
export function getSittingBoard(
  db: AppDatabase,
  viewer: { id: string; schoolId: string; isAdmin: boolean },
  sittingId: string,
  presentPeople: (planId: string) => string[],
  now = new Date(),
) {
  const personId = viewer.id;
  const sitting = db.select().from(talkSittings).where(eq(talkSittings.id, sittingId)).get();
  if (!sitting) return null;
  const event = db.select().from(talkEvents).where(eq(talkEvents.id, sitting.eventId)).get()!;
  const seesAll = viewer.isAdmin && viewer.schoolId === event.schoolId;
  const ownPupilIds = new Set(
    db
      .select({ pupilId: groupMembers.pupilId })
      .from(mentorships)
      .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
      .where(eq(mentorships.mentorId, personId))
      .all()
      .map((r) => r.pupilId),
  );
  const sittingTalks = db
    .select({ talk: talks, givenName: people.givenName, familyName: people.familyName })
    .from(talks)
    .innerJoin(people, eq(people.id, talks.pupilId))
    .where(eq(talks.sittingId, sittingId))
    .orderBy(asc(people.familyName), asc(people.givenName))
    .all()
    .filter((r) => seesAll || ownPupilIds.has(r.talk.pupilId));
  if (!seesAll && !getEventRights(db, personId, event).canPlan) return null;

  const talkIds = sittingTalks.map((r) => r.talk.id);
  const replies = talkIds.length
    ? db
        .select({ reply: talkGuardianReplies, givenName: people.givenName, familyName: people.familyName })
        .from(talkGuardianReplies)
        .innerJoin(people, eq(people.id, talkGuardianReplies.guardianId))
        .where(inArray(talkGuardianReplies.talkId, talkIds))
        .all()
    : [];

  return {
    sitting: { id: sitting.id, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: sitting.place, videoUrl: sitting.videoUrl ?? event.videoUrl },
    eventId: event.id,
    talkMinutes: event.talkMinutes,
    pupils: sittingTalks.map(({ talk, givenName, familyName }) => {
      const plan = getOrCreatePlan(db, talk.pupilId, event.termId);
      const present = new Set(presentPeople(plan.id));
      const version = db.select().from(planVersions).where(eq(planVersions.planId, plan.id)).orderBy(desc(planVersions.version)).get();
      const signed = version && version.status !== "voided"
        ? db.select({ n: signatures.id }).from(signatures).where(eq(signatures.planVersionId, version.id)).all().length
        : 0;
      const required = version && version.status !== "voided" ? (JSON.parse(version.requiredSigners) as unknown[]).length : 0;
      return {
        talkId: talk.id,
        planId: plan.id,
        pupil: { givenName, familyName },
        pupilPresent: present.has(talk.pupilId),
        elapsedMs: talk.startedAt ? Math.max(0, now.getTime() - talk.startedAt.getTime()) : null,
        startedAtMs: talk.startedAt?.getTime() ?? null,
        guardians: replies
          .filter((r) => r.reply.talkId === talk.id)
          .map((r) => ({
            id: r.reply.guardianId,
            givenName: r.givenName,
            familyName: r.familyName,
            attendance: r.reply.attendance,
            confirmed: r.reply.confirmedAt !== null,
            interpreterLanguage: r.reply.interpreterLanguage,
            present: present.has(r.reply.guardianId),
            identityChecked: r.reply.identityCheckedAt !== null,
          })),
        calls: callsOfTalk(db, talk.id).map((c) => ({
          id: c.id,
          subject: { code: c.subjectCode, languageCode: c.subjectLanguageCode, nameSv: c.subjectSv, nameEn: c.subjectEn },
          calledAt: c.calledAt.toISOString(),
          acknowledged: c.acknowledgedAt !== null,
          teacher: c.teacher,
        })),
        signing: { planStatus: plan.status, signed, required },
      };
    }),
  };
}

export type SittingBoard = NonNullable<ReturnType<typeof getSittingBoard>>;

/** The mentor notes that they saw who they were talking to (a remote guardian). */
export function recordIdentityCheck(db: AppDatabase, mentorId: string, talkId: string, guardianId: string, now = new Date()): TalkLiveResult<{ planId: string }> {
  const access = talkAccess(db, mentorId, talkId);
  if (!access || access.role !== "mentor") return { ok: false, error: "notFound" };
  const reply = db.select().from(talkGuardianReplies).where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId))).get();
  if (!reply) return { ok: false, error: "notFound" };
  db.update(talkGuardianReplies).set({ identityCheckedBy: mentorId, identityCheckedAt: now, updatedAt: now }).where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId))).run();
  return { ok: true, planId: getOrCreatePlan(db, access.talk.pupilId, access.event.termId).id };
}

/** The mentors of a pupil, to tell their boards about a call. */
export function getMentorsOfPupil(db: AppDatabase, pupilId: string): string[] {
  return db
    .selectDistinct({ mentorId: mentorships.mentorId })
    .from(mentorships)
    .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
    .where(eq(groupMembers.pupilId, pupilId))
    .all()
    .map((r) => r.mentorId);
}
