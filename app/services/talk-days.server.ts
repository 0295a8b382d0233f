import type { AppDatabase } from "../../db/client";
import { newId } from "../../db/ids";
import { getOrCreatePlan } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import * as talkQueries from "../../db/queries/talks";
import { getActiveTerm } from "../../db/queries/terms";
import { minutesOfDay, stockholmToday, timeOfDay } from "../../db/school-calendar";
import type { Talk, TalkEvent } from "../../db/schema";
import { findRelations } from "~/policies/relations.server";
import { canInSchool, maySeeIdentity } from "~/policies/school.server";
import { canOnTalk, canOnTalkDay, type TalkDayAction, type TalkDaySubject } from "~/policies/talk.server";
import {
  createMoveChecker,
  moveViolations,
  placePupils,
  summarizePlacement,
  type PlacementConstraint,
  type PlacementPupil,
  type PlacementSitting,
} from "./talk-placement";
import { recordOverrides, SchoolTalkRules, type TalkClash, type TalkRule, type TimedTalk } from "./talk-rules.server";

/**
 * Planning the talk days: creating an event with its sittings, placing the pupils, moving them by
 * hand, one-to-one bookings, and the guardians' answers. Who may do what is the talk policy's
 * (app/policies/talk.server.ts); the tables are read and written through db/queries/talks.ts.
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
  | "invalidTime"
  | "noPhone"
  | "tooManyTimes";

export type TalkDayResult<T = object> = ({ ok: true } & T) | { ok: false; error: TalkDayError };

const nameOf = (p: { givenName: string; familyName: string }) => ({ givenName: p.givenName, familyName: p.familyName });

/** The mentor groups a person may plan talks for: all of the school's for an admin, else their own. */
export function getPlannableGroups(db: AppDatabase, person: Pick<SignedInPerson, "id" | "schoolId" | "isAdmin" | "isStaff">) {
  if (!canInSchool({ person }, "useStaffPages")) return [];
  const admin = canInSchool({ person, schoolId: person.schoolId }, "administer");
  return talkQueries.getMentorGroups(db, person.schoolId, admin ? null : person.id);
}

export interface NewTalkEvent {
  dates: string[];
  windowStart: string;
  windowEnd: string;
  sittingMinutes: number;
  talkMinutes: number;
  place: string;
  videoUrl: string | null;
  phoneNumber: string | null;
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
export function createTalkEvent(db: AppDatabase, person: SignedInPerson, input: NewTalkEvent, today: string = stockholmToday()): TalkDayResult<{ eventId: string }> {
  const term = getActiveTerm(db, person.schoolId, today);
  if (!term) return { ok: false, error: "noTerm" };
  const allowed = new Set(getPlannableGroups(db, person).map((g) => g.id));
  if (input.groupIds.length === 0 || input.groupIds.some((id) => !allowed.has(id))) return { ok: false, error: "forbidden" };
  const times = sittingTimes(input);
  if (times.length === 0) return { ok: false, error: "noSittings" };

  const eventId = newId();
  const now = new Date();
  db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    talkQueries.insertTalkEvent(
      txdb,
      {
        id: eventId,
        schoolId: person.schoolId,
        termId: term.id,
        windowStart: input.windowStart,
        windowEnd: input.windowEnd,
        sittingMinutes: input.sittingMinutes,
        talkMinutes: input.talkMinutes,
        place: input.place,
        videoUrl: input.videoUrl,
        phoneNumber: input.phoneNumber,
        capacity: input.capacity,
        status: "planning",
        createdBy: person.id,
        createdAt: now,
      },
      input.groupIds,
      times,
    );
    placeEventPupils(txdb, talkQueries.getTalkEvent(txdb, eventId)!, now);
  });
  return { ok: true, eventId };
}

/** The talk days page: the events the person plans and the groups they may plan new ones for. */
export function getTalkDaysPage(db: AppDatabase, person: SignedInPerson) {
  return { events: listTalkEvents(db, person), groups: getPlannableGroups(db, person), today: stockholmToday() };
}

