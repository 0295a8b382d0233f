import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { serverSecrets } from "../schema";

/** A secret the server keeps in its own database, made on first use (e.g. the cookie secret). */
export function getOrCreateServerSecret(db: AppDatabase, name: string, make: () => string = () => randomBytes(32).toString("base64url")): string {
  return db.transaction((tx) => {
    const existing = tx.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get();
    if (existing) return existing.value;
    const value = make();
    tx.insert(serverSecrets).values({ name, value }).run();
    return value;
  });
}

export function getServerSecret(db: AppDatabase, name: string): string | null {
  return db.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get()?.value ?? null;
}

/** The secrets whose names start with `prefix`. */
export function listServerSecrets(db: AppDatabase, prefix: string): Array<{ name: string; value: string }> {
  // A handful of rows: filtering here avoids LIKE's wildcards in a prefix.
  return db.select().from(serverSecrets).all().filter((row) => row.name.startsWith(prefix));
}

export function putServerSecret(db: AppDatabase, name: string, value: string): void {
  db.insert(serverSecrets).values({ name, value }).onConflictDoUpdate({ target: serverSecrets.name, set: { value } }).run();
}

export function deleteServerSecret(db: AppDatabase, name: string): void {
  db.delete(serverSecrets).where(eq(serverSecrets.name, name)).run();
}

/**
 * Runs `change` with SQLite overwriting the bytes that deleted or replaced values took up, and
 * then copies its log into the file and empties it: without this SQLite only marks the space free,
 * and a copy of the files would still hold the old value.
 */
export function withSecureErase<T>(db: AppDatabase, change: () => T): T {
  const previous = Number(db.$client.pragma("secure_delete", { simple: true }));
  db.$client.pragma("secure_delete = ON");
  try {
    return change();
  } finally {
    db.$client.pragma(`secure_delete = ${previous ? "ON" : "OFF"}`);
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
  }
}
