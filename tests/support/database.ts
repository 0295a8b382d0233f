import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase, type AppDatabase } from "../../db/client";
import { groups, people } from "../../db/schema";
import { seedDemoSchool } from "../../db/seed/demo-school";

/** A fresh SQLite file with the demo school, for tests of queries and services. */
export async function createSeededDatabase(today: string): Promise<{ db: AppDatabase; cleanup(): void }> {
  const folder = mkdtempSync(join(tmpdir(), "iup-db-"));
  const db = await openDatabase(join(folder, "test.sqlite"));
  await seedDemoSchool(db, today);
  return {
    db,
    cleanup() {
      db.$client.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function personIdByEmail(db: AppDatabase, email: string): string {
  const row = db.select({ id: people.id }).from(people).where(eq(people.email, email)).get();
  if (!row) throw new Error(`no person with e-mail ${email}`);
  return row.id;
}

export function personIdByName(db: AppDatabase, givenName: string, familyName: string): string {
  const rows = db.select({ id: people.id, familyName: people.familyName }).from(people).where(eq(people.givenName, givenName)).all();
  const row = rows.find((r) => r.familyName === familyName);
  if (!row) throw new Error(`no person named ${givenName} ${familyName}`);
  return row.id;
}

export function groupIdByName(db: AppDatabase, name: string): string {
  const row = db.select({ id: groups.id }).from(groups).where(eq(groups.name, name)).get();
  if (!row) throw new Error(`no group named ${name}`);
  return row.id;
}
