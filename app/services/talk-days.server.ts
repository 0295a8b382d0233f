import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { canAdministerSchool, getPupilAccess } from "../../db/queries/access";
import { getActiveTerm } from "../../db/queries/terms";
import { newId } from "../../db/ids";
import { minutesOfDay, stockholmToday, timeOfDay } from "../../db/school-calendar";
import {
  groupMembers,
  groups,
  guardianships,
  guardianUnavailability,
  mentorships,
  people,
  talkCalls,
  talkEventGroups,
  talkEvents,
  talkGuardianReplies,
  talkSittings,
  talks,
  type Talk,
  type TalkEvent,
  type TalkSitting,
} from "../../db/schema";
import {
  createMoveChecker,
  moveViolations,
  placePupils,
  summarizePlacement,
  type PlacementConstraint,
  type PlacementPupil,
  type PlacementSitting,
} from "./talk-placement";

/**
 * Planning the talk days: creating an event with its sittings, placing the pupils, moving them by
 * hand, one-to-one bookings, and the guardians' answers. Who may do what is decided here:
 * - planners: the school's admins (any mentor group) and mentors (their own groups);
 * - a mentor sees their own pupils by name on the board, other groups only as counts;
 * - a guardian sees and answers only their own children's talks.
 */

export type TalkDayError =
  | "notFound"
  | "forbidden"
  | "noTerm"
  | "noSittings"
  | "capacity"
  | "sibling"
  | "unavailable"
  | "notPlanning"
  | "invalidTime";

export type TalkDayResult<T = object> = ({ ok: true } & T) | { ok: false; error: TalkDayError };

const nameOf = (p: { givenName: string; familyName: string }) => ({ givenName: p.givenName, familyName: p.familyName });

/** The mentor groups a person may plan talks for: all of the school's for an admin, else their own. */
export function getPlannableGroups(db: AppDatabase, personId: string, schoolId: string) {
  const admin = canAdministerSchool(db, personId, schoolId);
  const rows = admin
    ? db.select({ id: groups.id, name: groups.name }).from(groups).where(and(eq(groups.schoolId, schoolId), eq(groups.type, "mentor"))).orderBy(asc(groups.name)).all()
    : db
        .select({ id: groups.id, name: groups.name })
        .from(mentorships)
        .innerJoin(groups, eq(groups.id, mentorships.groupId))
        .where(and(eq(mentorships.mentorId, personId), eq(groups.schoolId, schoolId)))
        .orderBy(asc(groups.name))
        .all();
  return { admin, groups: rows };
}

export interface NewTalkEvent {
  dates: string[];
  windowStart: string;
  windowEnd: string;
  sittingMinutes: number;
  talkMinutes: number;
  place: string;
  videoUrl: string | null;
  capacity: number | null;
  groupIds: string[];
}

/** Sittings back to back through each day's window: 15:00–18:00 in 60 minutes gives three. */
export function sittingTimes(input: Pick<NewTalkEvent, "dates" | "windowStart" | "windowEnd" | "sittingMinutes">) {
  const start = minutesOfDay(input.windowStart);
  const end = minutesOfDay(input.windowEnd);
  const times: Array<{ startsAt: string; endsAt: string }> = [];
  for (const date of [...input.dates].sort()) {
    for (let t = start; t + input.sittingMinutes <= end; t += input.sittingMinutes) {
      times.push({ startsAt: `${date}T${timeOfDay(t)}`, endsAt: `${date}T${timeOfDay(t + input.sittingMinutes)}` });
    }
  }
  return times;
}

