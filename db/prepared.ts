import type { AppDatabase } from "./client";

/**
 * A query built and prepared once per database, for the paths every request and every
 * websocket takes (session, person, plan, access). Building a query with drizzle and preparing
 * it in SQLite cost several times more than running it: a plan page asked ~20 such questions,
 * a school's class connecting at once a few hundred.
 */
export function preparedQuery<T>(build: (db: AppDatabase) => T): (db: AppDatabase) => T {
  const byDatabase = new WeakMap<AppDatabase, T>();
  return (db) => {
    let prepared = byDatabase.get(db);
    if (prepared === undefined) {
      prepared = build(db);
      byDatabase.set(db, prepared);
    }
    return prepared;
  };
}
