import type { AppDatabase } from "../../db/client";
import type { SignedInPerson } from "../../db/queries/roster";
import * as talkQueries from "../../db/queries/talks";
import type { TalkEvent, TalkSitting } from "../../db/schema";
import { findRelations } from "~/policies/relations.server";
import { maySeeIdentity } from "~/policies/school.server";
import { eventFor, placementInput, sittingTimes, type NewTalkEvent } from "./talk-days.server";
import { placePupils, type PlacementPupil, type PlacementSitting } from "./talk-placement";
import { recordOverrides, type TalkRule } from "./talk-rules.server";

/**
 * Correcting a planned talk day: its days, daily window, sitting and talk lengths, place, video
 * link, number to call and places per sitting. The sittings move with the change (the n-th sitting
 * of the n-th day stays the n-th); pupils whose sitting is gone are placed again in the others.
 * Every rule is checked again across the school's talk days: a sitting too full refuses the
 * change, and a new clash (a sibling's talk, a guardian's time) needs a reason from staff. The
 * caller tells the families whose talk changed.
 */

export type CorrectionError = "notFound" | "forbidden" | "noSittings" | "capacity" | "sibling" | "unavailable";

export interface CorrectionClash {
  pupilId: string;
  givenName: string;
  familyName: string;
  /** A protected family the viewer does not work with: no name, as on the board. */
  masked: boolean;
  rule: TalkRule | "capacity";
  startsAt: string;
  endsAt: string;
}

export type CorrectionResult =
  | { ok: true; changedTalkIds: string[]; invited: boolean }
  | { ok: false; error: CorrectionError; details?: { clashes: CorrectionClash[] } };

export type TalkEventCorrection = Omit<NewTalkEvent, "groupIds"> & { overrideReason: string | null };

/** The correction form's starting values: the talk day as it is. */
export function getCorrectionForm(db: AppDatabase, person: SignedInPerson, eventId: string) {
  const found = eventFor(db, person, eventId, "changeWholeEvent");
  if (!found || !found.allowed) return null;
  const { event } = found;
  const dates = [...new Set(talkQueries.getSittings(db, eventId).map((s) => s.startsAt.slice(0, 10)))].sort();
  return {
    eventId,
    status: event.status,
    dates,
    windowStart: event.windowStart,
    windowEnd: event.windowEnd,
    sittingMinutes: event.sittingMinutes,
    talkMinutes: event.talkMinutes,
    place: event.place,
    videoUrl: event.videoUrl,
    phoneNumber: event.phoneNumber,
    capacity: event.capacity,
  };
}

interface PlannedSitting {
  /** An existing sitting moved to its new time, or a new one. */
  id: string;
  existing: TalkSitting | null;
  startsAt: string;
  endsAt: string;
  place: string;
  capacity: number | null;
}

/**
 * The new sittings: the existing ones paired with the new times day by day and slot by slot (a day
 * kept keeps its sittings, the n-th sitting staying the n-th; a day dropped and a day added are
 * paired in date order, so "the second day moves to Thursday"), new ones for times without a
 * partner. Sittings left without a time are returned to be removed. A sitting whose place or
 * number of places was the talk day's takes the new one; one set on its own keeps it.
 */
