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

export interface SessionStorageOptions {
  secret: string;
  secure: boolean;
  /**
   * Told the id of every session that ends here (signed out, replaced at sign-in, found expired),
   * so that what was opened with it (sockets, event streams) can end at once.
   */
  onEnded?: (sessionId: string) => void;
}

export function createDatabaseSessionStorage(db: AppDatabase, options: SessionStorageOptions): AppSessionStorage {
  const ended = (id: string) => {
    if (id) options.onEnded?.(id);
  };
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
        ended(id);
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
      ended(id);
    },
  });
}

/** Removes sessions past their expiry; run now and then by the server. Returns their ids. */
export function deleteExpiredSessions(db: AppDatabase, now: Date = new Date()): string[] {
  return db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id }).all().map((row) => row.id);
}

/** When a live session ends by time, or null when there is no such session (any more). */
export function getSessionExpiry(db: AppDatabase, sessionId: string): Date | null {
  const row = sessionById(db).get({ id: sessionId });
  return row && row.expiresAt.getTime() > Date.now() ? row.expiresAt : null;
}
