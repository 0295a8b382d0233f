import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { people, schools } from "../../db/schema";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import { matchPerson } from "./oidc.server";

let db: AppDatabase;
let cleanup: () => void;
beforeAll(async () => ({ db, cleanup } = await createSeededDatabase("2026-11-23")));
afterAll(() => cleanup());

const byEmail = { match: "email", claim: "email", roles: ["staff", "pupil"] } as const;
const byExternalId = { match: "external_id", claim: "person_id", roles: ["guardian"] } as const;

describe("matchPerson: who an identity provider's claims name", () => {
  it("finds a person by e-mail whatever its case and spacing", () => {
    const result = matchPerson(db, byEmail, { email: "  MENTOR@demo.TEST " });
    expect(result).toMatchObject({ ok: true, person: { id: personIdByEmail(db, "mentor@demo.test") } });
  });

  it("finds nobody for a missing, empty or non-text claim", () => {
    expect(matchPerson(db, byEmail, {})).toEqual({ ok: false, error: "noMatch" });
    expect(matchPerson(db, byEmail, { email: "" })).toEqual({ ok: false, error: "noMatch" });
    expect(matchPerson(db, byEmail, { email: ["mentor@demo.test"] })).toEqual({ ok: false, error: "noMatch" });
  });

  it("finds a person by the external id, and nobody when two schools share it", () => {
    const sara = personIdByEmail(db, "vh@demo.test");
    db.update(people).set({ externalId: "ss12000-7" }).where(eq(people.id, sara)).run();
    expect(matchPerson(db, byExternalId, { person_id: "ss12000-7" })).toMatchObject({ ok: true, person: { id: sara } });
    expect(matchPerson(db, byExternalId, { person_id: "SS12000-7" })).toEqual({ ok: false, error: "noMatch" });

    db.insert(schools).values({ id: "other-school", name: "Norrskolan", municipality: "Sjövik" }).run();
    db.insert(people).values({ id: "other-person", schoolId: "other-school", givenName: "Sara", familyName: "L", externalId: "ss12000-7" }).run();
    expect(matchPerson(db, byExternalId, { person_id: "ss12000-7" })).toEqual({ ok: false, error: "noMatch" });
  });

  it("does not let a provider sign in someone it does not serve", () => {
    expect(matchPerson(db, byEmail, { email: "vh@demo.test" })).toEqual({ ok: false, error: "wrongProvider" });
  });
});
