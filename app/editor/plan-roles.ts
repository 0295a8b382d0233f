/** A person's role in one pupil's plan, as shown in presence and on carets; "guest" is a guest of
 * one of its talks (an interpreter), who has no account and only reads. */
export type PlanRole = "pupil" | "mentor" | "teacher" | "guardian" | "guest";

/** One colour per role, dark enough for white caret labels (WCAG AA contrast). */
export const roleColors: Record<PlanRole, string> = {
  pupil: "#1f5fa8",
  mentor: "#2f6b2f",
  teacher: "#9a4a00",
  guardian: "#7a3b8f",
  guest: "#5a5a5a",
};

/** What an awareness state's `user` holds; the server fills it from the session. */
export interface PresenceUser {
  key?: string;
  name: string;
  role: PlanRole;
  color: string;
}
