import { yXmlFragmentToProsemirrorJSON } from "@tiptap/y-tiptap";
import { findRelations, roleOf } from "~/policies/relations.server";
import canonicalize from "canonicalize";
import { eq } from "drizzle-orm";
import type * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { getAssessments, getPupilScale } from "../../db/queries/assessments";
import { listThreads } from "../../db/queries/comments";
import { getPlanSections } from "../../db/queries/plans";
import { getPupilClass, getPupilMentors } from "../../db/queries/roster";
import { getAnsweringTeachers, getGuestsWhoOpened, getPeopleNames, getRepliesOfTalks, getTalkDetails, getTalksOfPlan } from "../../db/queries/talks";
import { stockholmLocalTime } from "../../db/school-calendar";
import { people, schools, terms, type Plan } from "../../db/schema";
import sv from "~/locales/sv/common";
import { sha256Hex } from "./signing-key.server";

/**
 * The record of a locked plan: what the signers saw, as data. Built from the live document and
 * SQL in one synchronous step, serialised with RFC 8785 (keys sorted, no whitespace) so the same
 * content always gives the same bytes and the same SHA-256, whoever typed what when.
 * Staff-only threads are left out: the pupil and guardians sign only what they could read.
 *
 * Formats: @1 (the first) holds the school, pupil, term, lock, and the sections; @2 adds the talk
 * (date, time, place), the pupil's class and mentors, and who took part in the talk with their
 * roles. A stored record is never rewritten: records of both formats stay as they were hashed and
 * signed, and every reader (the PDF, /verify) takes either.
 */

export const PLAN_RECORD_FORMAT_V1 = "elevledd-iup/plan-record@1";
export const PLAN_RECORD_FORMAT = "elevledd-iup/plan-record@2";

import type { RecordNode } from "~/utils/record-text";

export type { RecordNode };

/** A role in the talk, as the record names it. */
export type ParticipantRole = "pupil" | "guardian" | "mentor" | "teacher" | "interpreter";

/** Format 2's additions. */
export interface PlanRecordTalkFields {
  /** The talk the plan was locked after (Stockholm date and times), or null when it had none. */
  talk: { date: string; from: string; to: string; place: string } | null;
  /** The pupil's class, e.g. "8A". */
  className: string | null;
  mentors: string[];
  /** Who took part, with their role; `detail` is how a guardian took part, or an interpreter's language. */
  participants: Array<{ name: string; role: ParticipantRole; detail: string | null }>;
}

export type PlanRecord = PlanRecordV1 | PlanRecordV2;
export type PlanRecordV2 = Omit<PlanRecordV1, "format"> & PlanRecordTalkFields & { format: typeof PLAN_RECORD_FORMAT };

export interface PlanRecordV1 {
  format: typeof PLAN_RECORD_FORMAT_V1;
  plan: { id: string; version: number };
  school: string;
  pupil: { id: string; name: string };
  term: { kind: "HT" | "VT"; year: number };
  locked: { at: string; by: { id: string; name: string } };
  sections: Array<{
    kind: string;
    title: string;
    subjectCode: string | null;
    text: RecordNode[];
    assessment: { scale: "grades" | "knowledge"; level: string | null; written: string; by: string; at: string } | null;
    threads: Array<{
      /** assessment, a passage of the text, or (a pupil's question) her whole reflection. */
      about: "assessment" | "text" | "reflection";
      quote: string | null;
      status: "open" | "resolved";
      comments: Array<{ author: string; role: string | null; at: string; body: string }>;
    }>;
  }>;
}

const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

/** Whether a record has format 2's talk, class, mentors and participants. */
export function hasTalkFields(record: PlanRecord): record is PlanRecordV2 {
  return record.format === PLAN_RECORD_FORMAT;
}

/** How a guardian took part, in the words the record keeps (Swedish, the school's language). */
export const recordedAttendance = { room: "på plats", remote: "på distans", phone: "per telefon" } as const;

/**
 * The talk a plan is locked after, and who took part: the pupil; the guardians who answered how they
 * join or were chosen to sign; the mentor who locks; teachers who answered a call; interpreters who
 * opened the talk. Only guardians who read the plan along are named.
 */