function listTalkEvents(db: AppDatabase, person: SignedInPerson) {
  return talkQueries
    .listSchoolEvents(db, person.schoolId)
    .map((event) => ({ event, ties: getTalkDayTies(db, person, event) }))
    .filter(({ ties }) => canOnTalkDay(ties, "viewBoard"))
    .map(({ event, ties }) => {
      const sittings = talkQueries.getSittings(db, event.id);
      return {
        id: event.id,
        status: event.status,
        place: event.place,
        groupCount: ties.eventGroupIds.length,
        firstSitting: sittings[0]?.startsAt ?? null,
        lastSitting: sittings.at(-1)?.endsAt ?? null,
        sittingCount: sittings.length,
      };
    });
}

/** How a person stands to an event, for the talk policy. */
export function getTalkDayTies(db: AppDatabase, person: Pick<SignedInPerson, "id" | "schoolId" | "isAdmin" | "isStaff">, event: TalkEvent): TalkDaySubject {
  return {
    admin: canInSchool({ person, schoolId: event.schoolId }, "administer"),
    eventGroupIds: talkQueries.getEventGroupIds(db, event.id),
    mentoredGroupIds: talkQueries.getMentoredEventGroupIds(db, event.id, person.id),
  };
}

/** The event and the person's standing, when the talk policy lets them `action` it. */
export function eventFor(db: AppDatabase, person: SignedInPerson, eventId: string, action: TalkDayAction) {
  const event = talkQueries.getTalkEvent(db, eventId);
  if (!event) return null;
  const ties = getTalkDayTies(db, person, event);
  if (!canOnTalkDay(ties, "viewBoard")) return null;
  return { event, ties, allowed: canOnTalkDay(ties, action) };
}

/**
 * What the placement needs: pupils with their guardians' unavailable times, their siblings' talks
 * elsewhere in the school's talk days (and one-to-one bookings), and the places people decided.
 */
export function placementInput(db: AppDatabase, event: Pick<TalkEvent, "id" | "schoolId">) {
  const eventId = event.id;
  const { pupils, sittings, eventTalks } = eventSeating(db, eventId);
  const talkByPupil = new Map(eventTalks.map((t) => [t.pupilId, t]));
  const confirmed = talkQueries.getConfirmedTalkIds(db, eventId);
  const withGuests = talkQueries.getTalkIdsWithGuests(db, eventId);
  const rules = new SchoolTalkRules(db, event, pupils.map((p) => p.id));
  const placedHere = talksPlacedIn(eventId, pupils);
  const placementSittings = asPlacementSittings(sittings);
  const allPlacementPupils: PlacementPupil[] = pupils.map((p) => {
    const talk = talkByPupil.get(p.id);
    // Decided by a person: moved or chosen by hand, confirmed by a guardian, or given a guest.
    const fixed = talk?.sittingId && (talk.placedBy !== "auto" || confirmed.has(talk.id) || withGuests.has(talk.id)) ? talk.sittingId : undefined;
    return {
      id: p.id,
      mentorId: p.mentorId,
      guardianIds: p.guardianIds,
      unavailable: rules.unavailable(p.id, p.guardianIds),
      siblingTalks: rules.siblingTalks(p.id, { guardianIds: p.guardianIds, skip: placedHere }),
      ...(fixed ? { fixedSittingId: fixed } : {}),
    };
  });
  // A one-to-one booking takes the pupil out of the sittings altogether.
  const placementPupils = allPlacementPupils.filter((p) => !(talkByPupil.get(p.id) && talkByPupil.get(p.id)!.sittingId === null));
  const assignments = sittingAssignments(eventTalks);
  return { pupils, sittings, eventTalks, talkByPupil, placementSittings, placementPupils, allPlacementPupils, assignments, rules, placedHere };
}

export type PlacementInput = ReturnType<typeof placementInput>;

/** An event's pupils, sittings and talks: what both the placement and a guardian's view start from. */
interface EventSeating {
  pupils: ReturnType<typeof talkQueries.getEventPupils>;
  sittings: ReturnType<typeof talkQueries.getSittings>;
  eventTalks: ReturnType<typeof talkQueries.getEventTalks>;
}

function eventSeating(db: AppDatabase, eventId: string): EventSeating {
  return { pupils: talkQueries.getEventPupils(db, eventId), sittings: talkQueries.getSittings(db, eventId), eventTalks: talkQueries.getEventTalks(db, eventId) };
}

