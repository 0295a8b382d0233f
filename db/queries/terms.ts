import { and, desc, eq, lte, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { terms, type Term } from "../schema";

const activeTerm = preparedQuery((db) =>
  db
    .select()
    .from(terms)
    .where(and(eq(terms.schoolId, sql.placeholder("schoolId")), lte(terms.startsOn, sql.placeholder("today"))))
    .orderBy(desc(terms.startsOn))
    .limit(1)
    .prepare(),
);

/** The term in progress on `today`, or between terms the one that started most recently. */
export function getActiveTerm(db: AppDatabase, schoolId: string, today: string): Term | null {
  return activeTerm(db).get({ schoolId, today }) ?? null;
}

const termById = preparedQuery((db) => db.select().from(terms).where(eq(terms.id, sql.placeholder("termId"))).prepare());

export function getTerm(db: AppDatabase, termId: string): Term | null {
  return termById(db).get({ termId }) ?? null;
}