function talkFields(db: AppDatabase, plan: Plan, lockedBy: string, lockedAt: Date, signingGuardianIds: string[]): PlanRecordTalkFields {
  const lockedLocal = stockholmLocalTime(lockedAt);
  const talks = getTalksOfPlan(db, plan.id);
  const talk = talks.filter((t) => t.startsAt <= lockedLocal).at(-1) ?? talks[0] ?? null;
  const details = talk ? getTalkDetails(db, talk.id) : null;
  const pupil = db.select().from(people).where(eq(people.id, plan.pupilId)).get()!;
  const participants: PlanRecordTalkFields["participants"] = [{ name: nameOf(pupil), role: "pupil", detail: null }];
  const replies = talk ? getRepliesOfTalks(db, [talk.id]).map((r) => ({ ...r.reply, givenName: r.givenName, familyName: r.familyName })) : [];
  const guardianIds = new Set([...replies.filter((r) => r.attendance).map((r) => r.guardianId), ...signingGuardianIds]);
  for (const guardian of getPeopleNames(db, [...guardianIds])) {
    if (!findRelations(db, guardian.id, plan.pupilId).guardian) continue;
    const attendance = replies.find((r) => r.guardianId === guardian.id)?.attendance;
    participants.push({ name: nameOf(guardian), role: "guardian", detail: attendance ? recordedAttendance[attendance] : null });
  }
  const locker = db.select().from(people).where(eq(people.id, lockedBy)).get()!;
  participants.push({ name: nameOf(locker), role: "mentor", detail: null });
  if (talk) {
    for (const teacher of getAnsweringTeachers(db, talk.id)) if (teacher.id !== lockedBy) participants.push({ name: nameOf(teacher), role: "teacher", detail: null });
    for (const guest of getGuestsWhoOpened(db, talk.id)) participants.push({ name: guest.name, role: "interpreter", detail: guest.language });
  }
  return {
    talk: talk && details ? { date: talk.startsAt.slice(0, 10), from: talk.startsAt.slice(11), to: talk.endsAt.slice(11), place: details.place } : null,
    className: getPupilClass(db, plan.pupilId)?.name ?? null,
    mentors: getPupilMentors(db, plan.pupilId).map(nameOf),
    participants,
  };
}

export function buildPlanRecord(db: AppDatabase, plan: Plan, doc: Y.Doc, lockedBy: string, lockedAt: Date, signingGuardianIds: string[] = []): PlanRecordV2 {
  const pupil = db.select().from(people).where(eq(people.id, plan.pupilId)).get()!;
  const school = db.select({ name: schools.name }).from(schools).where(eq(schools.id, pupil.schoolId)).get()!;
  const term = db.select().from(terms).where(eq(terms.id, plan.termId)).get()!;
  const locker = db.select().from(people).where(eq(people.id, lockedBy)).get()!;
  const scale = getPupilScale(db, plan.pupilId);
  const assessments = getAssessments(db, [plan.pupilId], plan.termId);
  // The record holds what the family may read: never a staff-only thread.
  const threads = listThreads(db, plan, { includeStaffOnly: false });
  const roleOfAuthor = (authorId: string) => roleOf(findRelations(db, authorId, plan.pupilId));

  return {
    format: PLAN_RECORD_FORMAT,
    plan: { id: plan.id, version: plan.version },
    school: school.name,
    pupil: { id: pupil.id, name: nameOf(pupil) },
    term: { kind: term.kind, year: term.year },
    locked: { at: lockedAt.toISOString(), by: { id: locker.id, name: nameOf(locker) } },
    ...talkFields(db, plan, lockedBy, lockedAt, signingGuardianIds),
    sections: getPlanSections(db, plan.id).map((section) => {
      const saved = section.subject ? assessments.get(`${plan.pupilId}:${section.subject.id}`) : undefined;
      const step = saved?.level ? scale?.steps.find((s) => s.key === saved.level) : undefined;
      const json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(section.fragment)) as { content?: RecordNode[] };
      return {
        kind: section.kind,
        title: section.subject ? section.subject.nameSv : sv.plan.sections[section.kind as Exclude<typeof section.kind, "subject">],
        subjectCode: section.subject?.code ?? null,
        text: json.content ?? [],
        assessment: saved
          ? { scale: scale?.kind ?? "grades", level: step ? step.sv : null, written: saved.written, by: nameOf(saved.updatedBy), at: saved.updatedAt.toISOString() }
          : null,
        threads: threads
          .filter((thread) => thread.subjectId === section.subject?.id)
          .map((thread) => ({
            about: thread.anchorKind,
            quote: thread.quote,
            status: thread.status,
            comments: thread.comments.map((c) => ({ author: nameOf(c.author), role: roleOfAuthor(c.author.id), at: c.createdAt.toISOString(), body: c.body })),
          })),
      };
    }),
  };
}

/** The exact bytes that are hashed and stored: RFC 8785 canonical JSON. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value cannot be canonicalised");
  return text;
}

export function hashRecord(canonical: string): string {
  return sha256Hex(canonical);
}

