import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { newId } from "../ids";
import { stockholmToday } from "../school-calendar";
import {
  groupMembers,
  guardianships,
  mentorships,
  people,
  planSections,
  plans,
  pupils,
  subjects,
  teachingDuties,
  terms,
  type Plan,
  type SectionKind,
} from "../schema";
import { getPupilAccess, type PupilAccess, type RelationToPupil } from "./access";
import type { PlanRole } from "../../app/editor/plan-roles";
import { getActiveTerm } from "./terms";

/** Bumped when the template changes, so older plans can be told apart. */
export const PLAN_TEMPLATE_VERSION = 1;

/** The sections every plan has, around the per-subject ones (see server/collab/DOCUMENT-SHAPE.md). */
const leadingSections: SectionKind[] = ["about"];
const trailingSections: SectionKind[] = ["goals", "pupilActions", "schoolActions", "guardianActions"];

export const subjectFragment = (subjectId: string) => `subject-${subjectId}`;

/** The subjects a pupil is taught in a term, from the teaching duties of the pupil's groups. */
export function getPupilSubjects(db: AppDatabase, pupilId: string, termId: string) {
  const rows = db
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
    .where(and(eq(groupMembers.pupilId, pupilId), eq(teachingDuties.termId, termId)))
    .orderBy(asc(subjects.sortOrder), asc(people.givenName))
    .all();
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

export function getPlanSections(db: AppDatabase, planId: string): PlanSectionView[] {
  return db
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
    .where(eq(planSections.planId, planId))
    .orderBy(asc(planSections.position))
    .all()
    .map((row) => ({
      fragment: row.fragment,
      kind: row.kind,
      subject: row.subjectId ? { id: row.subjectId, code: row.code!, languageCode: row.languageCode, nameSv: row.nameSv!, nameEn: row.nameEn! } : null,
    }));
}

/** The role a person has in a pupil's plan, for presence and carets: the widest relation. */
export function getPlanRole(relations: RelationToPupil[]): PlanRole | null {
  if (relations.includes("self")) return "pupil";
  if (relations.includes("mentor")) return "mentor";
  if (relations.includes("teacher")) return "teacher";
  if (relations.includes("guardian")) return "guardian";
  return null;
}

export interface PlanListing {
  planId: string;
  pupil: { id: string; givenName: string; familyName: string };
  term: { id: string; kind: "HT" | "VT"; year: number };
  access: Exclude<PupilAccess, "none">;
  status: Plan["status"];
}

/** Every pupil a person relates to in any way; access is decided afterwards, per pupil. */
function relatedPupilIds(db: AppDatabase, personId: string): string[] {
  const ids = new Set<string>();
  if (db.select({ id: pupils.personId }).from(pupils).where(eq(pupils.personId, personId)).get()) ids.add(personId);
  for (const r of db.select({ id: guardianships.pupilId }).from(guardianships).where(eq(guardianships.guardianId, personId)).all()) ids.add(r.id);
  for (const r of db
    .select({ id: groupMembers.pupilId })
    .from(mentorships)
    .innerJoin(groupMembers, eq(groupMembers.groupId, mentorships.groupId))
    .where(eq(mentorships.mentorId, personId))
    .all())
    ids.add(r.id);
  for (const r of db
    .select({ id: groupMembers.pupilId })
    .from(teachingDuties)
    .innerJoin(groupMembers, eq(groupMembers.groupId, teachingDuties.groupId))
    .where(eq(teachingDuties.teacherId, personId))
    .all())
    ids.add(r.id);
  return [...ids];
}

/**
 * The plans a person can open: this term's plan of every pupil they have access to (created if
 * nobody has opened it yet) and any earlier plans of those pupils.
 */
export function listPlansForPerson(db: AppDatabase, personId: string, schoolId: string, today: string = stockholmToday()): PlanListing[] {
  const term = getActiveTerm(db, schoolId, today);
  const accessible = relatedPupilIds(db, personId)
    .map((pupilId) => ({ pupilId, access: getPupilAccess(db, personId, pupilId, today) }))
    .filter((p): p is { pupilId: string; access: Exclude<PupilAccess, "none"> } => p.access !== "none");
  if (term) for (const { pupilId } of accessible) getOrCreatePlan(db, pupilId, term.id);
  if (accessible.length === 0) return [];

  const accessByPupil = new Map(accessible.map((p) => [p.pupilId, p.access]));
  const rows = db
    .select({
      planId: plans.id,
      status: plans.status,
      pupilId: people.id,
      givenName: people.givenName,
      familyName: people.familyName,
      termId: terms.id,
      kind: terms.kind,
      year: terms.year,
      startsOn: terms.startsOn,
    })
    .from(plans)
    .innerJoin(people, eq(people.id, plans.pupilId))
    .innerJoin(terms, eq(terms.id, plans.termId))
    .where(inArray(plans.pupilId, [...accessByPupil.keys()]))
    .orderBy(asc(people.givenName), asc(people.familyName), asc(terms.startsOn))
    .all();
  return rows.map((r) => ({
    planId: r.planId,
    pupil: { id: r.pupilId, givenName: r.givenName, familyName: r.familyName },
    term: { id: r.termId, kind: r.kind, year: r.year },
    access: accessByPupil.get(r.pupilId)!,
    status: r.status,
  }));
}

