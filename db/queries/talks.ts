import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { preparedQuery } from "../prepared";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import {
  groupMembers,
  groups,
  guardianships,
  guardianUnavailability,
  mentorships,
  people,
  plans,
  subjects,
  talkCalls,
  talkEventGroups,
  talkEvents,
  talkGuardianReplies,
  talkGuests,
  talkReminders,
  talkRuleOverrides,
  talkSittings,
  talks,
  teachingDuties,
  outboxMessages,
  auditEvents,
  type Talk,
  type TalkEvent,
  type TalkRuleOverride,
  type TalkSitting,
} from "../schema";

/**
 * Every read and write of the talk tables: events (talk days), their mentor groups and sittings,
 * one pupil's talk, the guardians' answers and unavailable times, and calls to teachers. The
 * services (app/services/talk-*.server.ts) decide with the talk policy and compose these.
 * Writes that belong together are done in the caller's transaction (pass the `tx` as `db`).
 */

// ——— Events and sittings ———

export function getTalkEvent(db: AppDatabase, eventId: string): TalkEvent | null {
  return db.select().from(talkEvents).where(eq(talkEvents.id, eventId)).get() ?? null;
}

export function listSchoolEvents(db: AppDatabase, schoolId: string): TalkEvent[] {
  return db.select().from(talkEvents).where(eq(talkEvents.schoolId, schoolId)).orderBy(asc(talkEvents.createdAt)).all();
}

/** The mentor groups taking part in an event. */
export function getEventGroupIds(db: AppDatabase, eventId: string): string[] {
  return db
    .select({ groupId: talkEventGroups.groupId })
    .from(talkEventGroups)
    .where(eq(talkEventGroups.eventId, eventId))
    .all()
    .map((r) => r.groupId);
}

/** The event's groups that this person mentors. */
export function getMentoredEventGroupIds(db: AppDatabase, eventId: string, personId: string): string[] {
  return db
    .select({ groupId: talkEventGroups.groupId })
    .from(talkEventGroups)
    .innerJoin(mentorships, eq(mentorships.groupId, talkEventGroups.groupId))
    .where(and(eq(talkEventGroups.eventId, eventId), eq(mentorships.mentorId, personId)))
    .all()
    .map((r) => r.groupId);
}

/** A school's mentor groups, or those of them one person mentors. */
export function getMentorGroups(db: AppDatabase, schoolId: string, mentorId: string | null) {
  if (mentorId === null) {
    // Groups the roster has ended are not offered for new talk days.
    return db
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(and(eq(groups.schoolId, schoolId), eq(groups.type, "mentor"), isNull(groups.endedAt)))
      .orderBy(asc(groups.name))
      .all();
  }
  return db
    .select({ id: groups.id, name: groups.name })
    .from(mentorships)
    .innerJoin(groups, eq(groups.id, mentorships.groupId))
    .where(and(eq(mentorships.mentorId, mentorId), eq(groups.schoolId, schoolId)))
    .orderBy(asc(groups.name))
    .all();
}

export function insertTalkEvent(
  db: AppDatabase,
  event: typeof talkEvents.$inferInsert,
  groupIds: string[],
  sittings: Array<{ startsAt: string; endsAt: string }>,
): void {
  db.insert(talkEvents).values(event).run();
  db.insert(talkEventGroups).values([...new Set(groupIds)].map((groupId) => ({ eventId: event.id, groupId }))).run();
  db.insert(talkSittings)
    .values(sittings.map((time) => ({ id: newId(), eventId: event.id, ...time, place: event.place, videoUrl: null, capacity: event.capacity ?? null })))
    .run();
}

/** A correction of the talk day's settings (its days are its sittings). */
export function updateEventSettings(
  db: AppDatabase,
  eventId: string,
  values: Pick<TalkEvent, "windowStart" | "windowEnd" | "sittingMinutes" | "talkMinutes" | "place" | "videoUrl" | "phoneNumber" | "capacity">,
): void {
  db.update(talkEvents).set(values).where(eq(talkEvents.id, eventId)).run();
}