/** The talks a placement of the event places itself (its pupils' talks in its sittings); every
 * other talk of a sibling is a fixed time it must keep clear of. */
function talksPlacedIn(eventId: string, pupils: Array<{ id: string }>): (talk: TimedTalk) => boolean {
  const inEvent = new Set(pupils.map((p) => p.id));
  return (talk) => talk.eventId === eventId && talk.sittingId !== null && inEvent.has(talk.pupilId);
}

function asPlacementSittings(sittings: EventSeating["sittings"]): PlacementSitting[] {
  return sittings.map((s) => ({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, capacity: s.capacity }));
}

/** Where each pupil sits now (a one-to-one booking is in no sitting). */
function sittingAssignments(eventTalks: EventSeating["eventTalks"]): Record<string, string> {
  const assignments: Record<string, string> = {};
  for (const talk of eventTalks) if (talk.sittingId) assignments[talk.pupilId] = talk.sittingId;
  return assignments;
}

/**
 * Places the event's pupils: keeps talks a person decided (moved by hand, chosen or confirmed by
 * a guardian), places everyone else afresh. Runs inside the caller's transaction.
 */
function placeEventPupils(db: AppDatabase, event: TalkEvent, now: Date) {
  const input = placementInput(db, event);
  const result = placePupils(input.placementSittings, input.placementPupils);
  const sittingById = new Map(input.sittings.map((s) => [s.id, s]));
  const guardiansByPupil = new Map(input.pupils.map((p) => [p.id, p.guardianIds]));
  for (const pupil of input.placementPupils) {
    const sittingId = result.assignments[pupil.id];
    const talk = input.talkByPupil.get(pupil.id);
    if (talk && talk.sittingId === (sittingId ?? null)) continue;
    if (talk && !sittingId) {
      talkQueries.deleteTalk(db, talk.id);
      continue;
    }
    if (!sittingId) continue;
    const sitting = sittingById.get(sittingId)!;
    if (talk) {
      talkQueries.updateTalkTime(db, talk.id, { sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: null, videoUrl: null, placedBy: "auto", updatedAt: now });
    } else {
      createTalk(db, event, pupil.id, { sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: null, videoUrl: null, placedBy: "auto" }, guardiansByPupil.get(pupil.id) ?? [], now);
    }
  }
}

/** A new talk, with the pupil's plan for the event's term (made now if nobody has opened it yet). */
export function createTalk(
  db: AppDatabase,
  event: TalkEvent,
  pupilId: string,
  values: Pick<Talk, "sittingId" | "startsAt" | "endsAt" | "place" | "videoUrl" | "placedBy">,
  guardianIds: string[],
  now: Date,
): string {
  const plan = getOrCreatePlan(db, pupilId, event.termId);
  return talkQueries.insertTalk(db, { eventId: event.id, pupilId, planId: plan.id, ...values, updatedAt: now }, guardianIds);
}

/** Places everyone not decided by a person again (after guardians stated times they cannot come). */
export function replaceEventPupils(db: AppDatabase, person: SignedInPerson, eventId: string): TalkDayResult {
  const found = eventFor(db, person, eventId, "changeWholeEvent");
  if (!found) return { ok: false, error: "notFound" };
  if (!found.allowed) return { ok: false, error: "forbidden" };
  if (found.event.status !== "planning") return { ok: false, error: "notPlanning" };
  db.transaction((tx) => placeEventPupils(tx as unknown as AppDatabase, found.event, new Date()));
  return { ok: true };
}

export type { TalkClash };

/** The planning board: sittings with counts per mentor, the pupils the viewer may arrange (a
 * protected family masked for those who do not work with it), the pupils that could not be
 * placed and why, and the clashes staff have to resolve. */
