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
