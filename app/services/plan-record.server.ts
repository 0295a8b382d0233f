import { yXmlFragmentToProsemirrorJSON } from "@tiptap/y-tiptap";
import { findRelations, roleOf } from "~/policies/relations.server";
import canonicalize from "canonicalize";
import { eq } from "drizzle-orm";
import type * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { getAssessments, getPupilScale } from "../../db/queries/assessments";
import { listThreads } from "../../db/queries/comments";
import { getPlanSections } from "../../db/queries/plans";
import { people, schools, terms, type Plan } from "../../db/schema";
import sv from "~/locales/sv/common";
import { sha256Hex } from "./signing-key.server";

/**
 * The record of a locked plan: what the signers saw, as data. Built from the live document and
 * SQL in one synchronous step, serialised with RFC 8785 (keys sorted, no whitespace) so the same
 * content always gives the same bytes and the same SHA-256, whoever typed what when.
 * Staff-only threads are left out: the pupil and guardians sign only what they could read.
 */

export const PLAN_RECORD_FORMAT = "elevledd-iup/plan-record@1";

import type { RecordNode } from "~/utils/record-text";

export type { RecordNode };

export interface PlanRecord {
  format: typeof PLAN_RECORD_FORMAT;
  plan: { id: string; version: number };
  school: string;
  pupil: { id: string; name: string };
  term: { kind: "HT" | "VT"; year: number };
  locked: { at: string; by: { id: string; name: string } };
  sections: Array<{
    kind: string;
    title: string;
    subjectCode: string | null;
    text: RecordNode[];
    assessment: { scale: "grades" | "knowledge"; level: string | null; written: string; by: string; at: string } | null;
    threads: Array<{
      about: "assessment" | "text";
      quote: string | null;
      status: "open" | "resolved";
      comments: Array<{ author: string; role: string | null; at: string; body: string }>;
    }>;
  }>;
}

const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

export function buildPlanRecord(db: AppDatabase, plan: Plan, doc: Y.Doc, lockedBy: string, lockedAt: Date): PlanRecord {
  const pupil = db.select().from(people).where(eq(people.id, plan.pupilId)).get()!;
  const school = db.select({ name: schools.name }).from(schools).where(eq(schools.id, pupil.schoolId)).get()!;
  const term = db.select().from(terms).where(eq(terms.id, plan.termId)).get()!;
  const locker = db.select().from(people).where(eq(people.id, lockedBy)).get()!;
  const scale = getPupilScale(db, plan.pupilId);
  const assessments = getAssessments(db, [plan.pupilId], plan.termId);
  // The record holds what the family may read: never a staff-only thread.
  const threads = listThreads(db, plan, { includeStaffOnly: false });
  const roleOfAuthor = (authorId: string) => roleOf(findRelations(db, authorId, plan.pupilId));

  return {
    format: PLAN_RECORD_FORMAT,
    plan: { id: plan.id, version: plan.version },
    school: school.name,
    pupil: { id: pupil.id, name: nameOf(pupil) },
    term: { kind: term.kind, year: term.year },
    locked: { at: lockedAt.toISOString(), by: { id: locker.id, name: nameOf(locker) } },
    sections: getPlanSections(db, plan.id).map((section) => {
      const saved = section.subject ? assessments.get(`${plan.pupilId}:${section.subject.id}`) : undefined;
      const step = saved?.level ? scale?.steps.find((s) => s.key === saved.level) : undefined;
      const json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(section.fragment)) as { content?: RecordNode[] };
      return {
        kind: section.kind,
        title: section.subject ? section.subject.nameSv : sv.plan.sections[section.kind as Exclude<typeof section.kind, "subject">],
        subjectCode: section.subject?.code ?? null,
        text: json.content ?? [],
        assessment: saved
          ? { scale: scale?.kind ?? "grades", level: step ? step.sv : null, written: saved.written, by: nameOf(saved.updatedBy), at: saved.updatedAt.toISOString() }
          : null,
        threads: threads
          .filter((thread) => thread.subjectId === section.subject?.id)
          .map((thread) => ({
            about: thread.anchorKind,
            quote: thread.quote,
            status: thread.status,
            comments: thread.comments.map((c) => ({ author: nameOf(c.author), role: roleOfAuthor(c.author.id), at: c.createdAt.toISOString(), body: c.body })),
          })),
      };
    }),
  };
}

/** The exact bytes that are hashed and stored: RFC 8785 canonical JSON. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value cannot be canonicalised");
  return text;
}

export function hashRecord(canonical: string): string {
  return sha256Hex(canonical);
}

