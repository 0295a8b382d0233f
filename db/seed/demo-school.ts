import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hash } from "@node-rs/argon2";
import { count, inArray, or } from "drizzle-orm";
import { mapSs12000 } from "../../app/services/roster-import/ss12000-map.server";
import { importRosterNow } from "../../app/services/roster-import/import.server";
import { readSs12000Files } from "../../app/services/roster-import/ss12000-files.server";
import { SCHOOL_UNIT } from "../../app/services/roster-import/ss12000-model";
import type { AppDatabase } from "../client";
import { schoolYearStartYear, stockholmToday } from "../school-calendar";
import { credentials, people, schools, staff } from "../schema";
import { DEMO_REFERENCE_YEAR, demoAccounts, norrbyGuardianEmail } from "./demo-school-data";

export { demoAccounts };

/** The password of every demo account. Printed in the README; never used outside the demo. */
export const DEMO_PASSWORD = "demo";

/** The committed fixture, beside this file (or, from the bundled server in dist/, in db/seed). */
function fixturePath(): string {
  for (const relative of ["./demo-school.ss12000.json", "../db/seed/demo-school.ss12000.json"]) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("db/seed/demo-school.ss12000.json is missing");
}

/** Moves every date of the data by whole years (the fixture is written for one school year). */
export function shiftYears<T>(value: T, years: number): T {
  if (years === 0) return value;
  const shift = (date: string) => {
    const shifted = `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
    return shifted.endsWith("-02-29") ? shifted.replace(/-02-29$/, "-02-28") : shifted;
  };
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? shift(v) : v)) as T;
}

/**
 * Seeds the demo school (Solbackeskolan and Norrbyskolan) when the database holds no school yet,
 * through the roster import, as a school's own SS12000 data would come in: the committed fixture
 * (db/seed/demo-school.ss12000.json, made by `npm run demo:fixture`), its dates moved to the
 * school year of `today`. Passwords are not roster data: the demo's accounts get theirs here.
 * Returns whether it seeded.
 */
export async function seedDemoSchool(db: AppDatabase, today: string = stockholmToday()): Promise<boolean> {
  const [existing] = db.select({ n: count() }).from(schools).all();
  if ((existing?.n ?? 0) > 0) return false;

  const path = fixturePath();
  const fixture = readSs12000Files([{ name: "demo-school.ss12000.json", text: readFileSync(path, "utf8") }]);
  if (!fixture.ok) throw new Error(`the demo fixture is not valid SS12000 data: ${JSON.stringify(fixture.problems.slice(0, 5))}`);
  const data = shiftYears(fixture.data, schoolYearStartYear(today) - DEMO_REFERENCE_YEAR);
  const passwordHash = await hash(DEMO_PASSWORD);
  const now = new Date();
  db.transaction((tx) => {
    const t = tx as unknown as AppDatabase;
    for (const unit of data.organisations.filter((o) => o.organisationType === SCHOOL_UNIT)) {
      const mapped = mapSs12000(data, { schoolUnitId: unit.id, today, externalIdContext: null });
      if (!mapped.ok) throw new Error(`the demo fixture does not map: ${JSON.stringify(mapped.problems)}`);
      const imported = importRosterNow(t, { roster: mapped.roster, source: "demo-seed", now });
      if (!imported.ok) throw new Error(`the demo fixture does not import: ${JSON.stringify(imported.problems)}`);
    }
    // Every member of staff and the accounts the README lists sign in with the demo password.
    const holders = t
      .select({ id: people.id })
      .from(people)
      .where(or(inArray(people.id, t.select({ id: staff.personId }).from(staff)), inArray(people.email, [...Object.values(demoAccounts), norrbyGuardianEmail])))
      .all();
    t.insert(credentials)
      .values(holders.map((h) => ({ personId: h.id, passwordHash, updatedAt: now })))
      .run();
  });
  return true;
}
