import type { Plan } from "../../db/schema";
import { isPartOfPlan, type PupilRelations } from "./relations.server";
import type { RuleTable } from "./rule";

/**
 * Locking, signing, unlocking and exporting a plan. Who must sign a version is fixed when it is
 * locked (the pupil, the guardians the mentor chose, the mentor); a signer must still hold that
 * relation when they sign.
 */

export type SignerRole = "pupil" | "guardian" | "mentor";

export interface SigningSubject {
  relations: PupilRelations;
  plan: Pick<Plan, "status">;
  /** The slot a signer fills in the locked version, when signing. */
  slot?: SignerRole;
}

export const signingRules = {
  lock: {
    who: "the pupil's mentors (a draft; the guardians who sign are chosen then)",
    allow: ({ relations }) => relations.mentor,
  },
  unlock: {
    who: "the pupil's mentors (a locked or signed plan, with a reason; that version is voided)",
    allow: ({ relations }) => relations.mentor,
  },
  sign: {
    who: "each required signer of the locked version, while they still hold that relation to the pupil",
    allow: ({ relations, plan, slot }) =>
      plan.status === "locked" &&
      ((slot === "pupil" && relations.self) || (slot === "guardian" && relations.guardian) || (slot === "mentor" && relations.mentor)),
  },
  hostSharedSigning: {
    who: "the pupil, their mentors and guardians who read along (others sign on this device with their own password)",
    allow: ({ relations }) => relations.self || relations.mentor || relations.guardian,
  },
  beSigningGuardian: {
    who: "a guardian who reads along (chosen by the mentor at the lock)",
    allow: ({ relations }) => relations.guardian,
  },
  export: {
    who: "everyone who may read the plan, once a version is locked",
    allow: ({ relations }) => isPartOfPlan(relations),
  },
  readVoidReason: {
    who: "the pupil's mentors",
    allow: ({ relations }) => relations.mentor,
  },
} satisfies RuleTable<SigningSubject>;

export type SigningAction = keyof typeof signingRules;

export function canOnSigning(relations: PupilRelations, plan: Pick<Plan, "status">, action: SigningAction, slot?: SignerRole): boolean {
  return signingRules[action].allow({ relations, plan, slot });
}
