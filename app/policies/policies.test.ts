import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSeededDatabase, groupIdByName, personIdByEmail, personIdByName } from "../../tests/support/database";
import type { AppDatabase } from "../../db/client";
import { getGroupTies } from "../../db/queries/relations";
import { getActiveTerm } from "../../db/queries/terms";
import { demoAccounts } from "../../db/seed/demo-school";
import { people, pupils, subjects } from "../../db/schema";
import { commentAbilities, canAssess, canComment } from "./assessment.server";
import { canOnPlan, planAccessLevel } from "./plan.server";
import { findRelations, roleOf } from "./relations.server";
import { canInSchool, maySeeIdentity } from "./school.server";
import { canOnSigning } from "./signing.server";
import { canOnTalk, canOnTalkDay } from "./talk.server";
import { evaluationRoleOf, mayAnswerEvaluation, mayReadEvaluationResults } from "./evaluation.server";
import { hearsOf } from "./notification.server";

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
  id.wilma = personIdByName(db, "Wilma", "Berg");
  id.ella = personIdByName(db, "Ella", "Lund");
  id.adam = personIdByName(db, "Adam", "Noor");
  id.tove = personIdByName(db, "Tove", "Holmgren");
});
afterAll(() => cleanup());

const relations = (who: string, pupil: string, on = today) => findRelations(db, id[who]!, id[pupil]!, on);
const draft = { status: "draft" as const };
const locked = { status: "locked" as const };
const level = (who: string, pupil: string, on = today) => planAccessLevel(relations(who, pupil, on), draft);
const subjectId = (code: string) => db.select({ id: subjects.id }).from(subjects).where(eq(subjects.code, code)).all()[0]!.id;

describe("relations and roles", () => {
  it("lets the pupil write their own plan and nobody else's", () => {
    expect(level("pupil", "alva")).toBe("edit");
    expect(level("pupil", "elis")).toBe("none");
    expect(level("pupil", "liam")).toBe("none");
    expect(roleOf(relations("pupil", "alva"))).toBe("pupil");
  });

  it("lets the mentor write in the plans of their own mentor group only", () => {
    expect(level("mentor", "alva")).toBe("edit");
    expect(level("mentor", "nora")).toBe("edit");
    expect(level("mentor", "liam")).toBe("none");
    expect(roleOf(relations("mentor", "alva"))).toBe("mentor");
  });

  it("lets subject teachers comment on the pupils they teach this term, and nobody else", () => {
    expect(level("mathsTeacher", "alva")).toBe("comment");
    expect(level("swedishTeacher", "alva")).toBe("comment");
    expect(level("mathsTeacher", "liam")).toBe("none"); // 7A has another maths teacher
    expect(level("swedishTeacher", "elis")).toBe("none"); // 6A has another Swedish teacher
  });

  it("ends a teacher's rights with the duties of the term; a mentorship is not bound to a term", () => {
    expect(level("mathsTeacher", "alva", "2026-08-01")).toBe("none");
    expect(level("mentor", "alva", "2026-08-01")).toBe("edit");
  });

  it("lets guardians read their own children's plans, in every household, and nothing of another family", () => {
    expect(level("guardian", "alva")).toBe("read");
    expect(level("guardian", "elis")).toBe("read");
    expect(level("otherHouseholdGuardian", "alva")).toBe("read");
    expect(level("otherClassGuardian", "liam")).toBe("read");
    expect(level("otherClassGuardian", "alva")).toBe("none");
    expect(level("otherClassGuardian", "nora")).toBe("none");
    expect(level("guardian", "liam")).toBe("none");
  });

  it("keeps a blended family's households apart: the shared guardian reads both, the others only their own", () => {
    expect(level("otherHouseholdGuardian", "wilma")).toBe("read");
    expect(level("blendedFamilyGuardian", "wilma")).toBe("read");
    expect(level("blendedFamilyGuardian", "alva")).toBe("none");
    expect(level("guardian", "wilma")).toBe("none");
  });

  it("gives a guardian who teaches the child one role, the wider one, and keeps the guardianship for what belongs to it", () => {
    const lund = relations("guardianWhoTeaches", "ella");
    expect(roleOf(lund)).toBe("teacher");
    expect(level("guardianWhoTeaches", "ella")).toBe("comment");
    expect(lund.guardian).toBe(true);
    expect(canOnSigning(lund, locked, "sign", "guardian")).toBe(true);
  });

  it("lets a pupil of 18 or over decide whether guardians read along", () => {
    expect(relations("adultPupil", "adam").pupilIsAdult).toBe(true);
    expect(level("adultPupilGuardian", "adam")).toBe("none");
    expect(relations("adultPupilGuardian", "adam").custody).toBe(true);
    expect(canOnPlan(relations("adultPupil", "adam"), draft, "decideGuardianAccess")).toBe(true);
    expect(canOnPlan(relations("pupil", "alva"), draft, "decideGuardianAccess")).toBe(false);
    const original = db.select().from(people).where(eq(people.id, id.alva!)).get()!;
    try {
      db.update(people).set({ dateOfBirth: "2008-11-23" }).where(eq(people.id, id.alva!)).run();
      expect(level("guardian", "alva")).toBe("none");
      db.update(pupils).set({ sharesPlanWithGuardians: true }).where(eq(pupils.personId, id.alva!)).run();
      expect(level("guardian", "alva")).toBe("read");
      // The day before the 18th birthday the pupil is still a minor.
      db.update(pupils).set({ sharesPlanWithGuardians: false }).where(eq(pupils.personId, id.alva!)).run();
      expect(level("guardian", "alva", "2026-11-22")).toBe("read");
    } finally {
      db.update(people).set({ dateOfBirth: original.dateOfBirth }).where(eq(people.id, id.alva!)).run();
      db.update(pupils).set({ sharesPlanWithGuardians: false }).where(eq(pupils.personId, id.alva!)).run();
    }
  });

  it("gives the school admin the set-up but no plan content, and another school's admin nothing", () => {
    expect(level("admin", "alva")).toBe("none");
    expect(canOnPlan(relations("admin", "alva"), draft, "readLog")).toBe(true);
    expect(canOnPlan(relations("otherSchoolAdmin", "alva"), draft, "readLog")).toBe(false);
    expect(canOnPlan(relations("otherSchoolAdmin", "tove"), draft, "readLog")).toBe(true);
    const schoolId = db.select({ s: people.schoolId }).from(people).where(eq(people.id, id.alva!)).get()!.s;
    const asPerson = (who: string) => ({ id: id[who]!, schoolId: db.select({ s: people.schoolId }).from(people).where(eq(people.id, id[who]!)).get()!.s, isAdmin: who.endsWith("dmin"), isStaff: true });
    expect(canInSchool({ person: asPerson("admin"), schoolId }, "administer")).toBe(true);
    expect(canInSchool({ person: asPerson("otherSchoolAdmin"), schoolId }, "administer")).toBe(false);
  });

  it("denies unknown people and unknown pupils", () => {
    expect(planAccessLevel(findRelations(db, "no-such-person", id.alva!, today), draft)).toBe("none");
    expect(planAccessLevel(findRelations(db, id.mentor!, "no-such-pupil", today), draft)).toBe("none");
    // A guardian is a person, not a pupil: nobody has a plan for them.
    expect(planAccessLevel(findRelations(db, id.mentor!, id.guardian!, today), draft)).toBe("none");
  });
});

