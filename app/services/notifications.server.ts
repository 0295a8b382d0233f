import type { AppDatabase } from "../../db/client";
import { getAnsweredTalkIds } from "../../db/queries/evaluations";
import {
  getAssessmentsChangedSince,
  getCommentsSince,
  getFamilyPupilIds,
  getMailRecipient,
  getNotificationState,
  getPlanReads,
  getSubjectNames,
  getThreadWriters,
  getVersionsAwaitingSignatures,
  markNewsSeen,
  recordPlanRead,
  setMailEnabled,
} from "../../db/queries/notifications";
import { getPlansOfPupils, subjectFragment } from "../../db/queries/plans";
import { getPeopleNames, getTalkDetails, getTalksOfPlans } from "../../db/queries/talks";
import { getRelatedPupilIds, type SignedInPerson } from "../../db/queries/roster";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { z } from "zod";
import { hearsOf } from "~/policies/notification.server";
import { findRelations, type PupilRelations } from "~/policies/relations.server";
import { canInSchool, maySeeIdentity } from "~/policies/school.server";
import { canOnSigning } from "~/policies/signing.server";
import { parseForm, type Result } from "~/utils/action-result.server";
import { mayAnswerFor } from "./evaluations.server";
import { getCallsForTeacher } from "./talk-live.server";

/**
 * What is new for one person: questions and comments in threads that are theirs, new assessments
 * in their own or their child's plan, signatures they owe, pupils calling them, evaluations they
 * may answer. Worked out from what happened, through the policies (app/policies/notification and
 * the signing, talk and evaluation policies), each time it is asked for: nothing is stored but
 * when the person last looked, so nobody is told of what they may not see — a staff-only thread
 * only reaches staff who may read it, another family's plan never comes into it.
 */

export type NewsKind = "question" | "comment" | "assessment" | "signature" | "call" | "evaluation";

export interface NewsItem {
  kind: NewsKind;
  /** Unique among the person's news (for lists). */
  key: string;
  /** When it happened (the newest of a group). */
  at: Date;
  /** Where it is, on this site. */
  path: string;
  /** Waits for the person to act (sign, answer): listed until done, not only while new. */
  todo: boolean;
  /** The pupil it is about; null when it is the person's own plan. `masked`: protected identity the person may not see. */
  pupil: { givenName: string; familyName: string; masked: boolean } | null;
  /** The pupil has protected identity (mail never names them). */
  pupilProtected: boolean;
  subject: { nameSv: string; nameEn: string } | null;
  /** How many (comments, questions) the item stands for. */
  count: number;
  /** Who wrote the newest comment of a group. */
  lastAuthor: { givenName: string; familyName: string } | null;
  /** What the mail tells of: a question for a teacher, a signature, a call. */
  mailWorthy: boolean;
}

/** How far back news reaches for someone who has never marked any as read. */
const LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;

export interface NewsOptions {
  now: Date;
  /** Nothing before this is news (when the person marked news as read, or was last mailed); a plan
   * the person has opened since counts from then. */
  floor: Date;
  /** Whether the person has a page of the app open (for calls told by mail). */
  onAPage?: boolean;
}