/** Creates the event and its sittings and places every pupil at once, in one transaction. */
export function createTalkEvent(
  db: AppDatabase,
  person: { id: string; schoolId: string },
  input: NewTalkEvent,
  today: string = stockholmToday(),
): TalkDayResult<{ eventId: string }> {
  const term = getActiveTerm(db, person.schoolId, today);
  if (!term) return { ok: false, error: "noTerm" };
  const allowed = new Set(getPlannableGroups(db, person.id, person.schoolId).groups.map((g) => g.id));
  if (input.groupIds.length === 0 || input.groupIds.some((id) => !allowed.has(id))) return { ok: false, error: "forbidden" };
  const times = sittingTimes(input);
  if (times.length === 0) return { ok: false, error: "noSittings" };

  const eventId = newId();
  const now = new Date();
  db.transaction((tx) => {
    tx.insert(talkEvents)
      .values({
        id: eventId,
        schoolId: person.schoolId,
        termId: term.id,
        windowStart: input.windowStart,
        windowEnd: input.windowEnd,
        sittingMinutes: input.sittingMinutes,
        talkMinutes: input.talkMinutes,
        place: input.place,
        videoUrl: input.videoUrl,
        capacity: input.capacity,
        status: "planning",
        createdBy: person.id,
        createdAt: now,
      })
      .run();
    tx.insert(talkEventGroups).values([...new Set(input.groupIds)].map((groupId) => ({ eventId, groupId }))).run();
    tx.insert(talkSittings)
      .values(times.map((time) => ({ id: newId(), eventId, ...time, place: input.place, videoUrl: null, capacity: input.capacity })))
      .run();
    placeEventPupils(tx as unknown as AppDatabase, eventId, now);
  });
  return { ok: true, eventId };
}

export function getTalkEvent(db: AppDatabase, eventId: string): TalkEvent | null {
  return db.select().from(talkEvents).where(eq(talkEvents.id, eventId)).get() ?? null;
}

/** The talk days page: the events the person plans, the groups they may plan new ones for, and today's date. */
export function getTalkDaysPage(db: AppDatabase, person: { id: string; schoolId: string }) {
  const { groups } = getPlannableGroups(db, person.id, person.schoolId);
  return { events: listTalkEvents(db, person.id, person.schoolId), groups, today: stockholmToday() };
}

export function listTalkEvents(db: AppDatabase, personId: string, schoolId: string) {
  const { admin, groups: own } = getPlannableGroups(db, personId, schoolId);
  const ownIds = new Set(own.map((g) => g.id));
  const events = db.select().from(talkEvents).where(eq(talkEvents.schoolId, schoolId)).orderBy(asc(talkEvents.createdAt)).all();
  return events
    .map((event) => {
      const eventGroups = db.select({ groupId: talkEventGroups.groupId }).from(talkEventGroups).where(eq(talkEventGroups.eventId, event.id)).all();
      const sittings = db.select().from(talkSittings).where(eq(talkSittings.eventId, event.id)).orderBy(asc(talkSittings.startsAt)).all();
      return { event, groupIds: eventGroups.map((g) => g.groupId), sittings };
    })
    .filter((e) => admin || e.groupIds.some((id) => ownIds.has(id)))
    .map(({ event, groupIds, sittings }) => ({
      id: event.id,
      status: event.status,
      place: event.place,
      groupCount: groupIds.length,
      firstSitting: sittings[0]?.startsAt ?? null,
      lastSitting: sittings.at(-1)?.endsAt ?? null,
      sittingCount: sittings.length,
    }));
}

/** Whether a person plans this event: an admin of its school or a mentor of one of its groups. */
export function getEventRights(db: AppDatabase, personId: string, event: TalkEvent) {
  const admin = canAdministerSchool(db, personId, event.schoolId);
  const mentorGroupIds = db
    .select({ groupId: talkEventGroups.groupId })
    .from(talkEventGroups)
    .innerJoin(mentorships, eq(mentorships.groupId, talkEventGroups.groupId))
    .where(and(eq(talkEventGroups.eventId, event.id), eq(mentorships.mentorId, personId)))
    .all()
    .map((r) => r.groupId);
  return { admin, mentorGroupIds, canPlan: admin || mentorGroupIds.length > 0 };
}

interface EventPupil {
  id: string;
  givenName: string;
  familyName: string;
  groupId: string;
  groupName: string;
  mentorId: string;
  guardianIds: string[];
}