function planSittings(event: TalkEvent, sittings: TalkSitting[], input: TalkEventCorrection) {
  const byDay = <T extends { startsAt: string }>(list: T[]) => {
    const days = new Map<string, T[]>();
    for (const item of list) days.set(item.startsAt.slice(0, 10), [...(days.get(item.startsAt.slice(0, 10)) ?? []), item]);
    return days;
  };
  const times = sittingTimes(input);
  const oldDays = byDay(sittings);
  const newDays = byDay(times);
  // Days in both stay paired; the others pair up in date order.
  const pairOf = new Map<string, string>();
  for (const date of newDays.keys()) if (oldDays.has(date)) pairOf.set(date, date);
  const leftOld = [...oldDays.keys()].filter((d) => !newDays.has(d)).sort();
  const leftNew = [...newDays.keys()].filter((d) => !oldDays.has(d)).sort();
  leftNew.forEach((date, i) => {
    if (leftOld[i]) pairOf.set(date, leftOld[i]!);
  });
  const planned: PlannedSitting[] = [];
  const kept = new Set<string>();
  for (const [date, slots] of [...newDays.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const olds = pairOf.has(date) ? oldDays.get(pairOf.get(date)!)! : [];
    slots.forEach((time, slot) => {
      const existing = olds[slot] ?? null;
      if (existing) kept.add(existing.id);
      planned.push({
        id: existing?.id ?? `new:${planned.length}`,
        existing,
        startsAt: time.startsAt,
        endsAt: time.endsAt,
        place: !existing || existing.place === event.place ? input.place : existing.place,
        capacity: !existing || existing.capacity === event.capacity ? input.capacity : existing.capacity,
      });
    });
  }
  return { planned, removed: sittings.filter((s) => !kept.has(s.id)) };
}

/**
 * Places the pupils whose sitting went away. First by every rule; a pupil no sitting takes only
 * because of a sibling's talk or a guardian's time is then put where there is room anyway, so the
 * correction shows that clash (to be accepted with a reason) instead of a pupil without a talk.
 * Only room itself (capacity) leaves a pupil out.
 */
function placeKeepingEveryone(sittings: PlacementSitting[], pupils: PlacementPupil[]) {
  const first = placePupils(sittings, pupils);
  const byRules = first.unplaced.filter((u) => !u.reasons.includes("capacity")).map((u) => u.pupilId);
  if (byRules.length === 0) return first;
  const relaxed = pupils.map((p) => {
    if (byRules.includes(p.id)) return { id: p.id, mentorId: p.mentorId, guardianIds: [`unplaced:${p.id}`], unavailable: [] };
    const at = first.assignments[p.id];
    return at ? { ...p, fixedSittingId: at } : p;
  });
  return placePupils(sittings, relaxed);
}

/**
 * Corrects a talk day. Refuses, changing nothing, when a sitting would hold more pupils than it
 * has places (or a pupil whose sitting is gone finds none), and when the new times make a talk
 * break a rule that nobody has accepted, unless `overrideReason` is given: then the reason is
 * stored for each such talk at its new time.
 */
export function correctTalkEvent(db: AppDatabase, person: SignedInPerson, eventId: string, input: TalkEventCorrection, now = new Date()): CorrectionResult {
  const found = eventFor(db, person, eventId, "changeWholeEvent");
  if (!found) return { ok: false, error: "notFound" };
  if (!found.allowed) return { ok: false, error: "forbidden" };
  const { event } = found;
  const current = placementInput(db, event);
  const { planned, removed } = planSittings(event, current.sittings, input);
  if (planned.length === 0) return { ok: false, error: "noSittings" };

  // Where each pupil now in a sitting ends up: the same sitting at its new time, or placed again.
  const removedIds = new Set(removed.map((s) => s.id));
  const placementSittings: PlacementSitting[] = planned.map((s) => ({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, capacity: s.capacity }));
  const pupils = current.placementPupils.map((p) => {
    const sittingId = current.assignments[p.id];
    const { fixedSittingId: _fixed, ...rest } = p;
    // Everyone stays where they are; only pupils whose sitting is gone are placed anew.
    return sittingId && !removedIds.has(sittingId) ? { ...rest, fixedSittingId: sittingId } : rest;
  });
  const placing = pupils.filter((p) => current.assignments[p.id] !== undefined);
  const placed = placeKeepingEveryone(placementSittings, placing);
  const names = new Map(current.pupils.map((p) => [p.id, p]));
  const identified = new Map<string, boolean>();
  const clash = (pupilId: string, rule: CorrectionClash["rule"], time: { startsAt: string; endsAt: string }): CorrectionClash => {
    if (!identified.has(pupilId)) identified.set(pupilId, maySeeIdentity(findRelations(db, person.id, pupilId)));
    const named = identified.get(pupilId)!;
    return {
      pupilId,
      givenName: named ? (names.get(pupilId)?.givenName ?? "") : "",
      familyName: named ? (names.get(pupilId)?.familyName ?? "") : "",
      masked: !named,
      rule,
      startsAt: time.startsAt,
      endsAt: time.endsAt,
    };
  };
  // A masked row goes last, as on the board: its place among the names would hint at the name.
  const maskedLast = (list: CorrectionClash[]) => list.sort((a, b) => Number(a.masked) - Number(b.masked));
  const full: CorrectionClash[] = placed.unplaced.map((u) => clash(u.pupilId, "capacity", { startsAt: "", endsAt: "" }));
  for (const sitting of planned) {
    const count = Object.values(placed.assignments).filter((id) => id === sitting.id).length;
    if (sitting.capacity !== null && count > sitting.capacity) {
      for (const [pupilId, id] of Object.entries(placed.assignments)) if (id === sitting.id) full.push(clash(pupilId, "capacity", sitting));
    }
  }
  if (full.length > 0) return { ok: false, error: "capacity", details: { clashes: maskedLast(full) } };

  // The rules again, with every talk of the event at its new time.
  const plannedById = new Map(planned.map((s) => [s.id, s]));
  const moves = current.eventTalks.flatMap((talk) => {
    const sittingId = placed.assignments[talk.pupilId];
    if (!talk.sittingId || !sittingId) return [];
    const sitting = plannedById.get(sittingId)!;
    return [{ talk, sitting, changed: talk.startsAt !== sitting.startsAt || talk.endsAt !== sitting.endsAt || talk.sittingId !== sittingId }];
  });
  for (const move of moves) current.rules.moveInMemory(move.talk.id, move.sitting);
  const newClashes = moves
    .filter((m) => m.changed)
    .flatMap((m) => current.rules.clashes(m.talk, m.sitting).filter((c) => !c.accepted).map((c) => ({ move: m, rule: c.rule })));
  if (newClashes.length > 0 && !input.overrideReason) {
    return { ok: false, error: newClashes[0]!.rule, details: { clashes: maskedLast(newClashes.map((c) => clash(c.move.talk.pupilId, c.rule, c.move.sitting))) } };
  }

  const before = new Map(current.eventTalks.map((t) => [t.id, talkQueries.getTalkDetails(db, t.id)]));
  db.transaction((tx) => {
    const txdb = tx as unknown as AppDatabase;
    talkQueries.updateEventSettings(txdb, eventId, {
      windowStart: input.windowStart,
      windowEnd: input.windowEnd,
      sittingMinutes: input.sittingMinutes,
      talkMinutes: input.talkMinutes,
      place: input.place,
      videoUrl: input.videoUrl,
      phoneNumber: input.phoneNumber,
      capacity: input.capacity,
    });
    const realId = new Map<string, string>();
    for (const sitting of planned) {
      if (sitting.existing) {
        talkQueries.updateSitting(txdb, sitting.id, { startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: sitting.place, capacity: sitting.capacity });
        realId.set(sitting.id, sitting.id);
      } else {
        realId.set(sitting.id, talkQueries.insertSitting(txdb, { eventId, startsAt: sitting.startsAt, endsAt: sitting.endsAt, place: sitting.place, videoUrl: null, phoneNumber: null, capacity: sitting.capacity }));
      }
    }
    for (const { talk, sitting, changed } of moves) {
      if (!changed) continue;
      talkQueries.updateTalkTime(txdb, talk.id, {
        sittingId: realId.get(sitting.id)!,
        startsAt: sitting.startsAt,
        endsAt: sitting.endsAt,
        place: talk.place,
        videoUrl: talk.videoUrl,
        placedBy: talk.placedBy,
        updatedAt: now,
      });
      // A new time needs a new answer from everyone.
      talkQueries.resetReplies(txdb, talk.id, now);
    }
    for (const sitting of removed) talkQueries.deleteSitting(txdb, sitting.id);
    if (input.overrideReason) {
      for (const c of newClashes) recordOverrides(txdb, c.move.talk.id, [c.rule], c.move.sitting, input.overrideReason, person.id, now);
    }
  });

  // Whose talk changed in what the family is told: time, length, place, link or number.
  const changedTalkIds = current.eventTalks
    .filter((talk) => {
      const old = before.get(talk.id);
      const fresh = talkQueries.getTalkDetails(db, talk.id);
      if (!old || !fresh) return false;
      return (
        old.talk.startsAt !== fresh.talk.startsAt ||
        old.talk.endsAt !== fresh.talk.endsAt ||
        old.talkMinutes !== fresh.talkMinutes ||
        old.place !== fresh.place ||
        old.videoUrl !== fresh.videoUrl ||
        old.phoneNumber !== fresh.phoneNumber
      );
    })
    .map((talk) => talk.id);
  return { ok: true, changedTalkIds, invited: event.status === "invited" };
}