export function getTalkBoard(db: AppDatabase, person: SignedInPerson, eventId: string) {
  const found = eventFor(db, person, eventId, "viewBoard");
  if (!found) return null;
  const { event, ties } = found;
  const input = placementInput(db, event);
  const summary = summarizePlacement(input.placementSittings, input.placementPupils, input.assignments);
  const countBySitting = new Map(summary.perSitting.map((s) => [s.sittingId, s]));

  const mentors = talkQueries.getPeopleNames(db, [...new Set(input.pupils.map((p) => p.mentorId))]);
  const visible = input.pupils.filter((p) => canOnTalkDay({ ...ties, pupilGroupId: p.groupId }, "arrangePupil"));
  const replies = talkQueries.getRepliesOfTalks(db, input.eventTalks.map((t) => t.id));
  const repliesByTalk = new Map<string, typeof replies>();
  for (const r of replies) repliesByTalk.set(r.reply.talkId, [...(repliesByTalk.get(r.reply.talkId) ?? []), r]);
  const placementById = new Map(input.placementPupils.map((p) => [p.id, p]));
  const guestCounts = talkQueries.countActiveGuests(db, input.eventTalks.map((t) => t.id));
  const violations = createMoveChecker(input.placementSittings, input.placementPupils, input.assignments);

  const pupilRows = visible
    .map((p) => {
    const talk = input.talkByPupil.get(p.id) ?? null;
    const talkReplies = talk ? (repliesByTalk.get(talk.id) ?? []) : [];
    const placement = placementById.get(p.id);
    // Why no sitting would take this pupil: each rule that rules out a sitting.
    const reasons: PlacementConstraint[] = !talk && placement ? [...new Set(input.sittings.flatMap((s) => violations(p.id, s.id)))].sort() : [];
    // Rules the talk breaks now, across all talk days: a guardian's choice the family could not
    // see, or a break staff made with a reason (shown with it).
    const clashes = talk ? input.rules.clashes(talk, talk) : [];
    const relations = findRelations(db, person.id, p.id);
    const identified = maySeeIdentity(relations);
    return {
      id: p.id,
      ...(identified ? nameOf(p) : { givenName: "", familyName: "" }),
      masked: !identified,
      groupName: p.groupName,
      mentorId: p.mentorId,
      talkId: talk?.id ?? null,
      /** The talk's own page (its interpreter) is for those who may manage its guests. */
      mayManageGuests: talk !== null && canOnTalk({ relations, event }, "manageGuests"),
      sittingId: talk?.sittingId ?? null,
      oneToOne: talk && !talk.sittingId ? { startsAt: talk.startsAt, endsAt: talk.endsAt, place: identified ? talk.place : null } : null,
      placedBy: talk?.placedBy ?? null,
      guardians: talkReplies.length,
      confirmed: talkReplies.filter((r) => r.reply.confirmedAt !== null).length,
      /** How guardians join other than in the room (remotely, by telephone). */
      attendance: [...new Set(talkReplies.map((r) => r.reply.attendance).filter((a): a is "remote" | "phone" => a === "remote" || a === "phone"))],
      guests: talk ? (guestCounts.get(talk.id) ?? 0) : 0,
      interpreterLanguages: [...new Set(talkReplies.map((r) => r.reply.interpreterLanguage).filter((l): l is string => !!l))],
      unplacedReasons: reasons,
      clashes: clashes.map((c) => ({ rule: c.rule, accepted: c.accepted })),
    };
    })
    // A masked row goes last: its place among the names would hint at the name.
    .sort((a, b) => Number(a.masked) - Number(b.masked));

  return {
    event: {
      id: event.id,
      status: event.status,
      place: event.place,
      videoUrl: event.videoUrl,
      phoneNumber: event.phoneNumber,
      talkMinutes: event.talkMinutes,
      sittingMinutes: event.sittingMinutes,
      capacity: event.capacity,
    },
    admin: ties.admin,
    /** May change what every family of the event gets: places and links, a new placement, the invitations. */
    changesWholeEvent: canOnTalkDay(ties, "changeWholeEvent"),
    sittings: input.sittings.map((s) => ({
      id: s.id,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      place: s.place,
      videoUrl: s.videoUrl,
      phoneNumber: s.phoneNumber,
      capacity: s.capacity,
      count: countBySitting.get(s.id)?.count ?? 0,
      perMentor: countBySitting.get(s.id)?.perMentor ?? {},
    })),
    mentors: mentors.map((m) => ({ id: m.id, ...nameOf(m), own: m.id === person.id })),
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

/** The group a pupil takes part in the event with, or null when the pupil is not in it. */
function pupilGroupIn(db: AppDatabase, eventId: string, pupilId: string): string | null {
  return talkQueries.getEventPupils(db, eventId).find((p) => p.id === pupilId)?.groupId ?? null;
}

/** Staff breaking a rule on purpose: the reason, and who gives it. */
export interface RuleOverride {
  reason: string;
  by: string;
}

/**
 * Moves a pupil to a sitting by hand. A full sitting is refused; a sibling's talk at that time
 * (in any of the school's talk days) or a time a guardian cannot come is refused unless staff give
 * a reason, which is stored with the move. Refusing changes nothing.
 */
export function movePupil(
  db: AppDatabase,
  person: SignedInPerson,
  eventId: string,
  pupilId: string,
  sittingId: string,
  overrideReason: string | null = null,
): TalkDayResult<{ talkId: string; changed: boolean; invited: boolean }> {
  const found = eventFor(db, person, eventId, "viewBoard");
  if (!found) return { ok: false, error: "notFound" };
  const groupId = pupilGroupIn(db, eventId, pupilId);
  if (!groupId || !canOnTalkDay({ ...found.ties, pupilGroupId: groupId }, "arrangePupil")) return { ok: false, error: "forbidden" };
  const input = placementInput(db, found.event);
  if (!input.sittings.some((s) => s.id === sittingId)) return { ok: false, error: "notFound" };
  const violations = moveViolations(input.placementSittings, input.allPlacementPupils, input.assignments, pupilId, sittingId);
  const override = overrideReason ? { reason: overrideReason, by: person.id } : null;
  const moved = assignSitting(db, found.event, input, pupilId, sittingId, "staff", violations, override);
  return moved.ok ? { ...moved, invited: found.event.status === "invited" } : moved;
}

/**
 * Puts a pupil's talk in a sitting, unless `violations` (the rules the mover may know of) says no:
 * a full sitting always, a sibling or a guardian's time unless staff override it with a reason.
 * Shared by staff moves and a guardian choosing another sitting.
 */
function assignSitting(
  db: AppDatabase,
  event: TalkEvent,
  input: PlacementInput,
  pupilId: string,
  sittingId: string,
  by: "staff" | "guardian",
  violations: PlacementConstraint[],
  override: RuleOverride | null = null,
): TalkDayResult<{ talkId: string; changed: boolean }> {
  const sitting = input.sittings.find((s) => s.id === sittingId);
  if (!sitting) return { ok: false, error: "notFound" };
  const existing = input.talkByPupil.get(pupilId);
  if (existing?.sittingId === sittingId) return { ok: true, talkId: existing.id, changed: false };
  const pupil = input.pupils.find((p) => p.id === pupilId);
  if (!pupil) return { ok: false, error: "notFound" };
  if (violations.includes("capacity")) return { ok: false, error: "capacity" };
  const broken = violations.filter((v): v is TalkRule => v !== "capacity");
  if (broken.length > 0 && !override) return { ok: false, error: broken[0]! };

  const now = new Date();
  const values = { sittingId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: null, videoUrl: null, phoneNumber: null, placedBy: by };
  const talkId = db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    let id = existing?.id;
    if (!id) {
      id = createTalk(txdb, event, pupilId, values, pupil.guardianIds, now);
    } else {
      talkQueries.updateTalkTime(txdb, id, { ...values, updatedAt: now });
      // A new time needs a new answer from everyone (the guardian who chose it confirms it after).
      talkQueries.resetReplies(txdb, id, now);
    }
    if (override && broken.length > 0) recordOverrides(txdb, id, broken, sitting, override.reason, override.by, now);
    return id;
  });
  return { ok: true, talkId, changed: true };
}