/** The pupils of the event's mentor groups, each once, with their mentor and guardians. */
function getEventPupils(db: AppDatabase, eventId: string): EventPupil[] {
  const rows = db
    .select({
      id: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
      groupId: groups.id,
      groupName: groups.name,
      mentorId: mentorships.mentorId,
    })
    .from(talkEventGroups)
    .innerJoin(groups, eq(groups.id, talkEventGroups.groupId))
    .innerJoin(groupMembers, eq(groupMembers.groupId, groups.id))
    .innerJoin(people, eq(people.id, groupMembers.pupilId))
    .innerJoin(mentorships, eq(mentorships.groupId, groups.id))
    .where(eq(talkEventGroups.eventId, eventId))
    .orderBy(asc(groups.name), asc(people.familyName), asc(people.givenName), asc(mentorships.mentorId))
    .all();
  const byId = new Map<string, EventPupil>();
  for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, { ...row, guardianIds: [] });
  const ids = [...byId.keys()];
  if (ids.length > 0) {
    for (const g of db.select().from(guardianships).where(inArray(guardianships.pupilId, ids)).all()) byId.get(g.pupilId)!.guardianIds.push(g.guardianId);
  }
  return [...byId.values()];
}

function getSittings(db: AppDatabase, eventId: string): TalkSitting[] {
  return db.select().from(talkSittings).where(eq(talkSittings.eventId, eventId)).orderBy(asc(talkSittings.startsAt), asc(talkSittings.id)).all();
}

function getEventTalks(db: AppDatabase, eventId: string): Talk[] {
  return db.select().from(talks).where(eq(talks.eventId, eventId)).all();
}

/** What the placement needs: pupils with their guardians' unavailable times and fixed places. */
function placementInput(db: AppDatabase, eventId: string) {
  const pupils = getEventPupils(db, eventId);
  const sittings = getSittings(db, eventId);
  const eventTalks = getEventTalks(db, eventId);
  const talkByPupil = new Map(eventTalks.map((t) => [t.pupilId, t]));
  const confirmed = new Set(
    db
      .select({ talkId: talkGuardianReplies.talkId })
      .from(talkGuardianReplies)
      .innerJoin(talks, eq(talks.id, talkGuardianReplies.talkId))
      .where(and(eq(talks.eventId, eventId), isNotNull(talkGuardianReplies.confirmedAt)))
      .all()
      .map((r) => r.talkId),
  );
  const unavailable = db.select().from(guardianUnavailability).where(eq(guardianUnavailability.eventId, eventId)).all();
  const unavailableByGuardian = new Map<string, Array<{ startsAt: string; endsAt: string }>>();
  for (const u of unavailable) unavailableByGuardian.set(u.guardianId, [...(unavailableByGuardian.get(u.guardianId) ?? []), { startsAt: u.startsAt, endsAt: u.endsAt }]);

  const placementSittings: PlacementSitting[] = sittings.map((s) => ({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, capacity: s.capacity }));
  const allPlacementPupils: PlacementPupil[] = pupils.map((p) => {
    const talk = talkByPupil.get(p.id);
    const fixed = talk?.sittingId && (talk.placedBy !== "auto" || confirmed.has(talk.id)) ? talk.sittingId : undefined;
    return {
      id: p.id,
      mentorId: p.mentorId,
      guardianIds: p.guardianIds,
      unavailable: p.guardianIds.flatMap((g) => unavailableByGuardian.get(g) ?? []),
      ...(fixed ? { fixedSittingId: fixed } : {}),
    };
  });
  // A one-to-one booking takes the pupil out of the sittings altogether.
  const placementPupils = allPlacementPupils.filter((p) => !(talkByPupil.get(p.id) && talkByPupil.get(p.id)!.sittingId === null));
  return { pupils, sittings, eventTalks, talkByPupil, placementSittings, placementPupils, allPlacementPupils };
}

/**
 * Places the event's pupils: keeps talks a person decided (moved by hand, chosen or confirmed by
 * a guardian), places everyone else afresh. Runs inside the caller's transaction.
 */
