import { z } from "zod";
import { PERSON_ROLES, type PersonRole } from "../db/queries/accounts";

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const urlOrNull = (value: string) => {
  try {
    return new URL(value);
  } catch {
    return null;
  }
};
const booleanText = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * The signing-key secret a development or demo install uses when none is given. It is public (it is
 * in this file), so a production start refuses it: there the key must be sealed with a real secret.
 */
export const DEVELOPMENT_SIGNING_KEY_SECRET = "development-only-signing-key-secret-not-for-production";

const secret = (name: string) => z.preprocess(emptyAsUnset, z.string().min(32, `${name} must be at least 32 characters`).optional());

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_PATH: z.string().min(1).default("./data/app.sqlite"),
  /** Signs the session and known-device cookies. Required in production; otherwise made and kept in the database. */
  SESSION_SECRET: secret("SESSION_SECRET"),
  /** Encrypts the plan-signing key in the database. Required in production. */
  SIGNING_KEY_SECRET: secret("SIGNING_KEY_SECRET"),
  /** The secret the signing key was encrypted with before; given once while moving to a new SIGNING_KEY_SECRET. */
  SIGNING_KEY_SECRET_PREVIOUS: secret("SIGNING_KEY_SECRET_PREVIOUS"),
  /** Lets operators read the server's figures at /healthz (Authorization: Bearer <token>). Unset: nobody can. */
  METRICS_TOKEN: secret("METRICS_TOKEN"),
  /** Tests only: POST /__faults may make the database refuse writes or the process die at a step of locking, signing or storing a talk day's mail (server/faults.ts). Refused in production. */
  FAULT_INJECTION: booleanText.default("false"),
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
  /** Where people report accessibility problems (the accessibility statement names it); unset, the statement points to the school. */
  ACCESSIBILITY_CONTACT: z.preprocess(emptyAsUnset, z.string().email("ACCESSIBILITY_CONTACT must be an e-mail address").optional()),
  /** At most one notification mail per person per this many minutes (a call is sent at once). */
  NOTIFICATION_MAIL_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  /** How often the mail scheduler looks for due messages and reminders (ms). */
  MAIL_TICK_MS: z.coerce.number().int().min(10).default(30_000),
  /** The wait before the first retry of a failed send (ms); each later one waits twice as long. */
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).default(60_000),
  /** Attempts before a message is marked failed. */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The address people reach the app at (links in e-mails, OpenID Connect redirects). Required in
   * production; elsewhere http://localhost:<port> (the address the server listens on). */
  PUBLIC_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .url("PUBLIC_URL must be an absolute URL such as https://iup.kommun.se")
      .refine((value) => /^https?:$/.test(urlOrNull(value)?.protocol ?? ""), "PUBLIC_URL must start with https:// (or http://)")
      .refine((value) => {
        const url = urlOrNull(value);
        return url !== null && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
      }, "PUBLIC_URL must be an origin only, without a path, query or fragment")
      .transform((value) => new URL(value).origin)
      .optional(),
  ),
  /** Roles that may sign in with a password: a comma-separated list of staff, pupil, guardian, or none. */
  PASSWORD_SIGN_IN: z
    .string()
    .default(PERSON_ROLES.join(","))
    .transform((value, ctx) => {
      const words = value.split(",").map((w) => w.trim().toLowerCase()).filter(Boolean);
      if (words.length === 1 && words[0] === "none") return [] as PersonRole[];
      const unknown = words.filter((w) => !(PERSON_ROLES as readonly string[]).includes(w));
      if (unknown.length > 0 || words.length === 0) {
        ctx.addIssue({ code: "custom", message: `PASSWORD_SIGN_IN lists roles out of ${PERSON_ROLES.join(", ")} (or is none)` });
        return z.NEVER;
      }
      return [...new Set(words)] as PersonRole[];
    }),
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

export type ProviderId = "staff" | "guardian";

/** One OpenID Connect provider: where it is, our client there, and how its people are matched. */
export interface OidcProviderSettings {
  id: ProviderId;
  issuer: string;
  clientId: string;
  /** Unset for a public client (PKCE only). */
  clientSecret?: string;
  scopes: string;
  /** What the claim is compared with: `people.email` (case-insensitive) or `people.external_id`. */
  match: "email" | "external_id";
  claim: string;
  /** The name on the button ("Logga in med <name>"); unset uses the role's default text. */
  name?: string;
  /** The roles the provider may sign in: staff and pupils, or guardians. */
  roles: readonly PersonRole[];
}

export interface SignInSettings {
  passwordRoles: readonly PersonRole[];
  providers: readonly OidcProviderSettings[];
}

export type Env = Omit<z.infer<typeof EnvSchema>, "PASSWORD_SIGN_IN"> & {
  SEED_DEMO: boolean;
  COOKIE_SECURE: boolean;
  SIGNING_KEY_SECRET: string;
  SIGN_IN: SignInSettings;
};