/** Everything new (and every to-do) for the person, to-dos first, then the newest first. */
export function collectNews(db: AppDatabase, person: Pick<SignedInPerson, "id" | "schoolId" | "isAdmin" | "isStaff">, options: NewsOptions): NewsItem[] {
  const relationsCache = new Map<string, PupilRelations>();
  const relationsOf = (pupilId: string) => {
    let relations = relationsCache.get(pupilId);
    if (!relations) {
      relations = findRelations(db, person.id, pupilId);
      relationsCache.set(pupilId, relations);
    }
    return relations;
  };
  // Each pupil's newest plan: the one in use (plans are per term; a new term starts a new one).
  const plansByPupil = new Map<string, ReturnType<typeof getPlansOfPupils>[number]>();
  for (const plan of getPlansOfPupils(db, getRelatedPupilIds(db, person.id))) plansByPupil.set(plan.pupilId, plan);
  const plans = new Map([...plansByPupil.values()].map((p) => [p.planId, p]));
  const planIds = [...plans.keys()];
  const reads = getPlanReads(db, person.id, planIds);
  const since = (planId: string) => new Date(Math.max(options.floor.getTime(), reads.get(planId)?.getTime() ?? 0));
  // Nothing before the floor is news; each plan then counts from when the person last opened it.
  const earliest = options.floor;

  const items: NewsItem[] = [];
  const pupilOf = (plan: { pupilId: string; givenName: string; familyName: string }) => {
    const relations = relationsOf(plan.pupilId);
    if (relations.personId === plan.pupilId) return null;
    const masked = !maySeeIdentity(relations);
    return { givenName: masked ? "" : plan.givenName, familyName: masked ? "" : plan.familyName, masked };
  };

  // Questions and comments, grouped per plan and subject.
  const comments = getCommentsSince(db, planIds, earliest, person.id).filter((c) => c.createdAt > since(c.planId));
  const writers = getThreadWriters(db, comments.map((c) => c.threadId));
  const groups = new Map<string, { kind: "question" | "comment"; planId: string; subjectId: string; count: number; at: Date; threadId: string; authorId: string }>();
  for (const c of comments) {
    const plan = plans.get(c.planId)!;
    const thread = { subjectId: c.subjectId, staffOnly: c.staffOnly, askedByPupil: c.threadCreatedBy === plan.pupilId, writers: writers.get(c.threadId) ?? new Set<string>() };
    const subject = { relations: relationsOf(plan.pupilId), plan, thread };
    const opensThread = c.authorId === c.threadCreatedBy && c.createdAt.getTime() === c.threadCreatedAt.getTime();
    const kind = opensThread && c.threadStatus === "open" && hearsOf(subject, "hearOfQuestion") ? "question" : hearsOf(subject, "hearOfComment") ? "comment" : null;
    if (!kind) continue;
    const key = `${kind}:${c.planId}:${c.subjectId}`;
    const group = groups.get(key) ?? { kind, planId: c.planId, subjectId: c.subjectId, count: 0, at: c.createdAt, threadId: c.threadId, authorId: c.authorId };
    group.count += 1;
    group.at = c.createdAt;
    group.threadId = c.threadId;
    group.authorId = c.authorId;
    groups.set(key, group);
  }
  // Assessments are news to the pupil and guardians who read along, whether or not anyone has
  // opened this term's plan yet (the link opens it).
  const assessmentPupils = getFamilyPupilIds(db, person.id).flatMap((pupilId) => {
    const relations = relationsOf(pupilId);
    const term = relations.pupilSchoolId ? getActiveTerm(db, relations.pupilSchoolId, stockholmToday(options.now)) : null;
    const plan = plansByPupil.get(pupilId);
    const current = plan && term && plan.termId === term.id ? plan : null;
    if (!term || !hearsOf({ relations, plan: current ?? { status: "draft" } }, "hearOfAssessment")) return [];
    const pupil = getPeopleNames(db, [pupilId])[0]!;
    return [{ pupilId, termId: term.id, plan: current, pupil }];
  });
  const assessments = getAssessmentsChangedSince(db, assessmentPupils, earliest, person.id)
    .map((a) => ({ ...a, target: assessmentPupils.find((p) => p.pupilId === a.pupilId && p.termId === a.termId)! }))
    .filter((a) => a.updatedAt > (a.target.plan ? since(a.target.plan.planId) : options.floor));
  const subjectNames = getSubjectNames(db, [...[...groups.values()].map((g) => g.subjectId), ...assessments.map((a) => a.subjectId)]);
  const authorNames = new Map(getPeopleNames(db, [...new Set([...groups.values()].map((g) => g.authorId))]).map((p) => [p.id, p]));

  for (const [key, group] of groups) {
    const plan = plans.get(group.planId)!;
    const author = authorNames.get(group.authorId);
    items.push({
      kind: group.kind,
      key,
      at: group.at,
      path: `/plans/${plan.planId}#thread-${group.threadId}`,
      todo: false,
      pupil: pupilOf(plan),
      pupilProtected: relationsOf(plan.pupilId).pupilProtected,
      subject: subjectNames.get(group.subjectId) ?? null,
      count: group.count,
      lastAuthor: author ? { givenName: author.givenName, familyName: author.familyName } : null,
      mailWorthy: group.kind === "question",
    });
  }
  for (const a of assessments) {
    items.push({
      kind: "assessment",
      key: `assessment:${a.pupilId}:${a.termId}:${a.subjectId}`,
      at: a.updatedAt,
      path: a.target.plan ? `/plans/${a.target.plan.planId}#section-${subjectFragment(a.subjectId)}` : `/pupils/${a.pupilId}/plan`,
      todo: false,
      pupil: pupilOf({ pupilId: a.pupilId, givenName: a.target.pupil.givenName, familyName: a.target.pupil.familyName }),
      pupilProtected: relationsOf(a.pupilId).pupilProtected,
      subject: subjectNames.get(a.subjectId) ?? null,
      count: 1,
      lastAuthor: null,
      mailWorthy: false,
    });
  }

  // Signatures owed: a locked version the person must sign and has not.
  for (const version of getVersionsAwaitingSignatures(db, planIds)) {
    const plan = plans.get(version.planId)!;
    const slot = version.required.find((r) => r.personId === person.id && !version.signedBy.has(r.personId));
    if (!slot || !canOnSigning(relationsOf(plan.pupilId), plan, "sign", slot.role)) continue;
    items.push({
      kind: "signature",
      key: `signature:${version.id}`,
      at: version.lockedAt,
      path: `/plans/${plan.planId}#signing`,
      todo: true,
      pupil: pupilOf(plan),
      pupilProtected: relationsOf(plan.pupilId).pupilProtected,
      subject: null,
      count: 1,
      lastAuthor: null,
      mailWorthy: version.lockedAt > since(plan.planId),
    });
  }

  // Evaluations the person may answer and has not: talks whose plan is signed.
  // Only signed plans can have an evaluation: the relations of the others are never looked up.
  const signedPlans = [...plans.values()]
    .filter((plan) => plan.status === "signed")
    .filter((plan) => mayAnswerFor(db, relationsOf(plan.pupilId), { id: plan.planId, status: plan.status }));
  const talks = getTalksOfPlans(db, signedPlans.map((p) => p.planId));
  const answered = getAnsweredTalkIds(db, person.id, talks.map((t) => t.id));
  for (const talk of talks.filter((t) => !answered.has(t.id))) {
    const plan = plans.get(talk.planId!)!;
    items.push({
      kind: "evaluation",
      key: `evaluation:${talk.id}`,
      at: options.now,
      path: `/talks/${talk.id}/evaluation`,
      todo: true,
      pupil: pupilOf(plan),
      pupilProtected: relationsOf(plan.pupilId).pupilProtected,
      subject: null,
      count: 1,
      lastAuthor: null,
      mailWorthy: false,
    });
  }

  // Pupils calling this teacher to their talk, not yet answered (the call policy: the subject's teachers).
  if (canInSchool({ person }, "receiveCalls")) {
    for (const call of getCallsForTeacher(db, person.id, options.now)) {
      const talk = getTalkDetails(db, call.talkId)?.talk;
      if (call.acknowledged || !talk?.planId || new Date(call.calledAt) <= since(talk.planId)) continue;
      const relations = relationsOf(talk.pupilId);
      const mailWorthy = hearsOf({ relations, plan: { status: "draft" }, onAPage: options.onAPage ?? true }, "mailCall");
      items.push({
        kind: "call",
        key: `call:${call.id}`,
        at: new Date(call.calledAt),
        path: `/talks/${call.talkId}`,
        todo: false,
        pupil: maySeeIdentity(relations) ? { ...call.pupil, masked: false } : { givenName: "", familyName: "", masked: true },
        pupilProtected: relations.pupilProtected,
        subject: { nameSv: call.subject.nameSv, nameEn: call.subject.nameEn },
        count: 1,
        lastAuthor: null,
        mailWorthy,
      });
    }
  }

  return items.sort((a, b) => Number(b.todo) - Number(a.todo) || b.at.getTime() - a.at.getTime());
}

