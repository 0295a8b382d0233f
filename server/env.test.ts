import { describe, expect, it } from "vitest";
import { DEVELOPMENT_SIGNING_KEY_SECRET, readEnv as readEnvFrom } from "./env";

const readEnv = (source: Record<string, string | undefined>) => readEnvFrom(source as NodeJS.ProcessEnv);

const production = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://iup.skola.se",
  SESSION_SECRET: "s".repeat(40),
  SIGNING_KEY_SECRET: "k".repeat(40),
};

describe("readEnv", () => {
  it("leaves development's public address to the server (the address it listens on) and marks its signing-key secret", () => {
    const env = readEnv({ PORT: "3100" });
    expect(env.PUBLIC_URL).toBeUndefined();
    expect(env.SIGNING_KEY_SECRET).toBe(DEVELOPMENT_SIGNING_KEY_SECRET);
    expect(env.SIGNING_KEY_SECRET).toMatch(/development-only/);
  });

  it("takes an e-mail address for accessibility reports, and refuses anything else", () => {
    expect(readEnv({ ACCESSIBILITY_CONTACT: "tillganglighet@sjovik.se" }).ACCESSIBILITY_CONTACT).toBe("tillganglighet@sjovik.se");
    expect(readEnv({ ACCESSIBILITY_CONTACT: "" }).ACCESSIBILITY_CONTACT).toBeUndefined();
    expect(() => readEnv({ ACCESSIBILITY_CONTACT: "https://sjovik.se/kontakt" })).toThrow(/ACCESSIBILITY_CONTACT/);
  });

  it("keeps only the origin of PUBLIC_URL and refuses one that is not http(s) or has a path", () => {
    expect(readEnv({ PUBLIC_URL: "https://iup.skola.se/" }).PUBLIC_URL).toBe("https://iup.skola.se");
    for (const bad of ["ftp://iup.skola.se", "iup.skola.se", "https://iup.skola.se/app", "https://user:pw@iup.skola.se", "https://iup.skola.se/?x=1"]) {
      expect(() => readEnv({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL/);
    }
  });

  it("starts production only with its public address and secrets", () => {
    expect(readEnv(production)).toMatchObject({ PUBLIC_URL: "https://iup.skola.se", COOKIE_SECURE: true, SEED_DEMO: false });
    for (const name of ["PUBLIC_URL", "SESSION_SECRET", "SIGNING_KEY_SECRET"] as const) {
      expect(() => readEnv({ ...production, [name]: undefined }), name).toThrow(name);
    }
    expect(() => readEnv({ ...production, SIGNING_KEY_SECRET: DEVELOPMENT_SIGNING_KEY_SECRET })).toThrow(/SIGNING_KEY_SECRET/);
    expect(() => readEnv({ ...production, SIGNING_KEY_SECRET: "short" })).toThrow(/SIGNING_KEY_SECRET/);
  });
});

const staff = { OIDC_STAFF_ISSUER: "https://idp.sjovik.se", OIDC_STAFF_CLIENT_ID: "iup" };

describe("sign-in settings from the environment", () => {
  it("defaults to passwords for every role and no provider", () => {
    const env = readEnv({});
    expect(env.SIGN_IN).toEqual({ passwordRoles: ["staff", "pupil", "guardian"], providers: [] });
    expect(env.PUBLIC_URL).toBeUndefined();
  });

  it("reads a provider with its defaults: e-mail matched, openid email scopes, staff and pupils", () => {
    const env = readEnv({ ...staff, OIDC_STAFF_CLIENT_SECRET: "s3cret" });
    expect(env.SIGN_IN.providers).toEqual([
      { id: "staff", issuer: "https://idp.sjovik.se", clientId: "iup", clientSecret: "s3cret", scopes: "openid email", match: "email", claim: "email", roles: ["staff", "pupil"] },
    ]);
  });

  it("reads a guardian broker matched by an external id, with its name for the button", () => {
    const env = readEnv({
      OIDC_GUARDIAN_ISSUER: "https://eid.sjovik.se/oidc",
      OIDC_GUARDIAN_CLIENT_ID: "iup-vh",
      OIDC_GUARDIAN_MATCH: "external_id",
      OIDC_GUARDIAN_CLAIM: "https://sjovik.se/ss12000_id",
      OIDC_GUARDIAN_NAME: "e-legitimation",
    });
    expect(env.SIGN_IN.providers).toEqual([
      {
        id: "guardian",
        issuer: "https://eid.sjovik.se/oidc",
        clientId: "iup-vh",
        scopes: "openid",
        match: "external_id",
        claim: "https://sjovik.se/ss12000_id",
        name: "e-legitimation",
        roles: ["guardian"],
      },
    ]);
  });

  it("switches password sign-in off per role, or for all with none", () => {
    expect(readEnv({ PASSWORD_SIGN_IN: "guardian, Staff" }).SIGN_IN.passwordRoles).toEqual(["guardian", "staff"]);
    expect(readEnv({ ...staff, PASSWORD_SIGN_IN: "none" }).SIGN_IN.passwordRoles).toEqual([]);
  });

  it("refuses settings that would fail later, naming each", () => {
    expect(() => readEnv({ PASSWORD_SIGN_IN: "teachers" })).toThrow(/PASSWORD_SIGN_IN/);
    expect(() => readEnv({ PASSWORD_SIGN_IN: "none" })).toThrow(/nobody could sign in/);
    expect(() => readEnv({ OIDC_STAFF_CLIENT_ID: "iup" })).toThrow(/OIDC_STAFF_ISSUER: the issuer URL is required/);
    expect(() => readEnv({ OIDC_STAFF_ISSUER: "https://idp.sjovik.se" })).toThrow(/OIDC_STAFF_CLIENT_ID/);
    expect(() => readEnv({ ...staff, OIDC_STAFF_ISSUER: "http://idp.sjovik.se" })).toThrow(/OIDC_STAFF_ISSUER: must use https/);
    expect(() => readEnv({ ...staff, OIDC_STAFF_SCOPES: "email profile" })).toThrow(/OIDC_STAFF_SCOPES: must include openid/);
    expect(() => readEnv({ ...staff, OIDC_STAFF_MATCH: "name" })).toThrow(/OIDC_STAFF_MATCH/);
    expect(() => readEnv({ ...staff, OIDC_STAFF_CLIAM: "email" })).toThrow(/OIDC_STAFF_CLIAM: unknown setting/);
    expect(() => readEnv({ PUBLIC_URL: "https://iup.sjovik.se/app" })).toThrow(/PUBLIC_URL must be an origin only/);
    expect(() => readEnv({ PUBLIC_URL: "ftp://iup.sjovik.se" })).toThrow(/PUBLIC_URL must start with https/);
    expect(() => readEnv({ NODE_ENV: "production" })).toThrow(/PUBLIC_URL: required in production/);
  });

  it("allows plain http only for a provider on this machine, and keeps PUBLIC_URL as an origin", () => {
    expect(readEnv({ ...staff, OIDC_STAFF_ISSUER: "http://127.0.0.1:4000" }).SIGN_IN.providers[0]!.issuer).toBe("http://127.0.0.1:4000");
    expect(readEnv({ PUBLIC_URL: "https://iup.sjovik.se/" }).PUBLIC_URL).toBe("https://iup.sjovik.se");
    expect(readEnv({ NODE_ENV: "production", PUBLIC_URL: "https://iup.sjovik.se", SESSION_SECRET: "s".repeat(40), SIGNING_KEY_SECRET: "k".repeat(40) }).PUBLIC_URL).toBe(
      "https://iup.sjovik.se",
    );
  });
});
