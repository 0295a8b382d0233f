import type { AppDatabase } from "../../db/client";
import type { AppContext } from "~/load-context";
import { accessFromRelations, canAdministerSchool, getPupilAccess, getRelationsToPupil } from "../../db/queries/access";
import { listAuditEvents, recordPlanAccess } from "../../db/queries/audit";
import { getAssessments, getPupilScale } from "../../db/queries/assessments";
import { getCommentRights, listThreads } from "../../db/queries/comments";
import { getPlan, getPlanRole, getPlanSections, getPupilSubjects } from "../../db/queries/plans";
import { getPupilConsent, getSignedInPerson, setSharesPlanWithGuardians, type SignedInPerson } from "../../db/queries/roster";
import { ageOn, stockholmToday } from "../../db/school-calendar";
import { terms } from "../../db/schema";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { roleColors } from "~/editor/plan-roles";
import { presenceKey } from "~/utils/presence.server";
import { checkVersion, getCurrentVersion, getSigningGuardians, listVersions } from "./plan-signing.server";

/** Everything the plan page shows, or null when the person may not see the plan. */
export function getPlanPage(db: AppDatabase, viewer: SignedInPerson, planId: string, today: string = stockholmToday()) {
  const plan = getPlan(db, planId);
  if (!plan) return null;
  const relations = getRelationsToPupil(db, viewer.id, plan.pupilId, today);
  const access = accessFromRelations(relations);
  const role = getPlanRole(relations);
  if (access === "none" || !role) return null;

  const pupil = getSignedInPerson(db, plan.pupilId)!;
  const term = db.select().from(terms).where(eq(terms.id, plan.termId)).get()!;
  const teachersBySubject = new Map(getPupilSubjects(db, plan.pupilId, plan.termId).map((s) => [s.id, s.teachers]));
  const saved = getAssessments(db, [plan.pupilId], plan.termId);
  const scale = getPupilScale(db, plan.pupilId);
  const sections = getPlanSections(db, plan.id).map((section) => {
    const assessment = section.subject ? saved.get(`${plan.pupilId}:${section.subject.id}`) : undefined;
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

  // Staff-only threads are left out here, in the query, for anyone who is not staff.
  const commentRights = getCommentRights(db, viewer.id, plan, today);
  const threads = listThreads(db, plan, commentRights, today).map((thread) => ({
    ...thread,
    createdAt: thread.createdAt.toISOString(),
    resolvedAt: thread.resolvedAt?.toISOString() ?? null,
    canResolve: thread.createdBy === viewer.id ? commentRights.canReply : commentRights.canResolveAny,
    comments: thread.comments.map((comment) => ({
      ...comment,
      createdAt: comment.createdAt.toISOString(),
      editedAt: comment.editedAt?.toISOString() ?? null,
      canEdit: comment.author.id === viewer.id && commentRights.canReply,
    })),
  }));

  // From 18 the pupil decides whether guardians read along; only the pupil sees the choice.
  const consent = getPupilConsent(db, plan.pupilId);
  const adult = consent?.dateOfBirth ? ageOn(consent.dateOfBirth, today) >= 18 : false;

  const isMentor = relations.includes("mentor");
  const version = getCurrentVersion(db, plan.id);
  const check = version ? checkVersion(db, version) : null;
  const signing = {
    canLock: isMentor && plan.status === "draft",
    guardians: isMentor && plan.status === "draft" ? getSigningGuardians(db, plan) : [],
    canUnlock: isMentor && plan.status !== "draft",
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
      .map((v) => ({ number: v.version, voidedAt: v.voidedAt?.toISOString() ?? null, reason: isMentor ? v.voidReason : null })),
  };

  return {
    plan: { id: plan.id, status: plan.status, pupilId: plan.pupilId, version: plan.version },
    signing,
    viewerId: viewer.id,
    viewer: { givenName: viewer.givenName, familyName: viewer.familyName },
    /** Pupil, mentor or guardian: someone at the talk, who may offer this device to other signers. */
    viewerIsInTalk: relations.some((r) => r === "self" || r === "mentor" || r === "guardian"),
    pupil: { givenName: pupil.givenName, familyName: pupil.familyName },
    term: { kind: term.kind, year: term.year },
    access,
    editable: access === "edit" && plan.status === "draft",
    sections,
    threads,
    commentRights: {
      startInSubjects: commentRights.startInSubjects,
      canReply: commentRights.canReply,
      canMarkStaffOnly: commentRights.canSeeStaffOnly,
    },
    guardianConsent: role === "pupil" && adult ? { shares: consent?.sharesPlanWithGuardians ?? false } : null,
    user: { key: presenceKey(viewer.id, plan.id), name: viewer.givenName, role, color: roleColors[role] },
  };
}

export type PlanPageData = NonNullable<ReturnType<typeof getPlanPage>>;
export type PlanThread = PlanPageData["threads"][number];

/** Whether the person is this pupil and old enough to decide about guardians' access. */
function canDecideGuardianAccess(db: AppDatabase, personId: string, pupilId: string, today: string = stockholmToday()): boolean {
  if (personId !== pupilId) return false;
  const consent = getPupilConsent(db, pupilId);
  return consent?.dateOfBirth ? ageOn(consent.dateOfBirth, today) >= 18 : false;
}

/** The plan page for this person, noted in the plan's access log; null when they may not see it. */
export function openPlanPage(db: AppDatabase, viewer: SignedInPerson, planId: string) {
  const page = getPlanPage(db, viewer, planId);
  if (page) recordPlanAccess(db, { planId: page.plan.id, actorId: viewer.id, version: page.plan.version, action: "view" });
  return page;
}

/**
 * A plan's log page: who opened, wrote in, locked, signed and downloaded it, and when. Everyone who
 * can read the plan may see who has accessed it; the school's admins see it too (without the plan).
 * Null for anyone else.
 */
export function getPlanLogPage(db: AppDatabase, viewer: SignedInPerson, planId: string) {
  const plan = getPlan(db, planId);
  if (!plan) return null;
  const pupil = getSignedInPerson(db, plan.pupilId)!;
  const mayRead = getPupilAccess(db, viewer.id, plan.pupilId) !== "none";
  if (!mayRead && !canAdministerSchool(db, viewer.id, pupil.schoolId)) return null;
  return {
    planId: plan.id,
    mayOpenPlan: mayRead,
    pupil: { givenName: pupil.givenName, familyName: pupil.familyName },
    events: listAuditEvents(db, plan.id).map((e) => ({ ...e, at: e.at.toISOString() })),
  };
}

/** The plan the page's forms act on, or null when this person has no access to it at all. */
export function getPlanForActions(db: AppDatabase, personId: string, planId: string) {
  const plan = getPlan(db, planId);
  return plan && getPupilAccess(db, personId, plan.pupilId) !== "none" ? plan : null;
}

const GuardianConsentSchema = z.object({
  intent: z.literal("guardian-consent"),
  shares: z.literal("on").optional(),
});

/**
 * The pupil's own choice, from 18, whether guardians read along. Guardians with the plan open
 * lose (or gain) their view at once. "notYours" when the choice is not this person's to make.
 */
export function performGuardianConsent(
  context: Pick<AppContext, "db" | "collaboration">,
  personId: string,
  pupilId: string,
  fields: Record<string, unknown>,
): { ok: true; intent: "guardian-consent" } | { ok: false; error: "validation" } | "notYours" {
  if (!canDecideGuardianAccess(context.db, personId, pupilId)) return "notYours";
  const parsed = GuardianConsentSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, error: "validation" };
  setSharesPlanWithGuardians(context.db, pupilId, parsed.data.shares === "on");
  context.collaboration.revalidatePupil(pupilId);
  return { ok: true, intent: "guardian-consent" };
}