export function insertSitting(db: AppDatabase, sitting: Omit<TalkSitting, "id">): string {
  const id = newId();
  db.insert(talkSittings).values({ id, ...sitting }).run();
  return id;
}

export function updateSitting(db: AppDatabase, sittingId: string, values: Pick<TalkSitting, "startsAt" | "endsAt" | "place" | "capacity">): void {
  db.update(talkSittings).set(values).where(eq(talkSittings.id, sittingId)).run();
}

/** Removes a sitting no talk is in any more. */
export function deleteSitting(db: AppDatabase, sittingId: string): void {
  db.delete(talkSittings).where(eq(talkSittings.id, sittingId)).run();
}

export function setEventStatus(db: AppDatabase, eventId: string, status: TalkEvent["status"]): void {
  db.update(talkEvents).set({ status }).where(eq(talkEvents.id, eventId)).run();
}

export function getSittings(db: AppDatabase, eventId: string): TalkSitting[] {
  return db.select().from(talkSittings).where(eq(talkSittings.eventId, eventId)).orderBy(asc(talkSittings.startsAt), asc(talkSittings.id)).all();
}

export function getSitting(db: AppDatabase, sittingId: string): TalkSitting | null {
  return db.select().from(talkSittings).where(eq(talkSittings.id, sittingId)).get() ?? null;
}

export function updateSittingPlace(db: AppDatabase, sittingId: string, values: { place: string; videoUrl: string | null; phoneNumber: string | null }): void {
  db.update(talkSittings).set(values).where(eq(talkSittings.id, sittingId)).run();
}

export interface EventPupil {
  id: string;
  givenName: string;
  familyName: string;
  protectedIdentity: boolean;
  groupId: string;
  groupName: string;
  mentorId: string;
  guardianIds: string[];
}