/** Sets a sitting's place, video link and number to call (its talks use them unless a talk has its
 * own; an empty link or number means the talk day's). Returns the sitting's talks, to tell their
 * guardians when the invitations are out. */
export function updateSitting(
  db: AppDatabase,
  person: SignedInPerson,
  eventId: string,
  sittingId: string,
  values: { place: string; videoUrl: string | null; phoneNumber: string | null },
): TalkDayResult<{ talkIds: string[]; changed: boolean; invited: boolean }> {
  const found = eventFor(db, person, eventId, "changeWholeEvent");
  if (!found) return { ok: false, error: "notFound" };
  const sitting = talkQueries.getSitting(db, sittingId);
  if (!sitting || sitting.eventId !== eventId) return { ok: false, error: "notFound" };
  // A sitting holds other mentors' families too: only someone who arranges them all changes it.
  if (!found.allowed) return { ok: false, error: "forbidden" };
  const changed = sitting.place !== values.place || sitting.videoUrl !== values.videoUrl || sitting.phoneNumber !== values.phoneNumber;
  if (changed) talkQueries.updateSittingPlace(db, sittingId, values);
  return { ok: true, talkIds: talkQueries.getSittingTalkIds(db, sittingId), changed, invited: found.event.status === "invited" };
}

/**
 * Books a one-to-one talk outside the sittings (replacing the pupil's place in a sitting). The
 * same rules as a move: a sibling's talk at that time in any of the school's talk days, or a time
 * a guardian cannot come, needs a reason from staff.
 */
