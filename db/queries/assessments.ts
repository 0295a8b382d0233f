import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { preparedQuery } from "../prepared";
import { stockholmToday } from "../school-calendar";
import {
  assessmentChanges,
  assessments,
  groupMembers,
  groups,
  people,
  plans,
  pupils,
  schools,
  subjects,
  teachingDuties,
  terms,
} from "../schema";
import { getActiveTerm } from "./terms";

/**
 * Subject teachers' assessments: which scale applies to whom, the grids, and the one way an
 * assessment is written (with its history, in one transaction). Who may assess whom is the
 * assessment policy's (app/policies/assessment.server.ts).
 */

export interface ScaleStep {
  key: string;
  /** The key a teacher presses in the grid to pick this step. */
  shortcut: string;
  sv: string;
  en: string;
}

export type ScaleKind = "grades" | "knowledge";

export interface Scale {
  kind: ScaleKind;
  steps: ScaleStep[];
}

/** Grades A–F, and "–" where there is no basis for a grade (Skollagen 10 kap. 20 a §). */
export const GRADE_SCALE: Scale = {
  kind: "grades",
  steps: [
    ...["A", "B", "C", "D", "E", "F"].map((grade) => ({ key: grade, shortcut: grade.toLowerCase(), sv: grade, en: grade })),
    { key: "-", shortcut: "-", sv: "–", en: "–" },
  ],
};

/** The default knowledge-level scale for ungraded years; a school may set its own steps. */
export const DEFAULT_KNOWLEDGE_LEVELS: ScaleStep[] = [
  { key: "k1", shortcut: "1", sv: "Inte tillräckliga kunskaper", en: "Insufficient knowledge" },
  { key: "k2", shortcut: "2", sv: "Godtagbara kunskaper", en: "Acceptable knowledge" },
  { key: "k3", shortcut: "3", sv: "Goda kunskaper", en: "Good knowledge" },
  { key: "k4", shortcut: "4", sv: "Mycket goda kunskaper", en: "Very good knowledge" },
];

export const WRITTEN_ASSESSMENT_MAX = 2000;

function knowledgeScale(json: string | null): Scale {
  if (json) {
    try {
      const parsed = JSON.parse(json) as Array<{ key?: unknown; sv?: unknown; en?: unknown }>;
      const steps = parsed
        .filter((s) => typeof s.key === "string" && typeof s.sv === "string")
        .map((s, i) => ({ key: s.key as string, shortcut: String(i + 1), sv: s.sv as string, en: typeof s.en === "string" ? s.en : (s.sv as string) }));
      if (steps.length >= 2 && steps.length <= 9) return { kind: "knowledge", steps };
    } catch {
      // A broken setting falls back to the default scale rather than locking teachers out.
    }
  }
  return { kind: "knowledge", steps: DEFAULT_KNOWLEDGE_LEVELS };
}

/** The scale for a pupil in a school year: grades from the school's first graded year. */
export function scaleFor(school: { gradedFromYear: number; knowledgeLevels: string | null }, schoolYear: number): Scale {
  return schoolYear >= school.gradedFromYear ? GRADE_SCALE : knowledgeScale(school.knowledgeLevels);
}

export function getSchoolScaleSettings(db: AppDatabase, schoolId: string) {
  return db
    .select({ gradedFromYear: schools.gradedFromYear, knowledgeLevels: schools.knowledgeLevels })
    .from(schools)
    .where(eq(schools.id, schoolId))
    .get();
}

export function setGradedFromYear(db: AppDatabase, schoolId: string, year: number): void {
  db.update(schools).set({ gradedFromYear: year }).where(eq(schools.id, schoolId)).run();
}

/** The groups and subjects a teacher assesses this term: their teaching duties. */
export function getAssessableGroups(db: AppDatabase, teacherId: string, schoolId: string, today: string = stockholmToday()) {
  const term = getActiveTerm(db, schoolId, today);
  if (!term) return { term: null, duties: [] };
  const duties = db
    .select({
      dutyId: teachingDuties.id,
      groupId: groups.id,
      groupName: groups.name,
      subjectId: subjects.id,
      subjectSv: subjects.nameSv,
      subjectEn: subjects.nameEn,
      subjectCode: subjects.code,
      subjectLanguageCode: subjects.languageCode,
    })
    .from(teachingDuties)
    .innerJoin(groups, eq(groups.id, teachingDuties.groupId))
    .innerJoin(subjects, eq(subjects.id, teachingDuties.subjectId))
    .where(and(eq(teachingDuties.teacherId, teacherId), eq(teachingDuties.termId, term.id)))
    .orderBy(asc(groups.name), asc(subjects.sortOrder))
    .all();
  return { term, duties };
}

