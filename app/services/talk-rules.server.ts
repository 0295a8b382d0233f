import type { AppDatabase } from "../../db/client";
import * as talkQueries from "../../db/queries/talks";
import type { TalkEvent } from "../../db/schema";
import { wallClockMinutes, type TimeRange } from "./talk-placement";

/**
 * The rules a talk's time keeps, across all of the school's talk days: siblings (pupils who share
 * a guardian) never at overlapping times, whichever talk day or one-to-one booking their talks
 * belong to, and never at a time a guardian said they cannot come. A break that staff make on
 * purpose needs a reason, stored with who and when (`talk_rule_overrides`); it holds for the time
 * it was given for. Used by planning, moves, bookings, corrections and the boards.
 */

export type TalkRule = "sibling" | "unavailable";

/** A talk's time and whose it is. */
export interface TimedTalk {
  id: string;
  pupilId: string;
  eventId: string;
  sittingId: string | null;
  startsAt: string;
  endsAt: string;
}

export interface TalkClash {
  rule: TalkRule;
  /** For a sibling clash: the sibling's talks in the way (possibly in another talk day). */
  otherTalkIds: string[];
  /** Who accepted it, when and why: an override of this talk, or of the sibling's talk, for the times they are at now. */
  accepted: { by: { givenName: string; familyName: string }; at: string; reason: string } | null;
}

const overlaps = (a: TimeRange, b: TimeRange) =>
  wallClockMinutes(a.startsAt) < wallClockMinutes(b.endsAt) && wallClockMinutes(b.startsAt) < wallClockMinutes(a.endsAt);

/**
 * The school-wide facts about some pupils' families, loaded once: their siblings' talks in every
 * talk day of the school and their guardians' stated times in this event.
 */
export class SchoolTalkRules {
  private readonly talksByGuardian = new Map<string, TimedTalk[]>();
  private readonly guardiansByPupil = new Map<string, string[]>();
  private readonly unavailableByGuardian = new Map<string, TimeRange[]>();
  private readonly overrides = new Map<string, ReturnType<typeof talkQueries.getOverrides>>();
  /** Talks whose times have been changed in memory (a correction being checked). */
  private readonly moved = new Map<string, TimeRange>();

  constructor(
    private readonly db: AppDatabase,
    event: Pick<TalkEvent, "id" | "schoolId">,
    pupilIds: string[],
  ) {
    for (const g of talkQueries.getGuardiansOfPupils(db, pupilIds)) this.guardiansByPupil.set(g.pupilId, [...(this.guardiansByPupil.get(g.pupilId) ?? []), g.guardianId]);
    const guardianIds = [...new Set([...this.guardiansByPupil.values()].flat())];
    for (const row of talkQueries.getTalksOfGuardiansChildren(db, event.schoolId, guardianIds)) {
      const { guardianId, talkId, ...talk } = row;
      this.talksByGuardian.set(guardianId, [...(this.talksByGuardian.get(guardianId) ?? []), { id: talkId, ...talk }]);
    }
    for (const u of talkQueries.getEventUnavailability(db, event.id)) {
      this.unavailableByGuardian.set(u.guardianId, [...(this.unavailableByGuardian.get(u.guardianId) ?? []), { startsAt: u.startsAt, endsAt: u.endsAt }]);
    }
    const talkIds = [...this.talksByGuardian.values()].flat().map((t) => t.id);
    for (const row of talkQueries.getOverrides(db, talkIds)) this.overrides.set(row.override.talkId, [...(this.overrides.get(row.override.talkId) ?? []), row]);
  }

  guardiansOf(pupilId: string): string[] {
    return this.guardiansByPupil.get(pupilId) ?? [];
  }

  /** The times of the talks of a pupil's siblings (through the given guardians, all of the pupil's
   * by default) that `skip` does not keep out: a placement passes those it places itself. */
  siblingTalks(pupilId: string, options: { guardianIds?: string[]; skip?: (talk: TimedTalk) => boolean } = {}): TimedTalk[] {
    const seen = new Map<string, TimedTalk>();
    for (const guardianId of options.guardianIds ?? this.guardiansOf(pupilId)) {
      for (const talk of this.talksByGuardian.get(guardianId) ?? []) {
        if (talk.pupilId === pupilId || options.skip?.(talk)) continue;
        seen.set(talk.id, this.timed(talk));
      }
    }
    return [...seen.values()];
  }

  /** The guardians' stated times in this event (of the given guardians, all of the pupil's by default). */
  unavailable(pupilId: string, guardianIds: string[] = this.guardiansOf(pupilId)): TimeRange[] {
    return guardianIds.flatMap((g) => this.unavailableByGuardian.get(g) ?? []);
  }

  /** Checks a correction against its new times: later answers use them. */
  moveInMemory(talkId: string, time: TimeRange): void {
    this.moved.set(talkId, time);
  }

  /** What a talk at `time` would break (its own talk excluded), with what staff accepted for it. */
  clashes(talk: { id: string | null; pupilId: string }, time: TimeRange): TalkClash[] {
    const clashes: TalkClash[] = [];
    const siblings = this.siblingTalks(talk.pupilId).filter((other) => other.id !== talk.id && overlaps(other, time));
    if (siblings.length > 0) {
      const accepted = this.acceptance(talk.id, "sibling", time) ?? siblings.map((s) => this.acceptance(s.id, "sibling", s)).find((a) => a) ?? null;
      clashes.push({ rule: "sibling", otherTalkIds: siblings.map((s) => s.id), accepted });
    }
    if (this.unavailable(talk.pupilId).some((range) => overlaps(range, time))) {
      clashes.push({ rule: "unavailable", otherTalkIds: [], accepted: this.acceptance(talk.id, "unavailable", time) });
    }
    return clashes;
  }

  private timed(talk: TimedTalk): TimedTalk {
    const moved = this.moved.get(talk.id);
    return moved ? { ...talk, ...moved } : talk;
  }

  /** The override of this rule on this talk for exactly this time, if staff gave one. */
  private acceptance(talkId: string | null, rule: TalkRule, time: TimeRange): TalkClash["accepted"] {
    if (!talkId) return null;
    const found = (this.overrides.get(talkId) ?? []).filter((o) => o.override.rule === rule && o.override.startsAt === time.startsAt && o.override.endsAt === time.endsAt).at(-1);
    return found ? { by: { givenName: found.givenName, familyName: found.familyName }, at: found.override.createdAt.toISOString(), reason: found.override.reason } : null;
  }
}

/** Stores that staff break these rules for this talk at this time, with the reason (in the caller's transaction). */
export function recordOverrides(db: AppDatabase, talkId: string, rules: TalkRule[], time: TimeRange, reason: string, by: string, now: Date): void {
  for (const rule of new Set(rules)) talkQueries.insertOverride(db, { talkId, rule, startsAt: time.startsAt, endsAt: time.endsAt, reason, createdBy: by, createdAt: now });
}
