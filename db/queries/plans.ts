import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { newId } from "../ids";
import { groupMembers, people, planSections, plans, subjects, teachingDuties, terms, type Plan, type SectionKind } from "../schema";
import { subjectFragment } from "../../app/shared/collab-protocol";

/** Bumped when the template changes, so older plans can be told apart. */
export const PLAN_TEMPLATE_VERSION = 1;

/** The sections every plan has, around the per-subject ones (see server/collab/DOCUMENT-SHAPE.md). */
const leadingSections: SectionKind[] = ["about"];
const trailingSections: SectionKind[] = ["goals", "pupilActions", "schoolActions", "guardianActions"];

export { subjectFragment };

const pupilSubjectRows = preparedQuery((db) =>
  db
    .select({
      id: subjects.id,
      code: subjects.code,
      languageCode: subjects.languageCode,
      nameSv: subjects.nameSv,
      nameEn: subjects.nameEn,
      sortOrder: subjects.sortOrder,
      teacherId: people.id,
      teacherGivenName: people.givenName,
      teacherFamilyName: people.familyName,
    })
    .from(groupMembers)
    .innerJoin(teachingDuties, eq(teachingDuties.groupId, groupMembers.groupId))
    .innerJoin(subjects, eq(subjects.id, teachingDuties.subjectId))
    .innerJoin(people, eq(people.id, teachingDuties.teacherId))
    .where(and(eq(groupMembers.pupilId, sql.placeholder("pupilId")), eq(teachingDuties.termId, sql.placeholder("termId"))))
    .orderBy(asc(subjects.sortOrder), asc(people.givenName))
    .prepare(),
);

/** The subjects a pupil is taught in a term, from the teaching duties of the pupil's groups. */
export function getPupilSubjects(db: AppDatabase, pupilId: string, termId: string) {
  const rows = pupilSubjectRows(db).all({ pupilId, termId });
  const bySubject = new Map<
    string,
    { id: string; code: string; languageCode: string | null; nameSv: string; nameEn: string; teachers: Array<{ id: string; givenName: string; familyName: string }> }
  >();
  for (const row of rows) {
    const entry = bySubject.get(row.id) ?? { id: row.id, code: row.code, languageCode: row.languageCode, nameSv: row.nameSv, nameEn: row.nameEn, teachers: [] };
    if (!entry.teachers.some((t) => t.id === row.teacherId)) {
      entry.teachers.push({ id: row.teacherId, givenName: row.teacherGivenName, familyName: row.teacherFamilyName });
    }
    bySubject.set(row.id, entry);
  }
  return [...bySubject.values()];
}

/**
 * The pupil's plan for a term, created from the template the first time anyone opens it.
 * A subject added to the pupil's timetable later gets its section added; sections are never
 * removed, because they may hold the pupil's writing.
 */
export function getOrCreatePlan(db: AppDatabase, pupilId: string, termId: string): Plan {
  const subjectIds = getPupilSubjects(db, pupilId, termId).map((s) => s.id);
  return db.transaction((tx) => {
    let plan = tx.select().from(plans).where(and(eq(plans.pupilId, pupilId), eq(plans.termId, termId))).get();
    if (!plan) {
      plan = { id: newId(), pupilId, termId, status: "draft", templateVersion: PLAN_TEMPLATE_VERSION, version: 1, createdAt: new Date() };
      tx.insert(plans).values(plan).run();
      const sections = [
        ...leadingSections.map((kind) => ({ fragment: kind as string, kind, subjectId: null as string | null })),
        ...subjectIds.map((id) => ({ fragment: subjectFragment(id), kind: "subject" as const, subjectId: id })),
        ...trailingSections.map((kind) => ({ fragment: kind as string, kind, subjectId: null as string | null })),
      ];
      tx.insert(planSections)
        .values(sections.map((s, position) => ({ planId: plan!.id, ...s, position })))
        .run();
      return plan;
    }
    const existing = tx.select().from(planSections).where(eq(planSections.planId, plan.id)).all();
    const missing = subjectIds.filter((id) => !existing.some((s) => s.subjectId === id));
    if (missing.length > 0) {
      // New subjects go after the last subject section, before the goals; positions are renumbered.
      const ordered = [...existing].sort((a, b) => a.position - b.position);
      const lastSubject = ordered.map((s) => s.kind).lastIndexOf("subject");
      const insertAt = lastSubject >= 0 ? lastSubject + 1 : leadingSections.length;
      const added = missing.map((id) => ({ planId: plan!.id, fragment: subjectFragment(id), kind: "subject" as const, subjectId: id, position: 0 }));
      const next = [...ordered.slice(0, insertAt), ...added, ...ordered.slice(insertAt)];
      tx.insert(planSections).values(added).run();
      next.forEach((section, position) => {
        tx.update(planSections)
          .set({ position })
          .where(and(eq(planSections.planId, plan!.id), eq(planSections.fragment, section.fragment)))
          .run();
      });
    }
    return plan;
  });
}

