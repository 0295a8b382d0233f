import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type AppDatabase = BetterSQLite3Database<typeof schema> & {
  $client: import("better-sqlite3").Database;
};

// Resolved from the project root, so it holds both for db/client.ts under tsx and for the bundled
// server in dist/.
const migrationsFolder = fileURLToPath(new URL("../db/migrations", import.meta.url));

async function loadDriver(): Promise<typeof import("better-sqlite3")> {
  try {
    return (await import("better-sqlite3")).default;
  } catch (error) {
    throw new Error(
      "The SQLite driver (better-sqlite3) is not installed or its native module failed to build. " +
        "Run `npm install` (it compiles better-sqlite3; it needs python3, make and g++) and try again.",
      { cause: error },
    );
  }
}

/** Opens (creating if needed) the SQLite file, sets the pragmas we rely on and applies migrations. */
export async function openDatabase(path: string): Promise<AppDatabase> {
  const Database = await loadDriver();
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle(sqlite, { schema}) as AppDatabase;
  migrate(db, { migrationsFolder });
  return db;
}
