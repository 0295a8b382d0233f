import { and, desc, lte } from "drizzle-orm";
import { eq } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { terms, type Term } from "../schema";

/** The term in progress on `today`, or between terms the one that started most recently. */
export function getActiveTerm(db: AppDatabase, schoolId: string, today: string): Term | null {
  return (
    db
      .select()
      .from(terms)
      .where(and(eq(terms.schoolId, schoolId), lte(terms.startsOn, today)))
      .orderBy(desc(terms.startsOn))
      .limit(1)
      .get() ?? null
  );
}
