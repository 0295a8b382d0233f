import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import type { AppDatabase } from "../client";
import { createDatabaseSessionStorage, deleteExpiredSessions, getSessionExpiry } from "./sessions";

let db: AppDatabase;
let cleanup: () => void;
beforeAll(async () => ({ db, cleanup } = await createSeededDatabase("2026-12-01")));
afterAll(() => cleanup());

function storage() {
  const ended: string[] = [];
  const sessionStorage = createDatabaseSessionStorage(db, { secret: "s".repeat(32), secure: false, onEnded: (id) => ended.push(id) });
  return { sessionStorage, ended };
}

async function signedIn(sessionStorage: ReturnType<typeof storage>["sessionStorage"], email = "elev@demo.test") {
  const session = await sessionStorage.getSession();
  session.set("personId", personIdByEmail(db, email));
  const cookie = (await sessionStorage.commitSession(session)).split(";")[0]!;
  const stored = await sessionStorage.getSession(cookie);
  return { cookie, id: stored.id };
}

const setExpiry = (id: string, at: number) => db.$client.prepare("update sessions set expires_at = ? where id = ?").run(at, id);

describe("the session-end signal of the session storage", () => {
  it("tells the id of a session that is signed out, and nothing for one that never existed", async () => {
    const { sessionStorage, ended } = storage();
    const { cookie, id } = await signedIn(sessionStorage);
    expect(getSessionExpiry(db, id)?.getTime()).toBeGreaterThan(Date.now());
    await sessionStorage.destroySession(await sessionStorage.getSession(cookie));
    expect(ended).toEqual([id]);
    expect(getSessionExpiry(db, id)).toBeNull();
    await sessionStorage.destroySession(await sessionStorage.getSession());
    expect(ended).toEqual([id]);
  });

  it("tells the id of a session found expired when it is read", async () => {
    const { sessionStorage, ended } = storage();
    const { cookie, id } = await signedIn(sessionStorage);
    setExpiry(id, Date.now() - 1);
    expect(getSessionExpiry(db, id)).toBeNull();
    expect((await sessionStorage.getSession(cookie)).get("personId")).toBeUndefined();
    expect(ended).toEqual([id]);
  });

  it("names the sessions the sweep removes, and only expired ones", async () => {
    const { sessionStorage } = storage();
    const old = await signedIn(sessionStorage);
    const live = await signedIn(sessionStorage, "mentor@demo.test");
    setExpiry(old.id, Date.now() - 1000);
    expect(deleteExpiredSessions(db)).toEqual([old.id]);
    expect(getSessionExpiry(db, live.id)).not.toBeNull();
  });
});
