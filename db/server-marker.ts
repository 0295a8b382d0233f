import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

/** The file a running server keeps beside its database, so a restore cannot pull it from under it. */
export const serverMarkerPath = (databasePath: string) => `${databasePath}.server`;

/** Notes that a server has this database open (removed again by `releaseDatabase`). */
export function claimDatabase(databasePath: string): void {
  writeFileSync(serverMarkerPath(databasePath), JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
}

export function releaseDatabase(databasePath: string): void {
  rmSync(serverMarkerPath(databasePath), { force: true });
}

/** Whether a live process has the database open as its server. */
export function databaseInUse(databasePath: string): boolean {
  const marker = serverMarkerPath(databasePath);
  if (!existsSync(marker)) return false;
  try {
    const { pid } = JSON.parse(readFileSync(marker, "utf8")) as { pid: number };
    process.kill(pid, 0);
    return true;
  } catch {
    // A marker left by a process that is gone (a crash): nobody has it open.
    return false;
  }
}