function placeEventPupils(db: AppDatabase, eventId: string, now: Date) {
  const input = placementInput(db, eventId);
  const result = placePupils(input.placementSittings, input.placementPupils);
  const sittingById = new Map(input.sittings.map((s) => [s.id, s]));
  const guardiansByPupil = new Map(input.pupils.map((p) => [p.id, p.guardianIds]));
  for (const pupil of input.placementPupils) {
    const sittingId = result.assignments[pupil.id];
    const talk = input.talkByPupil.get(pupil.id);
    if (talk && talk.sittingId === (sittingId ?? null)) continue;
    if (talk && !sittingId) {
      removeTalk(db, talk.id);
      continue;
    }
    if (!sittingId) continue;
    const sitting = sittingById.get(sittingId)!;
    if (talk) {
      db.update(talks).set({ sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, placedBy: "auto", updatedAt: now }).where(eq(talks.id, talk.id)).run();
    } else {
      const talkId = newId();
      db.insert(talks).values({ id: talkId, eventId, pupilId: pupil.id, sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, placedBy: "auto", updatedAt: now }).run();
      const guardianIds = guardiansByPupil.get(pupil.id) ?? [];
      if (guardianIds.length > 0) db.insert(talkGuardianReplies).values(guardianIds.map((guardianId) => ({ talkId, guardianId, updatedAt: now }))).run();
    }
  }
}

function removeTalk(db: AppDatabase, talkId: string) {
  db.delete(talkCalls).where(eq(talkCalls.talkId, talkId)).run();
  db.delete(talkGuardianReplies).where(eq(talkGuardianReplies.talkId, talkId)).run();
  db.delete(talks).where(eq(talks.id, talkId)).run();
}

/** Places everyone not decided by a person again (after guardians stated times they cannot come). */
export function replaceEventPupils(db: AppDatabase, personId: string, eventId: string): TalkDayResult {
  const event = getTalkEvent(db, eventId);
  if (!event || !getEventRights(db, personId, event).canPlan) return { ok: false, error: "notFound" };
  if (event.status !== "planning") return { ok: false, error: "notPlanning" };
  db.transaction((tx) => placeEventPupils(tx as unknown as AppDatabase, eventId, new Date()));
  return { ok: true };
}

/** The planning board: sittings with counts per mentor, the pupils the viewer may name, the
 * pupils that could not be placed and why. */
export function getTalkBoard(db: AppDatabase, personId: string, eventId: string) {
  const event = getTalkEvent(db, eventId);
  if (!event) return null;
  const rights = getEventRights(db, personId, event);
  if (!rights.canPlan) return null;
  const input = placementInput(db, eventId);
  const assignments: Record<string, string> = {};
  for (const talk of input.eventTalks) if (talk.sittingId) assignments[talk.pupilId] = talk.sittingId;
  const summary = summarizePlacement(input.placementSittings, input.placementPupils, assignments);
  const countBySitting = new Map(summary.perSitting.map((s) => [s.sittingId, s]));

  const mentorIds = [...new Set(input.pupils.map((p) => p.mentorId))];
  const mentors = mentorIds.length
    ? db.select({ id: people.id, givenName: people.givenName, familyName: people.familyName }).from(people).where(inArray(people.id, mentorIds)).orderBy(asc(people.familyName)).all()
    : [];
  const ownGroups = new Set(rights.mentorGroupIds);
  const visible = input.pupils.filter((p) => rights.admin || ownGroups.has(p.groupId));

  const replies = input.eventTalks.length
    ? db.select().from(talkGuardianReplies).where(inArray(talkGuardianReplies.talkId, input.eventTalks.map((t) => t.id))).all()
    : [];
  const repliesByTalk = new Map<string, typeof replies>();
  for (const r of replies) repliesByTalk.set(r.talkId, [...(repliesByTalk.get(r.talkId) ?? []), r]);
  const placementById = new Map(input.placementPupils.map((p) => [p.id, p]));
  const violations = createMoveChecker(input.placementSittings, input.placementPupils, assignments);

  const pupilRows = visible.map((p) => {
    const talk = input.talkByPupil.get(p.id) ?? null;
    const talkReplies = talk ? repliesByTalk.get(talk.id) ?? [] : [];
    const placement = placementById.get(p.id);
    // Why no sitting would take this pupil: each rule that rules out a sitting.
    const reasons: PlacementConstraint[] =
      !talk && placement
        ? [...new Set(input.sittings.flatMap((s) => violations(p.id, s.id)))].sort()
        : [];
    return {
      id: p.id,
      ...nameOf(p),
      groupName: p.groupName,
      mentorId: p.mentorId,
      talkId: talk?.id ?? null,
      sittingId: talk?.sittingId ?? null,
      oneToOne: talk && !talk.sittingId ? { startsAt: talk.startsAt, endsAt: talk.endsAt, place: talk.place } : null,
      placedBy: talk?.placedBy ?? null,
      guardians: talkReplies.length,
      confirmed: talkReplies.filter((r) => r.confirmedAt !== null).length,
      remote: talkReplies.some((r) => r.attendance === "remote"),
      interpreterLanguages: [...new Set(talkReplies.map((r) => r.interpreterLanguage).filter((l): l is string => !!l))],
      unplacedReasons: reasons,
    };
  });

  return {
    event: { id: event.id, status: event.status, place: event.place, videoUrl: event.videoUrl, talkMinutes: event.talkMinutes, sittingMinutes: event.sittingMinutes, capacity: event.capacity },
    admin: rights.admin,
    sittings: input.sittings.map((s) => ({
      id: s.id,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      place: s.place,
      videoUrl: s.videoUrl,
      capacity: s.capacity,
      count: countBySitting.get(s.id)?.count ?? 0,
      perMentor: countBySitting.get(s.id)?.perMentor ?? {},
    })),
    mentors: mentors.map((m) => ({ id: m.id, ...nameOf(m), own: m.id === personId })),
    pupils: pupilRows,
    totals: {
      pupils: input.pupils.length,
      placed: input.eventTalks.filter((t) => t.sittingId).length,
      oneToOne: input.eventTalks.filter((t) => !t.sittingId).length,
      unplaced: input.pupils.length - input.eventTalks.length,
    },
  };
}