describe("writing, comments and assessments", () => {
  it("lets only the pupil and mentors write, and nobody once the plan is locked", () => {
    expect(canOnPlan(relations("pupil", "alva"), draft, "write")).toBe(true);
    expect(canOnPlan(relations("mentor", "alva"), draft, "write")).toBe(true);
    expect(canOnPlan(relations("mathsTeacher", "alva"), draft, "write")).toBe(false);
    expect(canOnPlan(relations("guardian", "alva"), draft, "write")).toBe(false);
    expect(canOnPlan(relations("pupil", "alva"), locked, "write")).toBe(false);
  });

  it("lets teachers start threads in their own subjects only; staff see staff-only threads, families never", () => {
    const maths = subjectId("MA");
    const teacher = relations("mathsTeacher", "alva");
    expect(canComment({ relations: teacher, plan: draft, subjectId: maths }, "startThread")).toBe(true);
    expect(canComment({ relations: relations("swedishTeacher", "alva"), plan: draft, subjectId: maths }, "startThread")).toBe(false);
    expect(canComment({ relations: teacher, plan: locked, subjectId: maths }, "startThread")).toBe(false);
    expect(commentAbilities(relations("mentor", "alva"), draft).canSeeStaffOnly).toBe(true);
    expect(commentAbilities(relations("pupil", "alva"), draft).canSeeStaffOnly).toBe(false);
    expect(commentAbilities(relations("guardian", "alva"), draft).canReply).toBe(false);
    expect(canOnPlan(relations("guardian", "alva"), draft, "hearStaffEvents")).toBe(false);
    expect(canOnPlan(relations("mathsTeacher", "alva"), draft, "hearStaffEvents")).toBe(true);
  });

  it("lets a teacher assess only the subjects they teach the pupil this term", () => {
    expect(canAssess(relations("mathsTeacher", "alva"), subjectId("MA"))).toBe(true);
    expect(canAssess(relations("mathsTeacher", "alva"), subjectId("SV"))).toBe(false);
    expect(canAssess(relations("mentor", "liam"), subjectId("SH"))).toBe(false);
  });
});

