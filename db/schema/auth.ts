import { integer, sqliteTable, text, index } from "drizzle-orm/sqlite-core";
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
