import { existsSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { databaseInUse } from "./server-marker";

/**
 * Backups of a school's database while it runs, and restoring one. Both go through SQLite's online
 * backup API (better-sqlite3's `backup`), which copies a consistent snapshot page by page even while
 * the server writes, and checks the copy before calling it done.
 */

export interface BackupReport {
  path: string;
  bytes: number;
  /** How many migrations the copy has: a restore refuses a copy newer than the code. */
  migrations: number;
}

/** Checks a database file: SQLite's integrity check, and how many migrations it has had. */
export function checkDatabaseFile(path: string): { ok: boolean; problem: string | null; migrations: number } {
  if (!existsSync(path)) return { ok: false, problem: "no such file", migrations: 0 };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma("integrity_check", { simple: true });
    const migrations = (db.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n;
    return { ok: result === "ok", problem: result === "ok" ? null : String(result), migrations };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : "not a database of this app", migrations: 0 };
  } finally {
    db.close();
  }
}

/** A consistent copy of the (possibly running) database at `destination`, checked. */
export async function backupDatabase(source: string, destination: string): Promise<BackupReport> {
  if (existsSync(destination)) throw new Error(`${destination} exists already; a backup never overwrites a file`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
  const check = checkDatabaseFile(destination);
  if (!check.ok) {
    rmSync(destination, { force: true });
    throw new Error(`the copy failed its check: ${check.problem}`);
  }
  return { path: destination, bytes: statSync(destination).size, migrations: check.migrations };
}

/**
 * Puts a backup in place of the database. Refuses while a server has the database open (stop it
 * first: its memory holds live documents the copy would not match), and refuses a copy that fails
 * its check. The database's write-ahead log goes with the old content.
 */
export async function restoreDatabase(backup: string, target: string, knownMigrations: number): Promise<BackupReport> {
  if (databaseInUse(target)) throw new Error("a server has this database open: stop it before restoring");
  const check = checkDatabaseFile(backup);
  if (!check.ok) throw new Error(`the backup failed its check: ${check.problem}`);
  if (check.migrations > knownMigrations) throw new Error("the backup was made by a newer version of the app");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
  const db = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  return { path: target, bytes: statSync(target).size, migrations: check.migrations };
}
