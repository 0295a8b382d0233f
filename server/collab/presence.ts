import { createHash } from "node:crypto";

export type PlanRole = "pupil" | "mentor" | "teacher" | "guardian";

/** One colour per role, dark enough for white caret labels (WCAG AA contrast). */
export const roleColors: Record<PlanRole, string> = {
  pupil: "#1f5fa8",
  mentor: "#2f6b2f",
  teacher: "#9a4a00",
  guardian: "#7a3b8f",
};

/** A key that tells two tabs of one person apart from two people, without revealing the id. */
export function presenceKey(personId: string, planId: string): string {
  return createHash("sha256").update(`${planId}:${personId}`).digest("base64url").slice(0, 12);
}