describe("talks and talk days", () => {
  it("shows pupils and guardians their talk only once invited; staff who work with the pupil while planning", () => {
    const planning = { status: "planning" as const };
    const invited = { status: "invited" as const };
    expect(canOnTalk({ relations: relations("guardian", "alva"), event: planning }, "view")).toBe(false);
    expect(canOnTalk({ relations: relations("guardian", "alva"), event: invited }, "view")).toBe(true);
    expect(canOnTalk({ relations: relations("mentor", "alva"), event: planning }, "view")).toBe(true);
    expect(canOnTalk({ relations: relations("pupil", "alva"), event: invited }, "lead")).toBe(true);
    expect(canOnTalk({ relations: relations("guardian", "alva"), event: invited }, "follow")).toBe(true);
    expect(canOnTalk({ relations: relations("otherClassGuardian", "alva"), event: invited }, "view")).toBe(false);
    expect(canOnTalk({ relations: relations("adultPupilGuardian", "adam"), event: invited }, "answerInvitation")).toBe(false);
  });

  it("lets a mentor arrange their own pupils but change a whole event only when every group is theirs", () => {
    const mine = groupIdByName(db, "8A – Jonas Ek");
    const theirs = groupIdByName(db, "8A – Karin Holm");
    const shared = { admin: false, eventGroupIds: [mine, theirs], mentoredGroupIds: [mine] };
    expect(canOnTalkDay(shared, "viewBoard")).toBe(true);
    expect(canOnTalkDay({ ...shared, pupilGroupId: mine }, "arrangePupil")).toBe(true);
    expect(canOnTalkDay({ ...shared, pupilGroupId: theirs }, "arrangePupil")).toBe(false);
    expect(canOnTalkDay(shared, "changeWholeEvent")).toBe(false);
    expect(canOnTalkDay({ ...shared, eventGroupIds: [mine] }, "changeWholeEvent")).toBe(true);
    expect(canOnTalkDay({ admin: true, eventGroupIds: [mine, theirs], mentoredGroupIds: [] }, "changeWholeEvent")).toBe(true);
    expect(canOnTalkDay({ admin: false, eventGroupIds: [mine], mentoredGroupIds: [] }, "viewBoard")).toBe(false);
  });
});

describe("groups and protected identity", () => {
  it("shows a group to its teachers this term, its mentors and its school's admin only", () => {
    const term = getActiveTerm(db, db.select({ s: people.schoolId }).from(people).where(eq(people.id, id.alva!)).get()!.s, today)!;
    const may = (who: string, group: string) => {
      const person = db.select().from(people).where(eq(people.id, id[who]!)).get()!;
      const ties = getGroupTies(db, person.id, groupIdByName(db, group), term.id);
      return canInSchool({ person: { id: person.id, schoolId: person.schoolId, isAdmin: who.endsWith("dmin"), isStaff: true }, group: ties }, "viewGroup");
    };
    expect(may("mathsTeacher", "8A Matematik")).toBe(true);
    expect(may("mathsTeacher", "6A Matematik")).toBe(false);
    expect(may("mentor", "8A – Jonas Ek")).toBe(true);
    expect(may("mathsTeacher", "8A – Jonas Ek")).toBe(false);
    expect(may("admin", "6A Matematik")).toBe(true);
    expect(may("otherSchoolAdmin", "6A Matematik")).toBe(false);
    expect(may("guardian", "8A Matematik")).toBe(false);
  });

  it("names a protected family only to itself and the staff who work with the pupil", () => {
    expect(maySeeIdentity(relations("mentor", "nora"))).toBe(true);
    expect(maySeeIdentity(relations("protectedGuardian", "nora"))).toBe(true);
    expect(maySeeIdentity(relations("admin", "nora"))).toBe(false);
    expect(maySeeIdentity(relations("admin", "alva"))).toBe(true);
  });
});