export function bookOneToOne(
  db: AppDatabase,
  person: SignedInPerson,
  eventId: string,
  input: { pupilId: string; startsAt: string; endsAt: string; place: string; videoUrl: string | null; phoneNumber: string | null; overrideReason: string | null },
): TalkDayResult<{ talkId: string; invited: boolean }> {
  const found = eventFor(db, person, eventId, "viewBoard");
  if (!found) return { ok: false, error: "notFound" };
  const pupil = talkQueries.getEventPupils(db, eventId).find((p) => p.id === input.pupilId);
  if (!pupil || !canOnTalkDay({ ...found.ties, pupilGroupId: pupil.groupId }, "arrangePupil")) return { ok: false, error: "forbidden" };
  if (input.endsAt <= input.startsAt || input.startsAt.slice(0, 10) !== input.endsAt.slice(0, 10)) return { ok: false, error: "invalidTime" };
  const existing = talkQueries.getTalkOfPupil(db, eventId, input.pupilId);
  const time = { startsAt: input.startsAt, endsAt: input.endsAt };
  const broken = new SchoolTalkRules(db, found.event, [input.pupilId]).clashes({ id: existing?.id ?? null, pupilId: input.pupilId }, time).map((c) => c.rule);
  if (broken.length > 0 && !input.overrideReason) return { ok: false, error: broken[0]! };
  const now = new Date();
  const values = { sittingId: null, ...time, place: input.place, videoUrl: input.videoUrl, phoneNumber: input.phoneNumber, placedBy: "staff" as const };
  const talkId = db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    let id = existing?.id;
    if (!id) {
      id = createTalk(txdb, found.event, input.pupilId, values, pupil.guardianIds, now);
    } else {
      talkQueries.updateTalkTime(txdb, id, { ...values, updatedAt: now });
      talkQueries.resetReplies(txdb, id, now);
    }
    if (broken.length > 0 && input.overrideReason) recordOverrides(txdb, id, broken, time, input.overrideReason, person.id, now);
    return id;
  });
  return { ok: true, talkId, invited: found.event.status === "invited" };
}

/** Marks the event as invited; the caller stores the invitations in the same transaction (see talk-intents.server.ts). */
export function markInvited(db: AppDatabase, person: SignedInPerson, eventId: string): TalkDayResult<{ talkIds: string[] }> {
  const found = eventFor(db, person, eventId, "changeWholeEvent");
  if (!found) return { ok: false, error: "notFound" };
  if (!found.allowed) return { ok: false, error: "forbidden" };
  if (found.event.status !== "planning") return { ok: false, error: "notPlanning" };
  talkQueries.setEventStatus(db, eventId, "invited");
  return { ok: true, talkIds: talkQueries.getEventTalks(db, eventId).map((t) => t.id) };
}

// ——— Guardians ———

/**
 * A guardian's children's talks (children whose plan they may read), with their own answer and
 * the sittings they may choose instead. Never another family's names or times, and nothing left
 * out because of another household (see freeSittingsFor).
 */
