import type { AppDatabase } from "../../db/client";
import type { AppContext } from "~/load-context";
import { listAuditEvents } from "../../db/queries/audit";
import { getPupilAssessments, getPupilScale } from "../../db/queries/assessments";
import { listThreads } from "../../db/queries/comments";
import { getOrCreatePlan, getPlanSections, getPlansOfPupils, getPupilSubjects } from "../../db/queries/plans";
import { getPupilConsent, getRelatedPupilIds, getSignedInPerson, setSharesPlanWithGuardians, type SignedInPerson } from "../../db/queries/roster";
import { getActiveTerm, getTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { z } from "zod";
import { roleColors, type PresenceUser } from "~/shared/collab-protocol";
import type { Plan } from "../../db/schema";
import { commentAbilities, canComment } from "~/policies/assessment.server";
import { canOnPlan, planAccessLevel, type PlanGate } from "~/policies/plan.server";
import { findRelations, isFamily, isPartOfPlan, roleOf } from "~/policies/relations.server";
import { maySeeIdentity } from "~/policies/school.server";
import { canOnSigning } from "~/policies/signing.server";
import { parseForm, type Result } from "~/utils/action-result.server";
import { deviceKey, presenceKey } from "~/utils/presence.server";
import { deviceCopyName } from "~/shared/device-copy";
import { checkVersion, getCurrentVersion, getSigningGuardians, listVersions } from "./plan-signing.server";

/** The plan's sections with the teachers of each subject and its assessment, as every reader sees them. */
function planSectionsWithAssessments(db: AppDatabase, plan: Plan) {
  const teachersBySubject = new Map(getPupilSubjects(db, plan.pupilId, plan.termId).map((s) => [s.id, s.teachers]));
  const saved = getPupilAssessments(db, plan.pupilId, plan.termId);
  const scale = getPupilScale(db, plan.pupilId);
  return getPlanSections(db, plan.id).map((section) => {
    const assessment = section.subject ? saved.get(section.subject.id) : undefined;
    const step = assessment?.level ? scale?.steps.find((s) => s.key === assessment.level) : undefined;
    return {
      ...section,
      teachers: section.subject ? (teachersBySubject.get(section.subject.id) ?? []) : [],
      assessment: assessment
        ? {
            level: step ? { key: step.key, sv: step.sv, en: step.en } : null,
            scaleKind: scale?.kind ?? "grades",
            written: assessment.written,
            updatedAt: assessment.updatedAt.toISOString(),
            updatedBy: assessment.updatedBy,
          }
        : null,
    };
  });
}

/** Everything the plan page shows, for a reader the plan policy has let in (requirePlan). */
export function getPlanPage(db: AppDatabase, gate: PlanGate) {
  const { person: viewer, plan, relations, role } = gate;
  const pupil = getSignedInPerson(db, plan.pupilId)!;
  const term = getTerm(db, plan.termId)!;
  const sections = planSectionsWithAssessments(db, plan);

  // Staff-only threads are left out here, in the query, for anyone who is not staff.
  const comments = commentAbilities(
    relations,
    plan,
    sections.flatMap((s) => (s.subject && s.teachers.length > 0 ? [s.subject.id] : [])),
  );
  const threads = pageThreads(db, plan, {
    includeStaffOnly: comments.canSeeStaffOnly,
    canResolve: (createdBy) => canComment({ relations, plan, authorId: createdBy }, "resolve"),
    canEdit: (authorId) => canComment({ relations, plan, authorId }, "editComment"),
  });

  const consent = canOnPlan(relations, plan, "decideGuardianAccess") ? getPupilConsent(db, plan.pupilId) : null;
  const mayLock = canOnSigning(relations, plan, "lock");
  const version = getCurrentVersion(db, plan.id);
  const check = version ? checkVersion(db, version) : null;
  const signing = {
    canLock: mayLock && plan.status === "draft",
    guardians: mayLock && plan.status === "draft" ? getSigningGuardians(db, plan) : [],
    canUnlock: canOnSigning(relations, plan, "unlock") && plan.status !== "draft",
    version: version
      ? {
          number: version.version,
          status: version.status,
          lockedAt: version.lockedAt.toISOString(),
          contentHash: version.contentHash,
          verificationCode: version.verificationCode,
          valid: check!.valid,
        }
      : null,
    signed: (check?.signatures ?? []).map((s) => ({ personId: s.signerId, name: s.name, role: s.role, signedAt: s.signedAt, method: s.method })),
    missing: check?.missing ?? [],
    voided: listVersions(db, plan.id)
      .filter((v) => v.status === "voided")
      .map((v) => ({ number: v.version, voidedAt: v.voidedAt?.toISOString() ?? null, reason: canOnSigning(relations, plan, "readVoidReason") ? v.voidReason : null })),
  };

  // The gate required reading, so the level is one of the three.
  const access = planAccessLevel(relations, plan) as "edit" | "comment" | "read";
  return {
    plan: { id: plan.id, status: plan.status, pupilId: plan.pupilId, version: plan.version },
    signing,
    viewerId: viewer.id,
    viewer: { givenName: viewer.givenName, familyName: viewer.familyName },
    /** Someone at the talk, who may offer this device to the other signers. */
    viewerIsInTalk: canOnSigning(relations, plan, "hostSharedSigning"),
    pupil: { givenName: pupil.givenName, familyName: pupil.familyName },
    term: { kind: term.kind, year: term.year },
    access,
    editable: canOnPlan(relations, plan, "write"),
    sections,
    threads,
    commentRights: {
      startInSubjects: comments.startInSubjects,
      askInSubjects: comments.askInSubjects,
      /** Who a question in each subject goes to (its teachers this term). */
      askTeachers: Object.fromEntries(
        sections.flatMap((s) => (s.subject && comments.askInSubjects.includes(s.subject.id) ? [[s.subject.id, s.teachers.map((t) => `${t.givenName} ${t.familyName}`)]] : [])),
      ) as Record<string, string[]>,
      canReply: comments.canReply,
      canMarkStaffOnly: comments.canSeeStaffOnly,
    },
    guardianConsent: consent ? { shares: consent.sharesPlanWithGuardians } : null,
    user: { key: presenceKey(viewer.id, plan.id), name: viewer.givenName, role: role!, color: roleColors[role!] },
    /** What this browser keeps of the plan: edits of a writer, for offline drafting; deleted when there is nothing to write. */
    deviceCopy: { name: deviceCopyName(deviceKey(viewer.id), plan.id), keep: canOnPlan(relations, plan, "write") },
  };
}

export type PlanPageData = ReturnType<typeof getPlanPage>;

/**
 * The plan as a guest of one of its talks reads it (an interpreter, let in by the guest policy):
 * what the family reads — the text, the assessments and the threads that are not staff-only —
 * with no right to write, comment or sign. `user` is how the guest appears to the others.
 */
export function getGuestPlanBody(db: AppDatabase, plan: Plan, user: PresenceUser & { key: string }) {
  const threads = pageThreads(db, plan, { includeStaffOnly: false, canResolve: () => false, canEdit: () => false });
  return {
    plan: { id: plan.id, status: plan.status, pupilId: plan.pupilId, version: plan.version },
    sections: planSectionsWithAssessments(db, plan),
    editable: false,
    user,
    // Nothing of the plan is kept on a guest's device.
    deviceCopy: null,
    threads,
    commentRights: { startInSubjects: [] as string[], askInSubjects: [] as string[], askTeachers: {} as Record<string, string[]>, canReply: false, canMarkStaffOnly: false },
  };
}
export type PlanThread = PlanPageData["threads"][number];

/**
 * The plan's threads as a page shows them: dates as text, each comment with its author's role in
 * this pupil's plan today, and what the reader may do with each (decided by the caller's policy).
 */
function pageThreads(
  db: AppDatabase,
  plan: Plan,
  reader: { includeStaffOnly: boolean; canResolve: (createdBy: string) => boolean; canEdit: (authorId: string) => boolean },
) {
  const roles = new Map<string, ReturnType<typeof authorRole>>();
  const roleOfAuthor = (authorId: string) => {
    if (!roles.has(authorId)) roles.set(authorId, authorRole(db, authorId, plan.pupilId));
    return roles.get(authorId)!;
  };
  return listThreads(db, plan, { includeStaffOnly: reader.includeStaffOnly }).map((thread) => ({
    ...thread,
    createdAt: thread.createdAt.toISOString(),
    resolvedAt: thread.resolvedAt?.toISOString() ?? null,
    canResolve: reader.canResolve(thread.createdBy),
    /** Started by the pupil: a question for the subject's teachers. */
    askedByPupil: thread.createdBy === plan.pupilId,
    comments: thread.comments.map((comment) => ({
      ...comment,
      author: { ...comment.author, role: roleOfAuthor(comment.author.id) },
      createdAt: comment.createdAt.toISOString(),
      editedAt: comment.editedAt?.toISOString() ?? null,
      canEdit: reader.canEdit(comment.author.id),
    })),
  }));
}

/** A comment author's role in this pupil's plan today (shown beside their name). */
function authorRole(db: AppDatabase, authorId: string, pupilId: string) {
  return roleOf(findRelations(db, authorId, pupilId));
}

/**
 * A plan's log page: who opened, wrote in, locked, signed and downloaded it, and when, for a reader
 * the plan policy let in with "readLog". An admin who does not work with a protected family sees
 * its members masked; a guardian sees another guardian (perhaps of another household) by role
 * only, as the plan policy's seeGuardians rule says.
 */
export function getPlanLogPage(db: AppDatabase, gate: PlanGate) {
  const { plan, relations } = gate;
  const pupil = getSignedInPerson(db, plan.pupilId)!;
  const identified = maySeeIdentity(relations);
  const seesGuardians = canOnPlan(relations, plan, "seeGuardians");
  const actorRelations = new Map<string, ReturnType<typeof findRelations>>();
  const relationsOf = (actorId: string) => {
    if (!actorRelations.has(actorId)) actorRelations.set(actorId, findRelations(db, actorId, plan.pupilId));
    return actorRelations.get(actorId)!;
  };
  return {
    planId: plan.id,
    mayOpenPlan: canOnPlan(relations, plan, "read"),
    pupil: identified ? { givenName: pupil.givenName, familyName: pupil.familyName } : { givenName: "", familyName: "" },
    masked: !identified,
    events: listAuditEvents(db, plan.id).map((e) => {
      const base = { id: e.id, action: e.action, version: e.version, at: e.at.toISOString() };
      // A guest of a talk (an interpreter) is named as staff entered them, with what they came as.
      if (e.guest) return { ...base, guest: { name: e.guest.name, kind: e.guest.kind }, person: null, masked: false, otherGuardian: false };
      // The family's own names are what protection hides; staff stay named.
      const family = !identified && e.actorId !== null && isFamily(relationsOf(e.actorId));
      const otherGuardian = !family && !seesGuardians && e.actorId !== null && e.actorId !== gate.person.id && relationsOf(e.actorId).guardian;
      const person = family || otherGuardian ? null : { givenName: e.givenName ?? "", familyName: e.familyName ?? "" };
      return { ...base, guest: null, person, masked: family, otherGuardian };
    }),
  };
}

const GuardianConsentSchema = z.object({
  intent: z.literal("guardian-consent"),
  shares: z.literal("on").optional(),
});

/**
 * The pupil's own choice, from 18, whether guardians read along. Guardians with the plan open
 * lose (or gain) their view at once.
 */
export function performGuardianConsent(context: Pick<AppContext, "db" | "accessEvents">, gate: PlanGate, form: FormData): Result<{ intent: "guardian-consent" }> {
  if (!canOnPlan(gate.relations, gate.plan, "decideGuardianAccess")) return { ok: false, error: "notFound" };
  const parsed = parseForm(form, GuardianConsentSchema);
  if (!parsed.ok) return parsed;
  setSharesPlanWithGuardians(context.db, gate.plan.pupilId, parsed.value.shares === "on");
  context.accessEvents.publish(gate.plan.pupilId, "changed");
  return { ok: true, intent: "guardian-consent" };
}

/**
 * The plans a person can open: this term's plan of every pupil the plan policy lets them read
 * (made from the template if nobody has opened it yet) and those pupils' earlier plans.
 */
export function listPlansForPerson(db: AppDatabase, person: SignedInPerson, today: string = stockholmToday()) {
  const term = getActiveTerm(db, person.schoolId, today);
  const readable = getRelatedPupilIds(db, person.id)
    .map((pupilId) => findRelations(db, person.id, pupilId, today))
    .filter((relations) => isPartOfPlan(relations));
  if (term) for (const relations of readable) getOrCreatePlan(db, relations.pupilId, term.id);
  const relationsByPupil = new Map(readable.map((r) => [r.pupilId, r]));
  return getPlansOfPupils(db, [...relationsByPupil.keys()]).map((p) => ({
    planId: p.planId,
    pupil: { id: p.pupilId, givenName: p.givenName, familyName: p.familyName },
    term: { id: p.termId, kind: p.kind, year: p.year },
    access: planAccessLevel(relationsByPupil.get(p.pupilId)!, p),
    status: p.status,
  }));
}
