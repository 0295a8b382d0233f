import { z } from "zod";

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const booleanText = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * The signing-key secret a development or demo install uses when none is given. It is public (it is
 * in this file), so a production start refuses it: there the key must be sealed with a real secret.
 */
export const DEVELOPMENT_SIGNING_KEY_SECRET = "development-only-signing-key-secret-not-for-production";

/** The address people reach the app at: an http(s) origin, nothing after it. */
const publicUrl = z
  .string()
  .url("PUBLIC_URL must be an address such as https://iup.skola.se")
  .transform((value, ctx) => {
    const url = new URL(value);
    const originOnly = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
    if (!/^https?:$/.test(url.protocol) || !originOnly) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "PUBLIC_URL must be http(s)://host[:port] without a path, e.g. https://iup.skola.se" });
      return z.NEVER;
    }
    return url.origin;
  });

const secret = (name: string) => z.preprocess(emptyAsUnset, z.string().min(32, `${name} must be at least 32 characters`).optional());

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_PATH: z.string().min(1).default("./data/app.sqlite"),
  /** Where people reach the app; links in mail and on exported PDFs use it. Required in production. */
  PUBLIC_URL: z.preprocess(emptyAsUnset, publicUrl.optional()),
  /** Signs the session and known-device cookies. Required in production; otherwise made and kept in the database. */
  SESSION_SECRET: secret("SESSION_SECRET"),
  /** Encrypts the plan-signing key in the database. Required in production. */
  SIGNING_KEY_SECRET: secret("SIGNING_KEY_SECRET"),
  /** The secret the signing key was encrypted with before; given once while moving to a new SIGNING_KEY_SECRET. */
  SIGNING_KEY_SECRET_PREVIOUS: secret("SIGNING_KEY_SECRET_PREVIOUS"),
  /** Lets operators read the server's figures at /healthz (Authorization: Bearer <token>). Unset: nobody can. */
  METRICS_TOKEN: secret("METRICS_TOKEN"),
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
});

export type Env = z.infer<typeof EnvSchema> & { SEED_DEMO: boolean; COOKIE_SECURE: boolean; PUBLIC_URL: string; SIGNING_KEY_SECRET: string };

/** Reads configuration from the environment; a bad value stops the start with a clear message. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === "production";
  if (production) {
    // Defaults that are fine on a laptop would be holes in a school's install.
    const missing = (["PUBLIC_URL", "SESSION_SECRET", "SIGNING_KEY_SECRET"] as const).filter((name) => !env[name]);
    if (missing.length > 0) throw new Error(`Invalid configuration: production needs ${missing.join(", ")} (see README, Security)`);
    if (env.SIGNING_KEY_SECRET === DEVELOPMENT_SIGNING_KEY_SECRET) {
      throw new Error("Invalid configuration: SIGNING_KEY_SECRET is the public development value; set a secret of your own");
    }
  }
  return {
    ...env,
    SEED_DEMO: env.SEED_DEMO ?? !production,
    COOKIE_SECURE: env.COOKIE_SECURE ?? production,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT || 3000}`,
    SIGNING_KEY_SECRET: env.SIGNING_KEY_SECRET ?? DEVELOPMENT_SIGNING_KEY_SECRET,
  };
}
