import type { AppLoadContext } from "@remix-run/node";
import { recordPlanAccess } from "../../db/queries/audit";
import { getPlan } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import type { Plan } from "../../db/schema";
import { notFound, requirePerson } from "~/utils/auth.server";
import { findRelations, isPartOfPlan, roleOf, worksWithPupil, type PupilRelations, type Role } from "./relations.server";
import type { RuleTable } from "./rule";

/**
 * The plan policy: who may read a pupil's plan, write in it, see its log, and decide who else
 * reads it. Comments and assessments are in ./assessment.server.ts, locking, signing and
 * exporting in ./signing.server.ts.
 */

export interface PlanSubject {
  relations: PupilRelations;
  plan: Pick<Plan, "status">;
}

export const planRules = {
  read: {
    who: "the pupil; their mentors; their teachers this term; guardians (from 18 only if the pupil shares)",
    allow: ({ relations }) => isPartOfPlan(relations),
  },
  write: {
    who: "the pupil and their mentors, while the plan is a draft",
    allow: ({ relations, plan }) => (relations.self || relations.mentor) && plan.status === "draft",
  },
  readLog: {
    who: "everyone who may read the plan; the school's admins (the log, not the plan)",
    allow: ({ relations }) => isPartOfPlan(relations) || relations.schoolAdmin,
  },
  decideGuardianAccess: {
    who: "the pupil, from 18",
    allow: ({ relations }) => relations.self && relations.pupilIsAdult,
  },
  hearStaffEvents: {
    who: "the pupil's mentors and teachers (news of staff-only threads)",
    allow: ({ relations }) => worksWithPupil(relations),
  },
  seeGuardians: {
    who: "the pupil and staff who work with them (a guardian is not shown the other household)",
    allow: ({ relations }) => relations.self || worksWithPupil(relations),
  },
  seeProtectionMarking: {
    who: "staff who work with the pupil (to take care with what they share)",
    allow: ({ relations }) => worksWithPupil(relations),
  },
} satisfies RuleTable<PlanSubject>;

export type PlanAction = keyof typeof planRules;

export function canOnPlan(relations: PupilRelations, plan: Pick<Plan, "status">, action: PlanAction): boolean {
  return planRules[action].allow({ relations, plan });
}

/** The audiences of the plan's events this reader hears (staff news only for staff). */
export function planEventAudiences(relations: PupilRelations, plan: Pick<Plan, "status">): Array<"everyone" | "staff"> {
  return canOnPlan(relations, plan, "hearStaffEvents") ? ["everyone", "staff"] : ["everyone"];
}

/** What the plan page needs to know about its reader. */
export function planAbilities(relations: PupilRelations, plan: Pick<Plan, "status">) {
  const abilities = Object.fromEntries(Object.keys(planRules).map((action) => [action, canOnPlan(relations, plan, action as PlanAction)])) as Record<PlanAction, boolean>;
  return { ...abilities, role: roleOf(relations) };
}

/** The access a reader has, as the plan list and the API name it. */
export function planAccessLevel(relations: PupilRelations, plan: Pick<Plan, "status">): "edit" | "comment" | "read" | "none" {
  if (!canOnPlan(relations, plan, "read")) return "none";
  if (relations.self || relations.mentor) return "edit";
  if (worksWithPupil(relations)) return "comment";
  return "read";
}

/**
 * A connection's rights on the plan's live document (/collab): whether it may join at all, and
 * whether what it sends is taken; the role shown on its caret.
 */
export function liveDocumentRights(relations: PupilRelations, plan: Pick<Plan, "status">) {
  return { join: canOnPlan(relations, plan, "read"), write: canOnPlan(relations, plan, "write"), role: roleOf(relations) };
}

export interface PlanGate {
  person: SignedInPerson;
  plan: Plan;
  relations: PupilRelations;
  role: Role | null;
}

/**
 * The signed-in person and the plan, when the plan policy lets them `action` it; otherwise a 404
 * that says nothing, not even whether the plan exists. Reading is recorded in the plan's log here,
 * so no page can forget it (repeats within minutes count once).
 */
export async function requirePlan(
  request: Request,
  context: AppLoadContext,
  planId: string,
  action: PlanAction,
  options: { recordView?: boolean } = {},
): Promise<PlanGate> {
  const person = await requirePerson(request, context);
  // A page (or its data) being read is a view; a form posted to it is logged as what it does.
  return requirePlanFor(context, person, planId, action, { recordView: options.recordView ?? request.method === "GET" });
}

/** requirePlan for a person already signed in (a page that shows the plan inside another, such as the talk view). */
export function requirePlanFor(
  context: Pick<AppLoadContext, "db">,
  person: SignedInPerson,
  planId: string,
  action: PlanAction,
  options: { recordView: boolean },
): PlanGate {
  const plan = getPlan(context.db, planId);
  if (!plan) throw notFound();
  const relations = findRelations(context.db, person.id, plan.pupilId);
  if (!canOnPlan(relations, plan, action)) throw notFound();
  if (action === "read" && options.recordView) recordPlanAccess(context.db, { planId: plan.id, actorId: person.id, version: plan.version, action: "view" });
  return { person, plan, relations, role: roleOf(relations) };
}

export interface PupilGate {
  person: SignedInPerson;
  relations: PupilRelations;
}

/**
 * The signed-in person and their relations to a pupil, when they may read the pupil's plan (and
 * so the pupil's page); otherwise a 404 that says nothing, not even whether the pupil exists.
 */
export async function requirePupil(request: Request, context: AppLoadContext, pupilId: string): Promise<PupilGate> {
  const person = await requirePerson(request, context);
  const relations = findRelations(context.db, person.id, pupilId);
  // The pupil's page reads like the plan: the same people, whatever the plan's state.
  if (!canOnPlan(relations, { status: "draft" }, "read")) throw notFound();
  return { person, relations };
}