export type TalkBoard = NonNullable<ReturnType<typeof getTalkBoard>>;

/** Whether the person may move or book this pupil: admins any, mentors their own pupils. */
function mayArrange(db: AppDatabase, rights: ReturnType<typeof getEventRights>, event: TalkEvent, pupilId: string): boolean {
  return getEventPupils(db, event.id).some((p) => p.id === pupilId && (rights.admin || rights.mentorGroupIds.includes(p.groupId)));
}

/** Moves a pupil to a sitting by hand. Refuses (changing nothing) when a rule would break. */
export function movePupil(db: AppDatabase, personId: string, eventId: string, pupilId: string, sittingId: string): TalkDayResult<{ talkId: string; changed: boolean }> {
  const event = getTalkEvent(db, eventId);
  const rights = event ? getEventRights(db, personId, event) : null;
  if (!event || !rights?.canPlan) return { ok: false, error: "notFound" };
  if (!mayArrange(db, rights, event, pupilId)) return { ok: false, error: "forbidden" };
  return assignSitting(db, event, pupilId, sittingId, "staff");
}

/** Shared by staff moves and a guardian choosing another sitting. */
function assignSitting(db: AppDatabase, event: TalkEvent, pupilId: string, sittingId: string, by: "staff" | "guardian"): TalkDayResult<{ talkId: string; changed: boolean }> {
  const input = placementInput(db, event.id);
  const sitting = input.sittings.find((s) => s.id === sittingId);
  if (!sitting) return { ok: false, error: "notFound" };
  const assignments: Record<string, string> = {};
  for (const talk of input.eventTalks) if (talk.sittingId) assignments[talk.pupilId] = talk.sittingId;
  const existing = input.talkByPupil.get(pupilId);
  if (existing?.sittingId === sittingId) return { ok: true, talkId: existing.id, changed: false };
  if (!input.pupils.some((p) => p.id === pupilId)) return { ok: false, error: "notFound" };
  // All pupils, so that one with a one-to-one booking can be moved back into a sitting.
  const violations = moveViolations(input.placementSittings, input.allPlacementPupils, assignments, pupilId, sittingId);
  if (violations.length > 0) return { ok: false, error: violations[0]! };

  const now = new Date();
  const pupil = input.pupils.find((p) => p.id === pupilId)!;
  const talkId = existing?.id ?? newId();
  db.transaction((tx) => {
    if (existing) {
      tx.update(talks)
        .set({ sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: null, videoUrl: null, placedBy: by, updatedAt: now })
        .where(eq(talks.id, existing.id))
        .run();
      // A new time needs a new answer from everyone (except the guardian who chose it).
      tx.update(talkGuardianReplies).set({ confirmedAt: null, updatedAt: now }).where(eq(talkGuardianReplies.talkId, existing.id)).run();
    } else {
      tx.insert(talks).values({ id: talkId, eventId: event.id, pupilId, sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, placedBy: by, updatedAt: now }).run();
      if (pupil.guardianIds.length > 0) tx.insert(talkGuardianReplies).values(pupil.guardianIds.map((guardianId) => ({ talkId, guardianId, updatedAt: now }))).run();
    }
  });
  return { ok: true, talkId, changed: true };
}