/** The home page's "Nytt för dig": to-dos, and what is new since the person last looked (marked as read, or opened the plan). */
export function getHomeNews(db: AppDatabase, person: SignedInPerson, now = new Date()) {
  const state = getNotificationState(db, person.id);
  const floor = new Date(Math.max(state.seenAt?.getTime() ?? 0, now.getTime() - LOOKBACK_MS));
  const news = collectNews(db, person, { now, floor });
  const latest = news.filter((item) => !item.todo).reduce((max, item) => Math.max(max, item.at.getTime()), 0);
  return {
    items: news.map(({ mailWorthy: _mailWorthy, pupilProtected: _protected, at, ...item }) => ({ ...item, at: at.toISOString() })),
    /** What "Markera som lästa" marks: up to the newest item shown (anything newer stays new). */
    seenUpTo: latest > 0 ? new Date(latest).toISOString() : null,
    mailEnabled: state.mailEnabled,
  };
}

export type HomeNews = ReturnType<typeof getHomeNews>;

const NewsSeenSchema = z.object({ intent: z.literal("news-seen"), upTo: z.string().datetime() });

/** "Markera som lästa": news up to the newest item the page showed is no longer new. */
export function performNewsSeen(db: AppDatabase, person: Pick<SignedInPerson, "id">, form: FormData, now = new Date()): Result<{ intent: "news-seen" }> {
  const parsed = parseForm(form, NewsSeenSchema);
  if (!parsed.ok) return parsed;
  const upTo = new Date(Math.min(Date.parse(parsed.value.upTo), now.getTime()));
  markNewsSeen(db, person.id, upTo);
  return { ok: true, intent: "news-seen" };
}

/** The person has the plan in front of them (its page or its talk view): its news so far is seen. */
export function markPlanRead(db: AppDatabase, gate: { person: { id: string }; plan: { id: string } }, now = new Date()): void {
  recordPlanRead(db, gate.person.id, gate.plan.id, now);
}

/** The person's own notification settings (the settings page). */
export function getNotificationSettings(db: AppDatabase, person: Pick<SignedInPerson, "id">, windowMinutes: number) {
  return { mailEnabled: getNotificationState(db, person.id).mailEnabled, hasAddress: Boolean(getMailRecipient(db, person.id)?.email), windowMinutes };
}

const MailSettingSchema = z.object({ intent: z.literal("mail"), mail: z.literal("on").optional() });

/** Turns the person's notification mail on or off (their own setting, nobody else's). */
export function performMailSetting(db: AppDatabase, person: Pick<SignedInPerson, "id">, form: FormData, now = new Date()): Result<{ intent: "mail"; mailEnabled: boolean }> {
  const parsed = parseForm(form, MailSettingSchema);
  if (!parsed.ok) return parsed;
  const enabled = parsed.value.mail === "on";
  setMailEnabled(db, person.id, enabled, now);
  return { ok: true, intent: "mail", mailEnabled: enabled };
}
