import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSeededDatabase, groupIdByName, personIdByEmail, personIdByName } from "../../tests/support/database";
import type { AppDatabase } from "../client";
import { demoAccounts } from "../seed/demo-school";
import { people, pupils } from "../schema";
import { canAdministerSchool, canViewGroup, getPupilAccess, getRelationsToPupil, strongestAccess } from "./access";

const today = "2026-11-23";
let db: AppDatabase;
let cleanup: () => void;
const id: Record<string, string> = {};

beforeAll(async () => {
  ({ db, cleanup } = await createSeededDatabase(today));
  for (const [role, email] of Object.entries(demoAccounts)) id[role] = personIdByEmail(db, email);
  id.alva = id.pupil!;
  id.elis = personIdByName(db, "Elis", "Lindqvist");
  id.liam = personIdByName(db, "Liam", "Johansson");
  id.nora = personIdByName(db, "Nora", "Karlsson");
});
afterAll(() => cleanup());

const access = (who: string, pupil: string, on = today) => getPupilAccess(db, id[who]!, id[pupil]!, on);

describe("access to a pupil's plan, per role", () => {
  it("lets the pupil edit their own plan and nobody else's", () => {
    expect(access("pupil", "alva")).toBe("edit");
    expect(access("pupil", "elis")).toBe("none");
    expect(access("pupil", "liam")).toBe("none");
  });

  it("lets the mentor edit the plans of their own mentor group only", () => {
    expect(access("mentor", "alva")).toBe("edit");
    expect(access("mentor", "nora")).toBe("edit");
    expect(access("mentor", "liam")).toBe("none");
    expect(getRelationsToPupil(db, id.mentor!, id.alva!, today)).toContain("mentor");
  });

  it("lets subject teachers comment on the pupils they teach this term, and nobody else", () => {
    expect(access("mathsTeacher", "alva")).toBe("comment");
    expect(access("swedishTeacher", "alva")).toBe("comment");
    expect(access("mathsTeacher", "liam")).toBe("none"); // 7A has another maths teacher
    expect(access("swedishTeacher", "elis")).toBe("none"); // 6A has another Swedish teacher
  });

  it("ends a teacher's access with the duties of the term", () => {
    // Before the first term of the school year has started, no duty is active.
    expect(access("mathsTeacher", "alva", "2026-08-01")).toBe("none");
    // A mentorship is not bound to a term.
    expect(access("mentor", "alva", "2026-08-01")).toBe("edit");
  });

  it("lets guardians read their own children's plans, in both households", () => {
    expect(access("guardian", "alva")).toBe("read");
    expect(access("guardian", "elis")).toBe("read");
    expect(access("otherHouseholdGuardian", "alva")).toBe("read");
    expect(access("otherClassGuardian", "liam")).toBe("read");
  });

  it("gives a guardian of another family nothing", () => {
    expect(access("otherClassGuardian", "alva")).toBe("none");
    expect(access("otherClassGuardian", "nora")).toBe("none");
    expect(access("guardian", "liam")).toBe("none");
  });

  it("gives the school admin the set-up but no plan content", () => {
    expect(access("admin", "alva")).toBe("none");
    const schoolId = db.select({ s: people.schoolId }).from(people).where(eq(people.id, id.alva!)).get()!.s;
    expect(canAdministerSchool(db, id.admin!, schoolId)).toBe(true);
    expect(canAdministerSchool(db, id.mentor!, schoolId)).toBe(false);
    expect(canAdministerSchool(db, id.guardian!, schoolId)).toBe(false);
  });

  it("denies unknown people and unknown pupils", () => {
    expect(getPupilAccess(db, "no-such-person", id.alva!, today)).toBe("none");
    expect(getPupilAccess(db, id.mentor!, "no-such-pupil", today)).toBe("none");
    // A guardian is a person, not a pupil: nobody has a plan for them.
    expect(getPupilAccess(db, id.mentor!, id.guardian!, today)).toBe("none");
  });

  it("lets a pupil of 18 or over decide whether guardians read along", () => {
    const original = db.select().from(people).where(eq(people.id, id.alva!)).get()!;
    try {
      db.update(people).set({ dateOfBirth: "2008-11-23" }).where(eq(people.id, id.alva!)).run();
      expect(access("guardian", "alva")).toBe("none");
      expect(access("pupil", "alva")).toBe("edit");
      db.update(pupils).set({ sharesPlanWithGuardians: true }).where(eq(pupils.personId, id.alva!)).run();
      expect(access("guardian", "alva")).toBe("read");
      // The day before the 18th birthday the pupil is still a minor.
      db.update(pupils).set({ sharesPlanWithGuardians: false }).where(eq(pupils.personId, id.alva!)).run();
      expect(access("guardian", "alva", "2026-11-22")).toBe("read");
    } finally {
      db.update(people).set({ dateOfBirth: original.dateOfBirth }).where(eq(people.id, id.alva!)).run();
      db.update(pupils).set({ sharesPlanWithGuardians: false }).where(eq(pupils.personId, id.alva!)).run();
    }
  });
});

describe("access to group lists", () => {
  it("shows a group to its teachers this term, its mentors and the admin only", () => {
    const maths8A = groupIdByName(db, "8A Matematik");
    const maths6A = groupIdByName(db, "6A Matematik");
    const jonasGroup = groupIdByName(db, "8A – Jonas Ek");
    expect(canViewGroup(db, id.mathsTeacher!, maths8A, today)).toBe(true);
    expect(canViewGroup(db, id.mathsTeacher!, maths6A, today)).toBe(false);
    expect(canViewGroup(db, id.mentor!, jonasGroup, today)).toBe(true);
    expect(canViewGroup(db, id.mathsTeacher!, jonasGroup, today)).toBe(false);
    expect(canViewGroup(db, id.admin!, maths6A, today)).toBe(true);
    expect(canViewGroup(db, id.guardian!, maths8A, today)).toBe(false);
    expect(canViewGroup(db, id.pupil!, maths8A, today)).toBe(false);
  });
});

describe("strongestAccess", () => {
  it("picks the widest of several relations and denies when there is none", () => {
    expect(strongestAccess([])).toBe("none");
    expect(strongestAccess(["read", "comment"])).toBe("comment");
    expect(strongestAccess(["comment", "edit", "read"])).toBe("edit");
  });
});