/** A teaching duty with its school (the caller asks the duty policy whose it is and whether its term is on). */
export function getDuty(db: AppDatabase, dutyId: string) {
  return (
    db
      .select({
        id: teachingDuties.id,
        teacherId: teachingDuties.teacherId,
        termId: teachingDuties.termId,
        groupId: teachingDuties.groupId,
        subjectId: teachingDuties.subjectId,
        schoolId: terms.schoolId,
      })
      .from(teachingDuties)
      .innerJoin(terms, eq(terms.id, teachingDuties.termId))
      .where(eq(teachingDuties.id, dutyId))
      .get() ?? null
  );
}

export interface AssessmentView {
  level: string | null;
  written: string;
  updatedAt: Date;
  updatedBy: { givenName: string; familyName: string };
}

/** One group in one subject, a row per pupil with the scale that applies and what is saved. */
export function getAssessmentGrid(db: AppDatabase, duty: { termId: string; groupId: string; subjectId: string; schoolId: string }) {
  const school = getSchoolScaleSettings(db, duty.schoolId)!;
  const group = db.select({ name: groups.name }).from(groups).where(eq(groups.id, duty.groupId)).get()!;
  const subject = db.select().from(subjects).where(eq(subjects.id, duty.subjectId)).get()!;
  const term = db.select().from(terms).where(eq(terms.id, duty.termId)).get()!;
  const members = db
    .select({ id: people.id, givenName: people.givenName, familyName: people.familyName, schoolYear: pupils.schoolYear })
    .from(groupMembers)
    .innerJoin(pupils, eq(pupils.personId, groupMembers.pupilId))
    .innerJoin(people, eq(people.id, pupils.personId))
    .where(eq(groupMembers.groupId, duty.groupId))
    .orderBy(asc(people.givenName), asc(people.familyName))
    .all();
  const saved = getAssessments(db, members.map((m) => m.id), duty.termId, [duty.subjectId]);
  return {
    group,
    subject: { id: subject.id, code: subject.code, languageCode: subject.languageCode, nameSv: subject.nameSv, nameEn: subject.nameEn },
    term: { kind: term.kind, year: term.year },
    pupils: members.map((m) => ({
      ...m,
      scale: scaleFor(school, m.schoolYear),
      assessment: saved.get(`${m.id}:${duty.subjectId}`) ?? null,
    })),
  };
}

/** A saved assessment and the name of who saved it last. */
const savedAssessmentColumns = {
  subjectId: assessments.subjectId,
  level: assessments.level,
  written: assessments.written,
  updatedAt: assessments.updatedAt,
  givenName: people.givenName,
  familyName: people.familyName,
};

/** Saved assessments keyed `${pupilId}:${subjectId}`. */
export function getAssessments(db: AppDatabase, pupilIds: string[], termId: string, subjectIds?: string[]): Map<string, AssessmentView> {
  if (pupilIds.length === 0) return new Map();
  const rows = db
    .select({ pupilId: assessments.pupilId, ...savedAssessmentColumns })
    .from(assessments)
    .innerJoin(people, eq(people.id, assessments.updatedBy))
    .where(
      and(
        inArray(assessments.pupilId, pupilIds),
        eq(assessments.termId, termId),
        subjectIds ? inArray(assessments.subjectId, subjectIds) : undefined,
      ),
    )
    .all();
  return new Map(
    rows.map((r) => [
      `${r.pupilId}:${r.subjectId}`,
      { level: r.level, written: r.written, updatedAt: r.updatedAt, updatedBy: { givenName: r.givenName, familyName: r.familyName } },
    ]),
  );
}

const pupilScaleRow = preparedQuery((db) =>
  db
    .select({ schoolYear: pupils.schoolYear, gradedFromYear: schools.gradedFromYear, knowledgeLevels: schools.knowledgeLevels })
    .from(pupils)
    .innerJoin(people, eq(people.id, pupils.personId))
    .innerJoin(schools, eq(schools.id, people.schoolId))
    .where(eq(pupils.personId, sql.placeholder("pupilId")))
    .prepare(),
);

