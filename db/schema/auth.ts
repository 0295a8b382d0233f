import { integer, sqliteTable, text, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { people } from "./roster";

export const credentials = sqliteTable("credentials", {
  personId: text("person_id")
    .primaryKey()
    .references(() => people.id),
  /** argon2id, PHC string format. */
  passwordHash: text("password_hash").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Server-side sessions: the cookie carries only the (signed) session id. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    personId: text("person_id").references(() => people.id),
    data: text("data").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_person").on(t.personId)],
);

/** Failed sign-ins per account and per address, to slow down password guessing.
 * Keys are hashed so the table holds no e-mail addresses or IP addresses in clear. */
export const signInFailures = sqliteTable("sign_in_failures", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: integer("last_failure_at", { mode: "timestamp_ms" }).notNull(),
});

/** Secrets the server makes for itself on first start (session cookie secret, signing keys). */
export const serverSecrets = sqliteTable("server_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
});

/** One-time links to set a password (an admin's invitation, or "forgot password"). Only the
 * SHA-256 of the token is kept: the database alone cannot be used to take over an account. */
export const passwordTokens = sqliteTable(
  "password_tokens",
  {
    id: text("id").primaryKey(),
    personId: text("person_id")
      .notNull()
      .references(() => people.id),
    /** SHA-256 of the random token, base64url. */
    tokenHash: text("token_hash").notNull(),
    purpose: text("purpose", { enum: ["invitation", "reset"] }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("password_tokens_hash").on(t.tokenHash), index("password_tokens_person").on(t.personId)],
);

/** Requests counted in a fixed window per (hashed) key, e.g. reset links asked for per address. */
export const requestLimits = sqliteTable("request_limits", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
});
