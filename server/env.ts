import { z } from "zod";

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const booleanText = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_PATH: z.string().min(1).default("./data/app.sqlite"),
  /** Signs the session cookie. Made and kept in the database on first start when not given. */
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  /** Seed the demo school into an empty database. Default: yes, except in production. */
  SEED_DEMO: booleanText.optional(),
  /** Send cookies only over HTTPS. Default: yes in production. */
  COOKIE_SECURE: booleanText.optional(),
  /** How long a plan nobody has open stays in memory (ms). */
  COLLAB_UNLOAD_MS: z.coerce.number().int().min(0).default(30_000),
  /** Compact a plan's stored update log after this many updates. */
  COLLAB_COMPACT_EVERY: z.coerce.number().int().min(1).default(500),
  /** Largest websocket message accepted (bytes). */
  COLLAB_MAX_PAYLOAD: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** smtp(s)://user:pass@host:port for invitations; unset keeps them in the in-app outbox. */
  SMTP_URL: z.preprocess(
    emptyAsUnset,
    z.string().regex(/^smtps?:\/\/[^\s]+$/, "SMTP_URL must look like smtp://user:pass@host:587").optional(),
  ),
  MAIL_FROM: z.preprocess(emptyAsUnset, z.string().email("MAIL_FROM must be an e-mail address").optional()),
  /** The app's public address, for links in mail sent by the scheduler (reminders); else the request's or localhost. */
  APP_URL: z.preprocess(emptyAsUnset, z.string().regex(/^https?:\/\/[^\s/]+$/, "APP_URL must look like https://iup.school.se").optional()),
  /** How often the mail scheduler looks for due messages and reminders (ms). */
  MAIL_TICK_MS: z.coerce.number().int().min(10).default(30_000),
  /** The wait before the first retry of a failed send (ms); each later one waits twice as long. */
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).default(60_000),
  /** Attempts before a message is marked failed. */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof EnvSchema> & { SEED_DEMO: boolean; COOKIE_SECURE: boolean };

/** Reads configuration from the environment; a bad value stops the start with a clear message. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === "production";
  return { ...env, SEED_DEMO: env.SEED_DEMO ?? !production, COOKIE_SECURE: env.COOKIE_SECURE ?? production };
}