describe("the pupil's questions, news and the evaluation", () => {
  const signed = { status: "signed" as const };

  it("lets only the pupil ask, in her own plan, while it is a draft", () => {
    expect(canComment({ relations: relations("pupil", "alva"), plan: draft }, "askTeacher")).toBe(true);
    expect(canComment({ relations: relations("pupil", "alva"), plan: locked }, "askTeacher")).toBe(false);
    for (const who of ["guardian", "mentor", "mathsTeacher", "otherClassGuardian"]) {
      expect(canComment({ relations: relations(who, "alva"), plan: draft }, "askTeacher"), who).toBe(false);
    }
    expect(canComment({ relations: relations("pupil", "elis"), plan: draft }, "askTeacher")).toBe(false);
    // Where she may ask: the subjects of her plan that have a teacher, given by the page.
    expect(commentAbilities(relations("pupil", "alva"), draft, ["x", "y"]).askInSubjects).toEqual(["x", "y"]);
    expect(commentAbilities(relations("mathsTeacher", "alva"), draft, ["x", "y"]).askInSubjects).toEqual([]);
  });

  it("tells a question to the subject's teachers, comments to the pupil and to staff of the subject or the thread, staff-only threads to staff only", () => {
    const maths = subjectId("MA");
    const thread = (extra: Partial<{ staffOnly: boolean; askedByPupil: boolean; writers: Set<string> }> = {}) => ({
      subjectId: maths,
      staffOnly: false,
      askedByPupil: true,
      writers: new Set<string>(),
      ...extra,
    });
    const told = (who: string, action: "hearOfQuestion" | "hearOfComment", t = thread()) => hearsOf({ relations: relations(who, "alva"), plan: draft, thread: t }, action);
    expect(told("mathsTeacher", "hearOfQuestion")).toBe(true);
    expect(told("swedishTeacher", "hearOfQuestion")).toBe(false);
    expect(told("mentor", "hearOfQuestion")).toBe(false);
    expect(told("mathsTeacher", "hearOfQuestion", thread({ askedByPupil: false }))).toBe(false);
    expect(told("pupil", "hearOfComment")).toBe(true);
    expect(told("guardian", "hearOfComment")).toBe(false);
    expect(told("swedishTeacher", "hearOfComment")).toBe(false);
    expect(told("swedishTeacher", "hearOfComment", thread({ writers: new Set([id.swedishTeacher!]) }))).toBe(true);
    expect(told("pupil", "hearOfComment", thread({ staffOnly: true }))).toBe(false);
    expect(told("mathsTeacher", "hearOfComment", thread({ staffOnly: true }))).toBe(true);
    expect(hearsOf({ relations: relations("otherClassGuardian", "alva"), plan: draft, thread: thread() }, "hearOfComment")).toBe(false);
  });

  it("tells the pupil and the guardians who read along of assessments; not an adult pupil's guardian she has not let read", () => {
    const assessment = (who: string, pupil: string) => hearsOf({ relations: relations(who, pupil), plan: draft }, "hearOfAssessment");
    expect(assessment("pupil", "alva")).toBe(true);
    expect(assessment("guardian", "alva")).toBe(true);
    expect(assessment("mathsTeacher", "alva")).toBe(false);
    expect(assessment("adultPupilGuardian", "adam")).toBe(false);
    expect(assessment("adultPupil", "adam")).toBe(true);
  });

  it("mails a call only to a teacher who has no page of the app open", () => {
    const teacher = relations("mathsTeacher", "alva");
    expect(hearsOf({ relations: teacher, plan: draft, onAPage: false }, "mailCall")).toBe(true);
    expect(hearsOf({ relations: teacher, plan: draft, onAPage: true }, "mailCall")).toBe(false);
  });

  it("asks the pupil, the guardians who signed and the mentor to evaluate once the plan is signed; each with their own questionnaire", () => {
    const signers = new Set([id.alva!, id.guardian!, id.mentor!]);
    const may = (who: string, plan: { status: "draft" | "locked" | "signed" } = signed) => mayAnswerEvaluation({ relations: relations(who, "alva"), plan, signers });
    expect(["pupil", "guardian", "mentor"].map((who) => may(who))).toEqual([true, true, true]);
    expect(may("pupil", locked)).toBe(false);
    // Johan reads along but did not sign: he was not at the talk.
    expect(may("otherHouseholdGuardian")).toBe(false);
    expect(may("mathsTeacher")).toBe(false);
    expect(may("otherClassGuardian")).toBe(false);
    expect(evaluationRoleOf(relations("pupil", "alva"))).toBe("pupil");
    expect(evaluationRoleOf(relations("guardian", "alva"))).toBe("guardian");
    expect(evaluationRoleOf(relations("mentor", "alva"))).toBe("staff");
    // A guardian who teaches the child answers as a guardian.
    expect(evaluationRoleOf(relations("guardianWhoTeaches", "ella"))).toBe("guardian");
  });

  it("shows a talk day's results to its admins and the mentors of its groups", () => {
    expect(mayReadEvaluationResults({ admin: true, eventGroupIds: ["a"], mentoredGroupIds: [] })).toBe(true);
    expect(mayReadEvaluationResults({ admin: false, eventGroupIds: ["a", "b"], mentoredGroupIds: ["b"] })).toBe(true);
    expect(mayReadEvaluationResults({ admin: false, eventGroupIds: ["a"], mentoredGroupIds: [] })).toBe(false);
  });
});