export function getGuardianTalks(db: AppDatabase, guardianId: string) {
  return talkQueries.getRepliesOfGuardian(db, guardianId).flatMap((row) => {
    const details = talkQueries.getTalkDetails(db, row.talkId);
    if (!details) return [];
    const relations = findRelations(db, guardianId, row.pupilId);
    if (!canOnTalk({ relations, event: details.event }, "stateUnavailability")) return [];
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
        talkMinutes: details.talkMinutes,
        place: planning ? "" : details.place,
        videoUrl: planning ? null : details.videoUrl,
        phoneNumber: planning ? null : details.phoneNumber,
        oneToOne: details.talk.sittingId === null,
        reply: { confirmed: reply.confirmedAt !== null, attendance: reply.attendance, interpreterLanguage: reply.interpreterLanguage },
        alternatives: details.talk.sittingId && !planning ? freeSittingsFor(db, details.event, row.pupilId, guardianId) : [],
        eventId: details.event.id,
        unavailable: talkQueries.getGuardianUnavailability(db, details.event.id, guardianId),
      },
    ];
  });
}

export type GuardianTalk = ReturnType<typeof getGuardianTalks>[number];

/** The event's days with their window, e.g. [{date, from: "15:00", to: "18:00"}]. */
function eventDays(db: AppDatabase, eventId: string) {
  const days = new Map<string, { date: string; from: string; to: string }>();
  for (const s of talkQueries.getSittings(db, eventId)) {
    const date = s.startsAt.slice(0, 10);
    const day = days.get(date) ?? { date, from: s.startsAt.slice(11), to: s.endsAt.slice(11) };
    day.to = s.endsAt.slice(11) > day.to ? s.endsAt.slice(11) : day.to;
    days.set(date, day);
  }
  return [...days.values()];
}

/**
 * The rules a guardian may know of when choosing a sitting for their child: room in the sitting,
 * their own unavailable times, and their own other children's talks. Another guardian's times and
 * children (in a split or blended family) are another household's: they must not shape what this
 * guardian is offered or told, so a clash with them is left to staff (shown on the board).
 *
 * Only this child's own rules are worked out: another pupil's unavailable times or siblings
 * elsewhere never decide whether this child may move, only where the others sit does (room, and
 * this guardian's other children in the event). Working them out for the whole talk day, as the
 * placement must, made every guardian's home cost about fifty times /healthz.
 */
function guardianViewOfPlacement(
  db: AppDatabase,
  event: Pick<TalkEvent, "id" | "schoolId">,
  pupilId: string,
  guardianId: string,
  seating: EventSeating = eventSeating(db, event.id),
) {
  const { pupils, sittings, eventTalks } = seating;
  const assignments = sittingAssignments(eventTalks);
  const rules = new SchoolTalkRules(db, event, [pupilId]);
  const placedHere = talksPlacedIn(event.id, pupils);
  const placementPupils: PlacementPupil[] = pupils.map((p) =>
    p.id === pupilId
      ? {
          id: p.id,
          mentorId: p.mentorId,
          guardianIds: [guardianId],
          unavailable: rules.unavailable(pupilId, [guardianId]),
          // Their own children's talks in every talk day of the school; not the other household's.
          siblingTalks: rules.siblingTalks(pupilId, { guardianIds: [guardianId], skip: placedHere }),
        }
      : { id: p.id, mentorId: p.mentorId, guardianIds: p.guardianIds, unavailable: [] },
  );
  return { sittings, assignments, violations: createMoveChecker(asPlacementSittings(sittings), placementPupils, assignments) };
}

/** Sittings this guardian may move the child to: every one with room that breaks no rule the
 * guardian may know of. Only times, never who. */
function freeSittingsFor(db: AppDatabase, event: TalkEvent, pupilId: string, guardianId: string) {
  const view = guardianViewOfPlacement(db, event, pupilId, guardianId);
  return view.sittings
    .filter((s) => view.assignments[pupilId] !== s.id && view.violations(pupilId, s.id).length === 0)
    .map((s) => ({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, phoneNumber: s.phoneNumber ?? event.phoneNumber }));
}

/** The talk, when this guardian may `action` it (their child's, whose plan they read). */
function guardianTalk(db: AppDatabase, guardianId: string, talkId: string, action: "answerInvitation" | "stateUnavailability") {
  const details = talkQueries.getTalkDetails(db, talkId);
  if (!details || !talkQueries.getReply(db, talkId, guardianId)) return null;
  const relations = findRelations(db, guardianId, details.talk.pupilId);
  return canOnTalk({ relations, event: details.event }, action) ? details : null;
}