/** Sets a sitting's place and video link (its talks use them unless a talk has its own).
 * Returns the sitting's talks, to tell their guardians when the invitations are out. */
export function updateSitting(
  db: AppDatabase,
  personId: string,
  eventId: string,
  sittingId: string,
  values: { place: string; videoUrl: string | null },
): TalkDayResult<{ talkIds: string[]; changed: boolean; invited: boolean }> {
  const event = getTalkEvent(db, eventId);
  if (!event || !getEventRights(db, personId, event).canPlan) return { ok: false, error: "notFound" };
  const sitting = db.select().from(talkSittings).where(and(eq(talkSittings.id, sittingId), eq(talkSittings.eventId, eventId))).get();
  if (!sitting) return { ok: false, error: "notFound" };
  const changed = sitting.place !== values.place || sitting.videoUrl !== values.videoUrl;
  if (changed) db.update(talkSittings).set(values).where(eq(talkSittings.id, sittingId)).run();
  const talkIds = db.select({ id: talks.id }).from(talks).where(eq(talks.sittingId, sittingId)).all().map((t) => t.id);
  return { ok: true, talkIds, changed, invited: event.status === "invited" };
}

/** Books a one-to-one talk outside the sittings (replacing the pupil's place in a sitting). */
export function bookOneToOne(
  db: AppDatabase,
  personId: string,
  eventId: string,
  input: { pupilId: string; startsAt: string; endsAt: string; place: string; videoUrl: string | null },
): TalkDayResult<{ talkId: string }> {
  const event = getTalkEvent(db, eventId);
  const rights = event ? getEventRights(db, personId, event) : null;
  if (!event || !rights?.canPlan) return { ok: false, error: "notFound" };
  if (!mayArrange(db, rights, event, input.pupilId)) return { ok: false, error: "forbidden" };
  if (input.endsAt <= input.startsAt || input.startsAt.slice(0, 10) !== input.endsAt.slice(0, 10)) return { ok: false, error: "invalidTime" };
  const existing = db.select().from(talks).where(and(eq(talks.eventId, eventId), eq(talks.pupilId, input.pupilId))).get();
  const pupil = getEventPupils(db, eventId).find((p) => p.id === input.pupilId)!;
  const now = new Date();
  const talkId = existing?.id ?? newId();
  const values = { sittingId: null, startsAt: input.startsAt, endsAt: input.endsAt, place: input.place, videoUrl: input.videoUrl, placedBy: "staff" as const, updatedAt: now };
  db.transaction((tx) => {
    if (existing) {
      tx.update(talks).set(values).where(eq(talks.id, existing.id)).run();
      tx.update(talkGuardianReplies).set({ confirmedAt: null, updatedAt: now }).where(eq(talkGuardianReplies.talkId, existing.id)).run();
    } else {
      tx.insert(talks).values({ id: talkId, eventId, pupilId: input.pupilId, ...values }).run();
      if (pupil.guardianIds.length > 0) tx.insert(talkGuardianReplies).values(pupil.guardianIds.map((guardianId) => ({ talkId, guardianId, updatedAt: now }))).run();
    }
  });
  return { ok: true, talkId };
}

/** Marks the event as invited; the caller sends the invitations (see talk-mail.server.ts). */
export function markInvited(db: AppDatabase, personId: string, eventId: string): TalkDayResult<{ talkIds: string[] }> {
  const event = getTalkEvent(db, eventId);
  if (!event || !getEventRights(db, personId, event).canPlan) return { ok: false, error: "notFound" };
  if (event.status !== "planning") return { ok: false, error: "notPlanning" };
  db.update(talkEvents).set({ status: "invited" }).where(eq(talkEvents.id, eventId)).run();
  return { ok: true, talkIds: getEventTalks(db, eventId).map((t) => t.id) };
}