/** Which roles each provider signs in (README: "Sign-in"). Decided here, once. */
const PROVIDER_ROLES: Record<ProviderId, readonly PersonRole[]> = { staff: ["staff", "pupil"], guardian: ["guardian"] };
const PROVIDER_PREFIX: Record<ProviderId, string> = { staff: "OIDC_STAFF_", guardian: "OIDC_GUARDIAN_" };

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

const ProviderSchema = z.object({
  ISSUER: z
    .string({ required_error: "the issuer URL is required when any setting of the provider is given" })
    .url("must be a URL such as https://idp.kommun.se")
    .refine((value) => {
      const url = urlOrNull(value);
      return url !== null && (url.protocol === "https:" || (url.protocol === "http:" && loopbackHosts.has(url.hostname)));
    }, "must use https:// (plain http only on this machine: localhost or 127.0.0.1)"),
  CLIENT_ID: z.string({ required_error: "the client id is required" }).min(1),
  CLIENT_SECRET: z.string().min(1).optional(),
  SCOPES: z
    .string()
    .refine((value) => value.split(/\s+/).includes("openid"), "must include openid")
    .optional(),
  MATCH: z.enum(["email", "external_id"]).default("email"),
  CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,200}$/, "must be a claim name such as email or sub")
    .optional(),
  NAME: z.string().trim().min(1).max(60).optional(),
});

function readProvider(id: ProviderId, source: NodeJS.ProcessEnv, problems: string[]): OidcProviderSettings | null {
  const prefix = PROVIDER_PREFIX[id];
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (name.startsWith(prefix) && value !== undefined && value !== "") fields[name.slice(prefix.length)] = value;
  }
  if (Object.keys(fields).length === 0) return null;
  const parsed = ProviderSchema.strict().safeParse(fields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const names = issue.code === "unrecognized_keys" ? issue.keys : [issue.path.join(".")];
      problems.push(`${names.map((n) => `${prefix}${n}`).join(", ")}: ${issue.code === "unrecognized_keys" ? "unknown setting" : issue.message}`);
    }
    return null;
  }
  const p = parsed.data;
  return {
    id,
    issuer: p.ISSUER,
    clientId: p.CLIENT_ID,
    ...(p.CLIENT_SECRET ? { clientSecret: p.CLIENT_SECRET } : {}),
    scopes: p.SCOPES ?? (p.MATCH === "email" ? "openid email" : "openid"),
    match: p.MATCH,
    claim: p.CLAIM ?? (p.MATCH === "email" ? "email" : "sub"),
    ...(p.NAME ? { name: p.NAME } : {}),
    roles: PROVIDER_ROLES[id],
  };
}

/** Reads configuration from the environment; a bad value stops the start with a clear message. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const { PASSWORD_SIGN_IN: passwordRoles, ...env } = parsed.data;
  if (env.SS12000_BASE_URL && !env.SS12000_TOKEN && !(env.SS12000_TOKEN_URL && env.SS12000_CLIENT_ID && env.SS12000_CLIENT_SECRET)) {
    throw new Error("Invalid configuration: SS12000_BASE_URL needs SS12000_TOKEN, or SS12000_TOKEN_URL, SS12000_CLIENT_ID and SS12000_CLIENT_SECRET");
  }
  const production = env.NODE_ENV === "production";
  const problems: string[] = [];
  const providers = (["staff", "guardian"] as const)
    .map((id) => readProvider(id, source, problems))
    .filter((p): p is OidcProviderSettings => p !== null);
  if (production) {
    // Defaults that are fine on a laptop would be holes in a school's install (README, Security).
    if (!env.PUBLIC_URL) problems.push("PUBLIC_URL: required in production (the address in e-mailed links and sign-in redirects)");
    if (!env.SESSION_SECRET) problems.push("SESSION_SECRET: required in production (signs the session cookies)");
    if (!env.SIGNING_KEY_SECRET) problems.push("SIGNING_KEY_SECRET: required in production (encrypts the plan-signing key)");
    if (env.SIGNING_KEY_SECRET === DEVELOPMENT_SIGNING_KEY_SECRET) problems.push("SIGNING_KEY_SECRET: is the public development value; set a secret of your own");
    if (env.FAULT_INJECTION) problems.push("FAULT_INJECTION: is for tests only and cannot be on in production");
  }
  if (problems.length === 0 && passwordRoles.length === 0 && providers.length === 0) {
    problems.push("PASSWORD_SIGN_IN: is none and no OpenID Connect provider is set up, so nobody could sign in");
  }
  if (problems.length > 0) throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  return {
    ...env,
    SEED_DEMO: env.SEED_DEMO ?? !production,
    COOKIE_SECURE: env.COOKIE_SECURE ?? production,
    SIGNING_KEY_SECRET: env.SIGNING_KEY_SECRET ?? DEVELOPMENT_SIGNING_KEY_SECRET,
    SIGN_IN: { passwordRoles, providers },
  };
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
