import { PERSON_ROLES } from "../../db/queries/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import type { AppDatabase } from "../../db/client";
import { isRecentAuthentication, requireRecentAuthentication, RECENT_AUTHENTICATION_MS } from "./recent-authentication.server";

let db: AppDatabase;
let cleanup: () => void;
beforeAll(async () => ({ db, cleanup } = await createSeededDatabase("2026-11-23")));
afterAll(() => cleanup());

const now = Date.parse("2026-11-23T10:00:00Z");

describe("isRecentAuthentication", () => {
  it("holds for five minutes after a sign-in, not for an unknown or a future time", () => {
    expect(isRecentAuthentication(now - RECENT_AUTHENTICATION_MS, now)).toBe(true);
    expect(isRecentAuthentication(now - RECENT_AUTHENTICATION_MS - 1, now)).toBe(false);
    expect(isRecentAuthentication(0, now)).toBe(false);
    expect(isRecentAuthentication(now + 60_000, now)).toBe(false);
  });
});

describe("requireRecentAuthentication", () => {
  it("asks for the password after five minutes, refuses a wrong one, and accepts the person's own", async () => {
    const personId = personIdByEmail(db, "mentor@demo.test");
    const old = now - 10 * 60_000;
    const input = { personId, authenticatedAt: old, device: null, clientAddress: "10.0.0.1", passwordRoles: PERSON_ROLES };
    expect(await requireRecentAuthentication(db, { ...input, authenticatedAt: now - 1000 }, now)).toEqual({ ok: true, refreshed: false });
    expect(await requireRecentAuthentication(db, input, now)).toEqual({ ok: false, error: "reauthenticate" });
    expect(await requireRecentAuthentication(db, { ...input, password: "fel" }, now)).toEqual({ ok: false, error: "wrongPassword" });
    expect(await requireRecentAuthentication(db, { ...input, password: "demo" }, now)).toEqual({ ok: true, refreshed: true });
  });
});
