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
  it("gives development a public address on its own port and a marked signing-key secret", () => {
    const env = readEnv({ PORT: "3100" });
    expect(env.PUBLIC_URL).toBe("http://localhost:3100");
    expect(env.SIGNING_KEY_SECRET).toBe(DEVELOPMENT_SIGNING_KEY_SECRET);
    expect(env.SIGNING_KEY_SECRET).toMatch(/development-only/);
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