export interface GuardianReply {
  /** In the room, by the video link, or by telephone (only where the school gave a number to call). */
  attendance: "room" | "remote" | "phone";
  interpreterLanguage: string | null;
}

/** Confirms the time, saying how the guardian joins and whether an interpreter is needed. */
export function confirmTalk(db: AppDatabase, guardianId: string, talkId: string, reply: GuardianReply): TalkDayResult {
  const details = guardianTalk(db, guardianId, talkId, "answerInvitation");
  if (!details) return { ok: false, error: "notFound" };
  if (reply.attendance === "phone" && !details.phoneNumber) return { ok: false, error: "noPhone" };
  talkQueries.confirmReply(db, talkId, guardianId, reply, new Date());
  return { ok: true };
}

/** Moves the child's talk to another sitting with room; the guardian's own answer counts as
 * confirmed. Refused only for reasons the guardian may know of (see guardianViewOfPlacement). */
export function chooseOtherSitting(db: AppDatabase, guardianId: string, talkId: string, sittingId: string, reply: GuardianReply): TalkDayResult<{ changed: boolean }> {
  const details = guardianTalk(db, guardianId, talkId, "answerInvitation");
  if (!details || !details.talk.sittingId) return { ok: false, error: "notFound" };
  const sitting = talkQueries.getSitting(db, sittingId);
  if (reply.attendance === "phone" && !(sitting?.phoneNumber ?? details.event.phoneNumber)) return { ok: false, error: "noPhone" };
  const input = placementInput(db, details.event);
  if (!input.sittings.some((s) => s.id === sittingId)) return { ok: false, error: "notFound" };
  // The same reads serve both: the whole input to move, the guardian's view to decide.
  const known = guardianViewOfPlacement(db, details.event, details.talk.pupilId, guardianId, input).violations(details.talk.pupilId, sittingId);
  const outcome = db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    const moved = assignSitting(txdb, details.event, input, details.talk.pupilId, sittingId, "guardian", known);
    if (moved.ok) talkQueries.confirmReply(txdb, talkId, guardianId, reply, new Date());
    return moved;
  });
  return outcome.ok ? { ok: true, changed: outcome.changed } : outcome;
}

/** More times than any talk day has sittings to rule out: beyond it a form posted in a loop only fills the table. */
export const MAX_UNAVAILABLE_TIMES = 30;

/** A time the guardian cannot come, for the event's next placement. */
export function addUnavailability(db: AppDatabase, guardianId: string, talkId: string, range: { startsAt: string; endsAt: string }): TalkDayResult {
  const details = guardianTalk(db, guardianId, talkId, "stateUnavailability");
  if (!details) return { ok: false, error: "notFound" };
  if (range.endsAt <= range.startsAt) return { ok: false, error: "invalidTime" };
  if (talkQueries.getGuardianUnavailability(db, details.event.id, guardianId).length >= MAX_UNAVAILABLE_TIMES) return { ok: false, error: "tooManyTimes" };
  talkQueries.insertUnavailability(db, details.event.id, guardianId, range);
  return { ok: true };
}

/** Guardians of a talk who should hear about it: those who may read the child's plan. */
export function getTalkRecipients(db: AppDatabase, talkId: string) {
  const details = talkQueries.getTalkDetails(db, talkId);
  if (!details) return [];
  return talkQueries.getTalkGuardians(db, talkId).filter((g) => findRelations(db, g.id, details.talk.pupilId).guardian);
}

/** The pupil's own talks once the invitations have gone out. */
export function getPupilTalks(db: AppDatabase, pupilId: string) {
  return talkQueries.getInvitedTalkIdsOfPupil(db, pupilId).flatMap((id) => {
    const details = talkQueries.getTalkDetails(db, id);
    return details ? [{ talkId: id, startsAt: details.talk.startsAt, endsAt: details.talk.endsAt, place: details.place }] : [];
  });
}

/** Links talks made before talks knew their plan (an older database), once at start. */
export function linkTalksToPlans(db: AppDatabase): number {
  const unlinked = talkQueries.getTalksWithoutPlan(db);
  if (unlinked.length === 0) return 0;
  db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    for (const talk of unlinked) talkQueries.setTalkPlan(txdb, talk.id, getOrCreatePlan(txdb, talk.pupilId, talk.termId).id);
  });
  return unlinked.length;
}