/** The pupils of the event's mentor groups, each once, with their mentor and guardians. */
export function getEventPupils(db: AppDatabase, eventId: string): EventPupil[] {
  const rows = db
    .select({
      id: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
      protectedIdentity: people.protectedIdentity,
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

export function getPeopleNames(db: AppDatabase, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: people.id, givenName: people.givenName, familyName: people.familyName })
    .from(people)
    .where(inArray(people.id, ids))
    .orderBy(asc(people.familyName))
    .all();
}

// ——— Talks ———

export function getEventTalks(db: AppDatabase, eventId: string): Talk[] {
  return db.select().from(talks).where(eq(talks.eventId, eventId)).all();
}

export function getTalkOfPupil(db: AppDatabase, eventId: string, pupilId: string): Talk | null {
  return db.select().from(talks).where(and(eq(talks.eventId, eventId), eq(talks.pupilId, pupilId))).get() ?? null;
}

/** Talks of the event a guardian has confirmed (or chosen): kept when the event is placed again. */
export function getConfirmedTalkIds(db: AppDatabase, eventId: string): Set<string> {
  return new Set(
    db
      .select({ talkId: talkGuardianReplies.talkId })
      .from(talkGuardianReplies)
      .innerJoin(talks, eq(talks.id, talkGuardianReplies.talkId))
      .where(and(eq(talks.eventId, eventId), isNotNull(talkGuardianReplies.confirmedAt)))
      .all()
      .map((r) => r.talkId),
  );
}

/** The talk ids of a sitting. */
export function getSittingTalkIds(db: AppDatabase, sittingId: string): string[] {
  return db
    .select({ id: talks.id })
    .from(talks)
    .where(eq(talks.sittingId, sittingId))
    .all()
    .map((t) => t.id);
}

/** A new talk with an unanswered reply for each guardian. A talk knows its pupil's plan for the term. */
export function insertTalk(db: AppDatabase, talk: Omit<typeof talks.$inferInsert, "id">, guardianIds: string[]): string {
  const id = newId();
  db.insert(talks).values({ id, ...talk }).run();
  if (guardianIds.length > 0) db.insert(talkGuardianReplies).values(guardianIds.map((guardianId) => ({ talkId: id, guardianId, updatedAt: talk.updatedAt }))).run();
  return id;
}

export function updateTalkTime(
  db: AppDatabase,
  talkId: string,
  values: Pick<Talk, "sittingId" | "startsAt" | "endsAt" | "place" | "videoUrl" | "placedBy" | "updatedAt"> & Partial<Pick<Talk, "phoneNumber">>,
): void {
  db.update(talks).set(values).where(eq(talks.id, talkId)).run();
}

/** After a new time every guardian has to answer again. */
export function resetReplies(db: AppDatabase, talkId: string, now: Date): void {
  db.update(talkGuardianReplies).set({ confirmedAt: null, updatedAt: now }).where(eq(talkGuardianReplies.talkId, talkId)).run();
}

/** Removes a talk nobody decided (a new placement found no sitting for it). Its messages stay in
 * the outbox, no longer tied to it. A talk with guests is never removed (see the placement). */
export function deleteTalk(db: AppDatabase, talkId: string): void {
  db.update(outboxMessages).set({ talkId: null }).where(eq(outboxMessages.talkId, talkId)).run();
  db.delete(talkReminders).where(eq(talkReminders.talkId, talkId)).run();
  db.delete(talkRuleOverrides).where(eq(talkRuleOverrides.talkId, talkId)).run();
  db.delete(talkCalls).where(eq(talkCalls.talkId, talkId)).run();
  db.delete(talkGuardianReplies).where(eq(talkGuardianReplies.talkId, talkId)).run();
  db.delete(talks).where(eq(talks.id, talkId)).run();
}

/** Talks that do not yet know their plan (made before talks did): pupil and term, to link them. */
export function getTalksWithoutPlan(db: AppDatabase) {
  return db
    .select({ id: talks.id, pupilId: talks.pupilId, termId: talkEvents.termId })
    .from(talks)
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .where(isNull(talks.planId))
    .all();
}

export function setTalkPlan(db: AppDatabase, talkId: string, planId: string): void {
  db.update(talks).set({ planId }).where(eq(talks.id, talkId)).run();
}

export type TalkDetails = NonNullable<ReturnType<typeof getTalkDetails>>;

/** A talk with where and how it happens: a sitting's place and link unless the talk has its own. */
// Asked on every talk view, calls list and talk mail: prepared once.
const talkDetails = preparedQuery((db) =>
  db
    .select({ talk: talks, event: talkEvents, sitting: talkSittings, planStatus: plans.status })
    .from(talks)
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .leftJoin(talkSittings, eq(talkSittings.id, talks.sittingId))
    .leftJoin(plans, eq(plans.id, talks.planId))
    .where(eq(talks.id, sql.placeholder("talkId")))
    .prepare(),
);

export function getTalkDetails(db: AppDatabase, talkId: string) {
  const row = talkDetails(db).get({ talkId });
  if (!row) return null;
  const place = row.talk.place ?? row.sitting?.place ?? row.event.place;
  const videoUrl = row.talk.videoUrl ?? row.sitting?.videoUrl ?? row.event.videoUrl;
  const phoneNumber = row.talk.phoneNumber ?? row.sitting?.phoneNumber ?? row.event.phoneNumber;
  // A talk in a sitting lasts the event's talk length; a one-to-one booking its own time.
  const talkMinutes = row.talk.sittingId ? row.event.talkMinutes : minutesBetween(row.talk.startsAt, row.talk.endsAt);
  return { talk: row.talk, event: row.event, sitting: row.sitting, planStatus: row.planStatus, place, videoUrl, phoneNumber, talkMinutes };
}

function minutesBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}:00Z`) - Date.parse(`${from}:00Z`)) / 60_000);
}

/** A pupil's talks of events whose invitations have gone out, earliest first. */
export function getInvitedTalkIdsOfPupil(db: AppDatabase, pupilId: string): string[] {
  return db
    .select({ id: talks.id })
    .from(talks)
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .where(and(eq(talks.pupilId, pupilId), eq(talkEvents.status, "invited")))
    .orderBy(asc(talks.startsAt))
    .all()
    .map((r) => r.id);
}

export function setTalkStarted(db: AppDatabase, talkId: string, now: Date): void {
  db.update(talks).set({ startedAt: now, updatedAt: now }).where(eq(talks.id, talkId)).run();
}

export function setTalkSection(db: AppDatabase, talkId: string, fragment: string, now: Date): void {
  db.update(talks).set({ currentSection: fragment, updatedAt: now }).where(eq(talks.id, talkId)).run();
}

// ——— The rules across the school's talk days ———

/** Every talk in the school's talk days of the children of these guardians, once per guardian it
 * goes through (siblings are pupils who share a guardian). */
export function getTalksOfGuardiansChildren(db: AppDatabase, schoolId: string, guardianIds: string[]) {
  if (guardianIds.length === 0) return [];
  return db
    .select({
      guardianId: guardianships.guardianId,
      talkId: talks.id,
      pupilId: talks.pupilId,
      eventId: talks.eventId,
      sittingId: talks.sittingId,
      startsAt: talks.startsAt,
      endsAt: talks.endsAt,
    })
    .from(guardianships)
    .innerJoin(talks, eq(talks.pupilId, guardianships.pupilId))
    .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
    .where(and(inArray(guardianships.guardianId, [...new Set(guardianIds)]), eq(talkEvents.schoolId, schoolId)))
    .all();
}

/** The guardians of these pupils. */
export function getGuardiansOfPupils(db: AppDatabase, pupilIds: string[]) {
  if (pupilIds.length === 0) return [];
  return db.select().from(guardianships).where(inArray(guardianships.pupilId, [...new Set(pupilIds)])).all();
}

/** Rule overrides on these talks, oldest first, with the name of who gave them. */
export function getOverrides(db: AppDatabase, talkIds: string[]) {
  if (talkIds.length === 0) return [];
  return db
    .select({ override: talkRuleOverrides, givenName: people.givenName, familyName: people.familyName })
    .from(talkRuleOverrides)
    .innerJoin(people, eq(people.id, talkRuleOverrides.createdBy))
    .where(inArray(talkRuleOverrides.talkId, [...new Set(talkIds)]))
    .orderBy(asc(talkRuleOverrides.createdAt))
    .all();
}

export function insertOverride(db: AppDatabase, override: Omit<TalkRuleOverride, "id">): void {
  db.insert(talkRuleOverrides).values({ id: newId(), ...override }).run();
}

/** Talks of the event that have guests: a person arranged them, so a new placement keeps them. */
export function getTalkIdsWithGuests(db: AppDatabase, eventId: string): Set<string> {
  return new Set(
    db
      .selectDistinct({ talkId: talkGuests.talkId })
      .from(talkGuests)
      .innerJoin(talks, eq(talks.id, talkGuests.talkId))
      .where(eq(talks.eventId, eventId))
      .all()
      .map((r) => r.talkId),
  );
}

// ——— Who took part in a plan's talk (for its record) ———

/** The talks of a plan, earliest first. */
export function getTalksOfPlan(db: AppDatabase, planId: string): Talk[] {
  return db.select().from(talks).where(eq(talks.planId, planId)).orderBy(asc(talks.startsAt)).all();
}

/** Teachers who answered a call in this talk ("Jag kommer"), by name. */
export function getAnsweringTeachers(db: AppDatabase, talkId: string) {
  return db
    .selectDistinct({ id: people.id, givenName: people.givenName, familyName: people.familyName })
    .from(talkCalls)
    .innerJoin(people, eq(people.id, talkCalls.acknowledgedBy))
    .where(eq(talkCalls.talkId, talkId))
    .orderBy(asc(people.familyName), asc(people.givenName))
    .all();
}

/** Guests of this talk who opened it (they took part), in the order they were added. */
export function getGuestsWhoOpened(db: AppDatabase, talkId: string) {
  return db
    .selectDistinct({ id: talkGuests.id, name: talkGuests.name, kind: talkGuests.kind, language: talkGuests.language, createdAt: talkGuests.createdAt })
    .from(talkGuests)
    .innerJoin(auditEvents, and(eq(auditEvents.guestId, talkGuests.id), eq(auditEvents.action, "view")))
    .where(eq(talkGuests.talkId, talkId))
    .orderBy(asc(talkGuests.createdAt))
    .all();
}

// ——— Guests of a talk (interpreters) ———

/** How many guests (not withdrawn) each of these talks has. */
export function countActiveGuests(db: AppDatabase, talkIds: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  if (talkIds.length === 0) return counts;
  for (const row of db.select({ talkId: talkGuests.talkId }).from(talkGuests).where(and(inArray(talkGuests.talkId, talkIds), isNull(talkGuests.revokedAt))).all()) {
    counts.set(row.talkId, (counts.get(row.talkId) ?? 0) + 1);
  }
  return counts;
}

export function getGuestsOfTalk(db: AppDatabase, talkId: string) {
  return db.select().from(talkGuests).where(eq(talkGuests.talkId, talkId)).orderBy(asc(talkGuests.createdAt)).all();
}

export function getGuest(db: AppDatabase, guestId: string) {
  return db.select().from(talkGuests).where(eq(talkGuests.id, guestId)).get() ?? null;
}

/** The guest whose link's token hashes to this. */
export function getGuestByTokenHash(db: AppDatabase, tokenHash: string) {
  return db.select().from(talkGuests).where(eq(talkGuests.tokenHash, tokenHash)).get() ?? null;
}

export function insertGuest(db: AppDatabase, guest: Omit<typeof talkGuests.$inferInsert, "id">): string {
  const id = newId();
  db.insert(talkGuests).values({ id, ...guest }).run();
  return id;
}

export function setGuestToken(db: AppDatabase, guestId: string, tokenHash: string): void {
  db.update(talkGuests).set({ tokenHash }).where(eq(talkGuests.id, guestId)).run();
}

export function revokeGuest(db: AppDatabase, guestId: string, by: string, now: Date): void {
  db.update(talkGuests).set({ revokedBy: by, revokedAt: now }).where(and(eq(talkGuests.id, guestId), isNull(talkGuests.revokedAt))).run();
}

// ——— Guardians' answers ———

/** A guardian's answers to their children's talks, with the child's name, earliest first. */
export function getRepliesOfGuardian(db: AppDatabase, guardianId: string) {
  return db
    .select({ talkId: talks.id, pupilId: talks.pupilId, givenName: people.givenName, familyName: people.familyName, reply: talkGuardianReplies })
    .from(talkGuardianReplies)
    .innerJoin(talks, eq(talks.id, talkGuardianReplies.talkId))
    .innerJoin(people, eq(people.id, talks.pupilId))
    .where(eq(talkGuardianReplies.guardianId, guardianId))
    .orderBy(asc(talks.startsAt))
    .all();
}

export function getReply(db: AppDatabase, talkId: string, guardianId: string) {
  return db.select().from(talkGuardianReplies).where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId))).get() ?? null;
}

/** Every answer to a set of talks, with the guardian's name. */
export function getRepliesOfTalks(db: AppDatabase, talkIds: string[]) {
  if (talkIds.length === 0) return [];
  return db
    .select({ reply: talkGuardianReplies, givenName: people.givenName, familyName: people.familyName, protectedIdentity: people.protectedIdentity })
    .from(talkGuardianReplies)
    .innerJoin(people, eq(people.id, talkGuardianReplies.guardianId))
    .where(inArray(talkGuardianReplies.talkId, talkIds))
    .all();
}

export function confirmReply(db: AppDatabase, talkId: string, guardianId: string, reply: { attendance: "room" | "remote" | "phone"; interpreterLanguage: string | null }, now: Date): void {
  db.update(talkGuardianReplies)
    .set({ confirmedAt: now, attendance: reply.attendance, interpreterLanguage: reply.interpreterLanguage, updatedAt: now })
    .where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId)))
    .run();
}

export function setIdentityChecked(db: AppDatabase, talkId: string, guardianId: string, mentorId: string, now: Date): void {
  db.update(talkGuardianReplies)
    .set({ identityCheckedBy: mentorId, identityCheckedAt: now, updatedAt: now })
    .where(and(eq(talkGuardianReplies.talkId, talkId), eq(talkGuardianReplies.guardianId, guardianId)))
    .run();
}

/** The guardians of a talk with their address and language (the caller keeps those who may hear of it). */
export function getTalkGuardians(db: AppDatabase, talkId: string) {
  return db
    .select({
      id: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
      email: people.email,
      preferredLocale: people.preferredLocale,
      protectedIdentity: people.protectedIdentity,
    })
    .from(talkGuardianReplies)
    .innerJoin(people, eq(people.id, talkGuardianReplies.guardianId))
    .where(eq(talkGuardianReplies.talkId, talkId))
    .all();
}

export function getEventUnavailability(db: AppDatabase, eventId: string) {
  return db.select().from(guardianUnavailability).where(eq(guardianUnavailability.eventId, eventId)).all();
}

export function getGuardianUnavailability(db: AppDatabase, eventId: string, guardianId: string) {
  return db
    .select({ id: guardianUnavailability.id, startsAt: guardianUnavailability.startsAt, endsAt: guardianUnavailability.endsAt })
    .from(guardianUnavailability)
    .where(and(eq(guardianUnavailability.eventId, eventId), eq(guardianUnavailability.guardianId, guardianId)))
    .orderBy(asc(guardianUnavailability.startsAt))
    .all();
}

export function insertUnavailability(db: AppDatabase, eventId: string, guardianId: string, range: { startsAt: string; endsAt: string }): void {
  db.insert(guardianUnavailability).values({ id: newId(), eventId, guardianId, ...range }).run();
}

// ——— Calls ———

/** The teachers of a subject for a pupil in a term. */
export function getSubjectTeachers(db: AppDatabase, pupilId: string, subjectId: string, termId: string): string[] {
  return db
    .selectDistinct({ teacherId: teachingDuties.teacherId })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .where(and(eq(teachingDuties.subjectId, subjectId), eq(teachingDuties.termId, termId), eq(groupMembers.pupilId, pupilId)))
    .all()
    .map((r) => r.teacherId);
}

/** The mentors of a pupil. */
export function getMentorsOfPupil(db: AppDatabase, pupilId: string): string[] {
  return db
    .selectDistinct({ mentorId: mentorships.mentorId })
    .from(mentorships)
    .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
    .where(eq(groupMembers.pupilId, pupilId))
    .all()
    .map((r) => r.mentorId);
}

export function getOpenCall(db: AppDatabase, talkId: string, subjectId: string) {
  return (
    db
      .select({ id: talkCalls.id })
      .from(talkCalls)
      .where(and(eq(talkCalls.talkId, talkId), eq(talkCalls.subjectId, subjectId), isNull(talkCalls.acknowledgedAt), isNull(talkCalls.closedAt)))
      .get() ?? null
  );
}

export function insertCall(db: AppDatabase, call: { talkId: string; subjectId: string; calledBy: string; calledAt: Date }): string {
  const id = newId();
  db.insert(talkCalls).values({ id, ...call }).run();
  return id;
}

/** A call with its talk and the term of the talk's event. */
export function getCall(db: AppDatabase, callId: string) {
  return (
    db
      .select({ call: talkCalls, talk: talks, termId: talkEvents.termId })
      .from(talkCalls)
      .innerJoin(talks, eq(talks.id, talkCalls.talkId))
      .innerJoin(talkEvents, eq(talkEvents.id, talks.eventId))
      .where(eq(talkCalls.id, callId))
      .get() ?? null
  );
}

export function closeCall(db: AppDatabase, callId: string, personId: string, now: Date): void {
  db.update(talkCalls).set({ closedBy: personId, closedAt: now }).where(and(eq(talkCalls.id, callId), isNull(talkCalls.closedAt))).run();
}

export function acknowledgeCall(db: AppDatabase, callId: string, teacherId: string, now: Date): void {
  db.update(talkCalls).set({ acknowledgedBy: teacherId, acknowledgedAt: now }).where(and(eq(talkCalls.id, callId), isNull(talkCalls.acknowledgedAt))).run();
}

/** A talk's open calls, earliest first, with the name of the teacher who answered. */
// Asked on every talk view: prepared once.
const openCallsOfTalk = preparedQuery((db) =>
  db
    .select({
      id: talkCalls.id,
      subjectId: talkCalls.subjectId,
      subjectCode: subjects.code,
      subjectLanguageCode: subjects.languageCode,
      subjectSv: subjects.nameSv,
      subjectEn: subjects.nameEn,
      calledAt: talkCalls.calledAt,
      acknowledgedAt: talkCalls.acknowledgedAt,
      acknowledgedBy: talkCalls.acknowledgedBy,
    })
    .from(talkCalls)
    .innerJoin(subjects, eq(subjects.id, talkCalls.subjectId))
    .where(and(eq(talkCalls.talkId, sql.placeholder("talkId")), isNull(talkCalls.closedAt)))
    .orderBy(asc(talkCalls.calledAt))
    .prepare(),
);

export function getOpenCallsOfTalk(db: AppDatabase, talkId: string) {
  const rows = openCallsOfTalk(db).all({ talkId });
  const names = new Map(getPeopleNames(db, [...new Set(rows.flatMap((r) => (r.acknowledgedBy ? [r.acknowledgedBy] : [])))]).map((p) => [p.id, p]));
  return rows.map((r) => {
    const teacher = r.acknowledgedBy ? names.get(r.acknowledgedBy) : undefined;
    return { ...r, teacher: teacher ? { givenName: teacher.givenName, familyName: teacher.familyName } : null };
  });
}

/** Open calls in the subjects a teacher teaches the called pupil, in the talk's term, newest first. */
// Asked by the root loader on every page a teacher opens: prepared once.
const callsInTeachersSubjects = preparedQuery((db) =>
  db
    .select({
      id: talkCalls.id,
      talkId: talks.id,
      calledAt: talkCalls.calledAt,
      acknowledgedAt: talkCalls.acknowledgedAt,
      acknowledgedBy: talkCalls.acknowledgedBy,
      pupilGiven: people.givenName,
      pupilFamily: people.familyName,
      subjectCode: subjects.code,
      subjectLanguageCode: subjects.languageCode,
      subjectSv: subjects.nameSv,
      subjectEn: subjects.nameEn,
    })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .innerJoin(talks, eq(talks.pupilId, groupMembers.pupilId))
    .innerJoin(talkEvents, and(eq(talkEvents.id, talks.eventId), eq(talkEvents.termId, teachingDuties.termId)))
    .innerJoin(talkCalls, and(eq(talkCalls.talkId, talks.id), eq(talkCalls.subjectId, teachingDuties.subjectId)))
    .innerJoin(people, eq(people.id, talks.pupilId))
    .innerJoin(subjects, eq(subjects.id, talkCalls.subjectId))
    .where(and(eq(teachingDuties.teacherId, sql.placeholder("teacherId")), isNull(talkCalls.closedAt)))
    .orderBy(desc(talkCalls.calledAt))
    .prepare(),
);

export function getCallsInTeachersSubjects(db: AppDatabase, teacherId: string) {
  const rows = callsInTeachersSubjects(db).all({ teacherId });
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

/** The talks of a sitting, or an event's one-to-one talks, with their pupil's name and group, by
 * start and family name. */
export function getBoardTalks(db: AppDatabase, which: { sittingId: string } | { oneToOneOf: string }) {
  return db
    .select({ talk: talks, givenName: people.givenName, familyName: people.familyName, groupId: groupMembers.groupId })
    .from(talks)
    .innerJoin(people, eq(people.id, talks.pupilId))
    .innerJoin(talkEventGroups, eq(talkEventGroups.eventId, talks.eventId))
    .innerJoin(groupMembers, and(eq(groupMembers.groupId, talkEventGroups.groupId), eq(groupMembers.pupilId, talks.pupilId)))
    .where("sittingId" in which ? eq(talks.sittingId, which.sittingId) : and(eq(talks.eventId, which.oneToOneOf), isNull(talks.sittingId)))
    .orderBy(asc(talks.startsAt), asc(people.familyName), asc(people.givenName))
    .all();
}

/** The talks held about these plans (a plan has one per talk day of its term), with their talk day. */
export function getTalksOfPlans(db: AppDatabase, planIds: string[]) {
  if (planIds.length === 0) return [];
  return db
    .select({ id: talks.id, planId: talks.planId, pupilId: talks.pupilId, eventId: talks.eventId, startsAt: talks.startsAt })
    .from(talks)
    .where(inArray(talks.planId, planIds))
    .all();
}