const planById = preparedQuery((db) => db.select().from(plans).where(eq(plans.id, sql.placeholder("planId"))).prepare());

export function getPlan(db: AppDatabase, planId: string): Plan | null {
  return planById(db).get({ planId }) ?? null;
}

export interface PlanSectionView {
  fragment: string;
  kind: SectionKind;
  subject: { id: string; code: string; languageCode: string | null; nameSv: string; nameEn: string } | null;
}

const planSectionRows = preparedQuery((db) =>
  db
    .select({
      fragment: planSections.fragment,
      kind: planSections.kind,
      subjectId: subjects.id,
      code: subjects.code,
      languageCode: subjects.languageCode,
      nameSv: subjects.nameSv,
      nameEn: subjects.nameEn,
    })
    .from(planSections)
    .leftJoin(subjects, eq(subjects.id, planSections.subjectId))
    .where(eq(planSections.planId, sql.placeholder("planId")))
    .orderBy(asc(planSections.position))
    .prepare(),
);

export function getPlanSections(db: AppDatabase, planId: string): PlanSectionView[] {
  return planSectionRows(db)
    .all({ planId })
    .map((row) => ({
      fragment: row.fragment,
      kind: row.kind,
      subject: row.subjectId ? { id: row.subjectId, code: row.code!, languageCode: row.languageCode, nameSv: row.nameSv!, nameEn: row.nameEn! } : null,
    }));
}

/** The plans of some pupils (all their terms), by pupil name and term start. */
export function getPlansOfPupils(db: AppDatabase, pupilIds: string[]) {
  if (pupilIds.length === 0) return [];
  return db
    .select({
      planId: plans.id,
      status: plans.status,
      pupilId: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
      termId: terms.id,
      kind: terms.kind,
      year: terms.year,
    })
    .from(plans)
    .innerJoin(people, eq(people.id, plans.pupilId))
    .innerJoin(terms, eq(terms.id, plans.termId))
    .where(inArray(plans.pupilId, pupilIds))
    .orderBy(asc(people.givenName), asc(people.familyName), asc(terms.startsOn))
    .all();
}

/** The pupil's plan of the latest term before this one (by the terms' start), if any. */
// Asked on every plan page and talk view (the previous term's plan, for the link to it): prepared once.
const previousPlan = preparedQuery((db) =>
  db
    .select({ plan: plans, kind: terms.kind, year: terms.year })
    .from(plans)
    .innerJoin(terms, eq(terms.id, plans.termId))
    .where(
      and(
        eq(plans.pupilId, sql.placeholder("pupilId")),
        lt(terms.startsOn, db.select({ startsOn: terms.startsOn }).from(terms).where(eq(terms.id, sql.placeholder("termId")))),
      ),
    )
    .orderBy(desc(terms.startsOn))
    .limit(1)
    .prepare(),
);

export function getPreviousPlan(db: AppDatabase, plan: Pick<Plan, "pupilId" | "termId">): (Plan & { term: { kind: "HT" | "VT"; year: number } }) | null {
  const row = previousPlan(db).get({ pupilId: plan.pupilId, termId: plan.termId });
  return row ? { ...row.plan, term: { kind: row.kind, year: row.year } } : null;
}
