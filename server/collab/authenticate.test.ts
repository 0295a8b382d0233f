import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDatabase } from "../../db/client";
import { getOrCreatePlan } from "../../db/queries/plans";
import { createDatabaseSessionStorage, type AppSessionStorage } from "../../db/queries/sessions";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import type { Plan } from "../../db/schema";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import { roleColors } from "../../app/shared/collab-protocol";
import { authenticateUpgrade, decidePlanRights } from "./authenticate";

let db: AppDatabase;
let cleanup: () => void;
let sessionStorage: AppSessionStorage;
let plan: Plan;
const id = (email: string) => personIdByEmail(db, email);

beforeAll(async () => {
  ({ db, cleanup } = await createSeededDatabase(stockholmToday()));
  sessionStorage = createDatabaseSessionStorage(db, { secret: "s".repeat(32), secure: false });
  const alva = id("elev@demo.test");
  const { schoolId } = db.$client.prepare("select school_id as schoolId from people where id = ?").get(alva) as { schoolId: string };
  plan = getOrCreatePlan(db, alva, getActiveTerm(db, schoolId, stockholmToday())!.id);
});
afterAll(() => cleanup());

async function cookieOf(email: string): Promise<{ cookie: string; sessionId: string }> {
  const session = await sessionStorage.getSession();
  session.set("personId", id(email));
  const cookie = (await sessionStorage.commitSession(session)).split(";")[0]!;
  return { cookie, sessionId: (await sessionStorage.getSession(cookie)).id };
}

function upgrade(path: string, headers: Record<string, string | undefined>): IncomingMessage {
  return { url: path, headers: { host: "skola.example:3000", ...headers } } as unknown as IncomingMessage;
}

describe("the rights decision", () => {
  it("lets the pupil and the mentor write a draft, and everyone else with a relation read", () => {
    expect(decidePlanRights(db, id("elev@demo.test"), plan)).toEqual({ role: "pupil", canWrite: true });
    expect(decidePlanRights(db, id("mentor@demo.test"), plan)).toEqual({ role: "mentor", canWrite: true });
    expect(decidePlanRights(db, id("matte@demo.test"), plan)).toEqual({ role: "teacher", canWrite: false });
    expect(decidePlanRights(db, id("vh@demo.test"), plan)).toEqual({ role: "guardian", canWrite: false });
  });

  it("gives another family's guardian and the school admin nothing", () => {
    expect(decidePlanRights(db, id("annan.vh@demo.test"), plan)).toBeNull();
    expect(decidePlanRights(db, id("admin@demo.test"), plan)).toBeNull();
  });

  it("lets nobody write a locked plan", () => {
    for (const email of ["elev@demo.test", "mentor@demo.test"]) expect(decidePlanRights(db, id(email), { ...plan, status: "locked" })?.canWrite).toBe(false);
  });
});

describe("authenticating an upgrade", () => {
  it("admits a signed-in person with their session, rights and the user shown to others", async () => {
    const { cookie, sessionId } = await cookieOf("mentor@demo.test");
    const admission = await authenticateUpgrade(upgrade(`/collab/${plan.id}`, { cookie, origin: "http://skola.example:3000" }), { db, sessionStorage });
    expect(admission).toEqual({
      planId: plan.id,
      pupilId: plan.pupilId,
      personId: id("mentor@demo.test"),
      session: { id: sessionId, expiresAt: expect.any(Date) },
      guest: null,
      rights: { role: "mentor", canWrite: true },
      user: { key: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), name: "Jonas", role: "mentor", color: roleColors.mentor },
    });
    // The key tells tabs of one person apart from two people, without being the person id.
    expect("user" in admission && admission.user.key).not.toContain(id("mentor@demo.test"));
  });

  it("answers 401 without a live session, 403 from another site, 404 for plans one may not see and for nonsense", async () => {
    const { cookie, sessionId } = await cookieOf("vh@demo.test");
    const stranger = (await cookieOf("annan.vh@demo.test")).cookie;
    const cases: Array<[string, Record<string, string | undefined>, number]> = [
      [`/collab/${plan.id}`, {}, 401],
      [`/collab/${plan.id}`, { cookie: "__session=forged" }, 401],
      [`/collab/${plan.id}`, { cookie, origin: "https://evil.example" }, 403],
      [`/collab/${plan.id}`, { cookie, origin: "not a url" }, 403],
      [`/collab/${plan.id}`, { cookie: stranger }, 404],
      ["/collab/no-such-plan", { cookie }, 404],
      ["/collab/%E0%A4%A", { cookie }, 404],
      ["/collab/", { cookie }, 404],
      [`/collab/${"x".repeat(65)}`, { cookie }, 404],
    ];
    for (const [path, headers, status] of cases) {
      expect(await authenticateUpgrade(upgrade(path, headers), { db, sessionStorage }), `${path} ${JSON.stringify(headers)}`).toEqual({ status });
    }
    // An expired session is no session.
    db.$client.prepare("update sessions set expires_at = ? where id = ?").run(Date.now() - 1, sessionId);
    expect(await authenticateUpgrade(upgrade(`/collab/${plan.id}`, { cookie }), { db, sessionStorage })).toEqual({ status: 401 });
  });
});
