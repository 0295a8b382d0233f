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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The school's SS12000 API (its base URL, e.g. https://sis.example.se/ss12000/v2.1); unset: imports from files only. */
  SS12000_BASE_URL: z.preprocess(emptyAsUnset, z.string().url("SS12000_BASE_URL must be a URL").optional()),
  /** A bearer token for it, as the school's system issued it... */
  SS12000_TOKEN: z.preprocess(emptyAsUnset, z.string().optional()),
  /** ...or OAuth2 client credentials to get one. */
  SS12000_TOKEN_URL: z.preprocess(emptyAsUnset, z.string().url("SS12000_TOKEN_URL must be a URL").optional()),
  SS12000_CLIENT_ID: z.preprocess(emptyAsUnset, z.string().optional()),
  SS12000_CLIENT_SECRET: z.preprocess(emptyAsUnset, z.string().optional()),
  SS12000_SCOPE: z.preprocess(emptyAsUnset, z.string().optional()),
  /** Objects asked for per page (the standard's `limit`). */
  SS12000_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  SS12000_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Which of a person's `externalIdentifiers` (its context) fills people.external_id; see the README. */
  SS12000_EXTERNAL_ID_CONTEXT: z.preprocess(emptyAsUnset, z.string().optional()),
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
  if (env.SS12000_BASE_URL && !env.SS12000_TOKEN && !(env.SS12000_TOKEN_URL && env.SS12000_CLIENT_ID && env.SS12000_CLIENT_SECRET)) {
    throw new Error("Invalid configuration: SS12000_BASE_URL needs SS12000_TOKEN, or SS12000_TOKEN_URL, SS12000_CLIENT_ID and SS12000_CLIENT_SECRET");
  }
  const production = env.NODE_ENV === "production";
  return { ...env, SEED_DEMO: env.SEED_DEMO ?? !production, COOKIE_SECURE: env.COOKIE_SECURE ?? production };
}

/** How the app reads rosters from outside (handed to the app in its load context). */
export function rosterSourcesFrom(env: Env) {
  return {
    ss12000: env.SS12000_BASE_URL
      ? {
          baseUrl: env.SS12000_BASE_URL,
          token: env.SS12000_TOKEN ?? null,
          oauth:
            env.SS12000_TOKEN_URL && env.SS12000_CLIENT_ID && env.SS12000_CLIENT_SECRET
              ? { tokenUrl: env.SS12000_TOKEN_URL, clientId: env.SS12000_CLIENT_ID, clientSecret: env.SS12000_CLIENT_SECRET, scope: env.SS12000_SCOPE ?? null }
              : null,
          pageSize: env.SS12000_PAGE_SIZE,
          timeoutMs: env.SS12000_TIMEOUT_MS,
        }
      : null,
    externalIdContext: env.SS12000_EXTERNAL_ID_CONTEXT ?? null,
  };
}
