import { hash } from "@node-rs/argon2";
import { and, eq } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { newId } from "../../db/ids";
import { getOrCreatePlan } from "../../db/queries/plans";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { credentials, groupMembers, groups, people, pupils, schools } from "../../db/schema";
import { seedDemoSchool } from "../../db/seed/demo-school";

export const BENCH_PASSWORD = "bench";

/**
 * A database for the benchmark: the demo school plus `count` extra pupils in Jonas Ek's mentor
 * group, each with an account and this term's plan. One password hash is shared by all of them
 * (hashing thousands with argon2 would only time the seed).
 */
export async function seedBenchDatabase(path: string, count: number): Promise<void> {
  const db = await openDatabase(path);
  await seedDemoSchool(db);
  const school = db.select().from(schools).get()!;
  const mentorGroup = db.select().from(groups).where(and(eq(groups.schoolId, school.id), eq(groups.name, "8A – Jonas Ek"))).get()!;
  const term = getActiveTerm(db, school.id, stockholmToday())!;
  const passwordHash = await hash(BENCH_PASSWORD);
  const now = new Date();
  db.transaction((tx) => {
    for (let i = 0; i < count; i++) {
      const id = newId();
      tx.insert(people).values({ id, schoolId: school.id, givenName: `Elev${i}`, familyName: "Bench", email: benchEmail(i), dateOfBirth: "2012-05-01" }).run();
      tx.insert(pupils).values({ personId: id, schoolYear: 8 }).run();
      tx.insert(groupMembers).values({ groupId: mentorGroup.id, pupilId: id }).run();
      tx.insert(credentials).values({ personId: id, passwordHash, updatedAt: now }).run();
    }
  });
  const ids = db.select({ id: people.id }).from(people).where(eq(people.familyName, "Bench")).all();
  for (const { id } of ids) getOrCreatePlan(db, id, term.id);
  db.$client.close();
}

export const benchEmail = (i: number) => `elev${i}@bench.test`;