/** A talk with where and how it happens: a sitting's place and link unless the talk has its own. */
export function getTalkDetails(db: AppDatabase, talkId: string) {
  const row = db
    .select({ talk: talks, event: talkEvents, sitting: talkSittings })
    .from(talks)
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .leftJoin(talkSittings, eq(talkSittings.id, talks.sittingId))
    .where(eq(talks.id, talkId))
    .get();
  if (!row) return null;
  const place = row.talk.place ?? row.sitting?.place ?? row.event.place;
  const videoUrl = row.talk.videoUrl ?? row.sitting?.videoUrl ?? row.event.videoUrl;
  return { talk: row.talk, event: row.event, sitting: row.sitting, place, videoUrl };
}

// ——— Guardians ———

/** A guardian's children's talks (only children whose plan they may read), with their own answer
 * and the other sittings that still have room. Never another family's names or times. */
export function getGuardianTalks(db: AppDatabase, guardianId: string) {
  const rows = db
    .select({ talkId: talks.id, pupilId: talks.pupilId, givenName: people.givenName, familyName: people.familyName, reply: talkGuardianReplies })
    .from(talkGuardianReplies)
    .innerJoin(talks, eq(talks.id, talkGuardianReplies.talkId))
    .innerJoin(people, eq(people.id, talks.pupilId))
    .where(eq(talkGuardianReplies.guardianId, guardianId))
    .orderBy(asc(talks.startsAt))
    .all()
    .filter((r) => getPupilAccess(db, guardianId, r.pupilId) !== "none");
  return rows.flatMap((row) => {
    const details = getTalkDetails(db, row.talkId);
    if (!details) return [];
    // While staff still arrange the sittings the guardian sees only the days, to say when they cannot come.
    const planning = details.event.status === "planning";
    const { reply } = row;
    return [
      {
        talkId: row.talkId,
        planning,
        days: planning ? eventDays(db, details.event.id) : [],
        pupil: { id: row.pupilId, givenName: row.givenName, familyName: row.familyName },
        // While staff plan, the draft time, place and link stay on the server.
        startsAt: planning ? "" : details.talk.startsAt,
        endsAt: planning ? "" : details.talk.endsAt,
        talkMinutes: details.event.talkMinutes,
        place: planning ? "" : details.place,
        videoUrl: planning ? null : details.videoUrl,
        oneToOne: details.talk.sittingId === null,
        reply: { confirmed: reply.confirmedAt !== null, attendance: reply.attendance, interpreterLanguage: reply.interpreterLanguage },
        alternatives: details.talk.sittingId && !planning ? freeSittingsFor(db, details.event, row.pupilId) : [],
        eventId: details.event.id,
        unavailable: db
          .select({ id: guardianUnavailability.id, startsAt: guardianUnavailability.startsAt, endsAt: guardianUnavailability.endsAt })
          .from(guardianUnavailability)
          .where(and(eq(guardianUnavailability.eventId, details.event.id), eq(guardianUnavailability.guardianId, guardianId)))
          .orderBy(asc(guardianUnavailability.startsAt))
          .all(),
      },
    ];
  });
}

export type GuardianTalk = ReturnType<typeof getGuardianTalks>[number];

/** The event's days with their window, e.g. [{date, from: "15:00", to: "18:00"}]. */
function eventDays(db: AppDatabase, eventId: string) {
  const days = new Map<string, { date: string; from: string; to: string }>();
  for (const s of getSittings(db, eventId)) {
    const date = s.startsAt.slice(0, 10);
    const day = days.get(date) ?? { date, from: s.startsAt.slice(11), to: s.endsAt.slice(11) };
    day.to = s.endsAt.slice(11) > day.to ? s.endsAt.slice(11) : day.to;
    days.set(date, day);
  }
  return [...days.values()];
}