/** The scale that applies to a pupil now (their school year and their school's setting). */
export function getPupilScale(db: AppDatabase, pupilId: string): Scale | null {
  const row = pupilScaleRow(db).get({ pupilId });
  return row ? scaleFor(row, row.schoolYear) : null;
}

const pupilAssessments = preparedQuery((db) =>
  db
    .select(savedAssessmentColumns)
    .from(assessments)
    .innerJoin(people, eq(people.id, assessments.updatedBy))
    .where(and(eq(assessments.pupilId, sql.placeholder("pupilId")), eq(assessments.termId, sql.placeholder("termId"))))
    .prepare(),
);

/** One pupil's assessments in a term, by subject id (the plan page's question, asked on every load). */
export function getPupilAssessments(db: AppDatabase, pupilId: string, termId: string): Map<string, AssessmentView> {
  return new Map(
    pupilAssessments(db)
      .all({ pupilId, termId })
      .map((r) => [r.subjectId, { level: r.level, written: r.written, updatedAt: r.updatedAt, updatedBy: { givenName: r.givenName, familyName: r.familyName } }]),
  );
}

export type SaveAssessmentResult =
  | { ok: true; savedAt: Date; planId: string | null; changed: boolean }
  | { ok: false; error: "validation" | "tooLong" | "planLocked" };

/**
 * Writes a teacher's assessment of a pupil in a subject for the active term (the caller has asked
 * the assessment policy), after checking that the level is on the pupil's scale. The change is
 * kept in the history in the same transaction. Returns the pupil's plan for that term (if one
 * exists) so open views of it can be told.
 */
export function saveAssessment(
  db: AppDatabase,
  input: { teacherId: string; pupilId: string; subjectId: string; level: string | null; written: string },
  today: string = stockholmToday(),
): SaveAssessmentResult {
  const scale = getPupilScale(db, input.pupilId);
  if (!scale || (input.level !== null && !scale.steps.some((s) => s.key === input.level))) return { ok: false, error: "validation" };
  const written = input.written.trim();
  if (written.length > WRITTEN_ASSESSMENT_MAX) return { ok: false, error: "tooLong" };
  const schoolId = db.select({ schoolId: people.schoolId }).from(people).where(eq(people.id, input.pupilId)).get()!.schoolId;
  const term = getActiveTerm(db, schoolId, today)!;
  const now = new Date();

  return db.transaction((tx) => {
    const existing = tx
      .select()
      .from(assessments)
      .where(and(eq(assessments.pupilId, input.pupilId), eq(assessments.subjectId, input.subjectId), eq(assessments.termId, term.id)))
      .get();
    const plan = tx
      .select({ id: plans.id, status: plans.status })
      .from(plans)
      .where(and(eq(plans.pupilId, input.pupilId), eq(plans.termId, term.id)))
      .get();
    // The term's assessments are part of the locked record: a change needs the mentor to unlock.
    if (plan && plan.status !== "draft") return { ok: false as const, error: "planLocked" as const };
    if (existing && existing.level === input.level && existing.written === written) {
      return { ok: true as const, savedAt: existing.updatedAt, planId: plan?.id ?? null, changed: false };
    }
    const id = existing?.id ?? newId();
    if (existing) {
      tx.update(assessments).set({ level: input.level, written, updatedBy: input.teacherId, updatedAt: now }).where(eq(assessments.id, id)).run();
    } else {
      tx.insert(assessments)
        .values({ id, pupilId: input.pupilId, subjectId: input.subjectId, termId: term.id, level: input.level, written, updatedBy: input.teacherId, updatedAt: now })
        .run();
    }
    tx.insert(assessmentChanges).values({ assessmentId: id, level: input.level, written, changedBy: input.teacherId, changedAt: now }).run();
    return { ok: true as const, savedAt: now, planId: plan?.id ?? null, changed: true };
  });
}

/** Every change to one assessment, oldest first (for tests and a later history view). */
export function getAssessmentHistory(db: AppDatabase, pupilId: string, subjectId: string, termId: string) {
  return db
    .select({ level: assessmentChanges.level, written: assessmentChanges.written, changedBy: assessmentChanges.changedBy, changedAt: assessmentChanges.changedAt })
    .from(assessmentChanges)
    .innerJoin(assessments, eq(assessments.id, assessmentChanges.assessmentId))
    .where(and(eq(assessments.pupilId, pupilId), eq(assessments.subjectId, subjectId), eq(assessments.termId, termId)))
    .orderBy(asc(assessmentChanges.id))
    .all();
}
