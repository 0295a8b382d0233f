import { createCookie, createSessionStorage, type SessionStorage } from "@remix-run/node";
import { eq, lt, sql } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { preparedQuery } from "../prepared";
import { newId } from "../ids";
import { sessions } from "../schema";

export interface SessionData {
  personId: string;
  /** When the person last proved who they are (sign-in or re-authentication), ms since epoch. */
  authenticatedAt: number;
  /** Set when the session was started through an OpenID Connect provider: which one, and the ID
   * token it gave (the hint for ending the provider's session at sign-out). */
  oidc: { provider: "staff" | "guardian"; idToken: string };
}

export type AppSessionStorage = SessionStorage<SessionData>;

export const SESSION_COOKIE_NAME = "__session";
const SESSION_HOURS = 12;

/** Server-side sessions in SQLite; the cookie holds only the signed session id. */
// Read on every request and every websocket: prepared once (see db/prepared.ts).
const sessionById = preparedQuery((db) => db.select().from(sessions).where(eq(sessions.id, sql.placeholder("id"))).prepare());

export function createDatabaseSessionStorage(
  db: AppDatabase,
  options: { secret: string; secure: boolean },
): AppSessionStorage {
  const cookie = createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    secure: options.secure,
    path: "/",
    secrets: [options.secret],
    maxAge: SESSION_HOURS * 3600,
  });
  const expiry = (expires?: Date) => expires ?? new Date(Date.now() + SESSION_HOURS * 3600_000);

  return createSessionStorage<SessionData>({
    cookie,
    async createData(data, expires) {
      const id = newId() + newId();
      db.insert(sessions)
        .values({ id, personId: data.personId ?? null, data: JSON.stringify(data), expiresAt: expiry(expires) })
        .run();
      return id;
    },
    async readData(id) {
      const row = sessionById(db).get({ id });
      if (!row) return null;
      if (row.expiresAt.getTime() <= Date.now()) {
        db.delete(sessions).where(eq(sessions.id, id)).run();
        return null;
      }
      return JSON.parse(row.data) as Partial<SessionData>;
    },
    async updateData(id, data, expires) {
      db.update(sessions)
        .set({ personId: data.personId ?? null, data: JSON.stringify(data), expiresAt: expiry(expires) })
        .where(eq(sessions.id, id))
        .run();
    },
    async deleteData(id) {
      db.delete(sessions).where(eq(sessions.id, id)).run();
    },
  });
}

/** Removes sessions past their expiry; run now and then by the server. */
export function deleteExpiredSessions(db: AppDatabase, now: Date = new Date()): number {
  return db.delete(sessions).where(lt(sessions.expiresAt, now)).run().changes;
}