/** Sittings this pupil could move to: room left and no rule broken. Only times, never who. */
function freeSittingsFor(db: AppDatabase, event: TalkEvent, pupilId: string) {
  const input = placementInput(db, event.id);
  const assignments: Record<string, string> = {};
  for (const talk of input.eventTalks) if (talk.sittingId) assignments[talk.pupilId] = talk.sittingId;
  const violations = createMoveChecker(input.placementSittings, input.placementPupils, assignments);
  return input.sittings
    .filter((s) => assignments[pupilId] !== s.id && violations(pupilId, s.id).length === 0)
    .map((s) => ({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt }));
}

/** The guardian's relation to a talk: the talk, if it is one of their children's they may read. */
function guardianTalk(db: AppDatabase, guardianId: string, talkId: string, allowPlanning = false) {
  const reply = db.select().from(talkGuardianReplies).where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId))).get();
  if (!reply) return null;
  const details = getTalkDetails(db, talkId);
  if (!details || getPupilAccess(db, guardianId, details.talk.pupilId) === "none") return null;
  if (details.event.status !== "invited" && !allowPlanning) return null;
  return details;
}

export interface GuardianReply {
  attendance: "room" | "remote";
  interpreterLanguage: string | null;
}

/** Confirms the time, saying how the guardian joins and whether an interpreter is needed. */
export function confirmTalk(db: AppDatabase, guardianId: string, talkId: string, reply: GuardianReply): TalkDayResult {
  if (!guardianTalk(db, guardianId, talkId)) return { ok: false, error: "notFound" };
  const now = new Date();
  db.update(talkGuardianReplies)
    .set({ confirmedAt: now, attendance: reply.attendance, interpreterLanguage: reply.interpreterLanguage, updatedAt: now })
    .where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId)))
    .run();
  return { ok: true };
}

/** Moves the child's talk to another sitting with room; the guardian's own answer counts as confirmed. */
export function chooseOtherSitting(db: AppDatabase, guardianId: string, talkId: string, sittingId: string, reply: GuardianReply): TalkDayResult<{ changed: boolean }> {
  const details = guardianTalk(db, guardianId, talkId);
  if (!details || !details.talk.sittingId) return { ok: false, error: "notFound" };
  const moved = assignSitting(db, details.event, details.talk.pupilId, sittingId, "guardian");
  if (!moved.ok) return moved;
  confirmTalk(db, guardianId, talkId, reply);
  return { ok: true, changed: moved.changed };
}

/** A time the guardian cannot come, for the event's next placement. */
export function addUnavailability(db: AppDatabase, guardianId: string, talkId: string, range: { startsAt: string; endsAt: string }): TalkDayResult {
  const details = guardianTalk(db, guardianId, talkId, true);
  if (!details) return { ok: false, error: "notFound" };
  if (range.endsAt <= range.startsAt) return { ok: false, error: "invalidTime" };
  db.insert(guardianUnavailability).values({ id: newId(), eventId: details.event.id, guardianId, ...range }).run();
  return { ok: true };
}

/** Guardians of a talk who should hear about it (only those who may read the child's plan). */
export function getTalkRecipients(db: AppDatabase, talkId: string) {
  const details = getTalkDetails(db, talkId);
  if (!details) return [];
  return db
    .select({ id: people.id, givenName: people.givenName, familyName: people.familyName, email: people.email, preferredLocale: people.preferredLocale })
    .from(talkGuardianReplies)
    .innerJoin(people, eq(people.id, talkGuardianReplies.guardianId))
    .where(eq(talkGuardianReplies.talkId, talkId))
    .all()
    .filter((g) => getPupilAccess(db, g.id, details.talk.pupilId) !== "none");
}


/** The pupil's own talks once the invitations have gone out. */
export function getPupilTalks(db: AppDatabase, pupilId: string) {
  return db
    .select({ id: talks.id })
    .from(talks)
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .where(and(eq(talks.pupilId, pupilId), eq(talkEvents.status, "invited")))
    .orderBy(asc(talks.startsAt))
    .all()
    .flatMap(({ id }) => {
      const details = getTalkDetails(db, id);
      return details ? [{ talkId: id, startsAt: details.talk.startsAt, endsAt: details.talk.endsAt, place: details.place }] : [];
    });
}
