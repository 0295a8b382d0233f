import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSeededDatabase, personIdByEmail } from "../../tests/support/database";
import type { AppDatabase } from "../../db/client";
import { PERSON_ROLES } from "../../db/queries/accounts";
import { signInFailures } from "../../db/schema";
import { accountTag, rememberAccount, signIn, waitAfterFailures } from "./sign-in.server";

const all = PERSON_ROLES;

let db: AppDatabase;
let cleanup: () => void;
beforeAll(async () => ({ db, cleanup } = await createSeededDatabase("2026-11-23")));
afterAll(() => cleanup());

const t0 = Date.parse("2026-11-23T10:00:00Z");

describe("signIn", () => {
  it("accepts the right password, case-insensitively on the e-mail", async () => {
    const result = await signIn(db, { email: " Elev@Demo.test ", password: "demo", clientAddress: "10.0.0.1", passwordRoles: all }, t0);
    expect(result).toEqual({ status: "ok", personId: personIdByEmail(db, "elev@demo.test") });
  });

  it("answers a wrong password and an unknown account alike", async () => {
    expect(await signIn(db, { email: "elev@demo.test", password: "wrong", clientAddress: "10.0.0.2", passwordRoles: all }, t0)).toEqual({ status: "invalid" });
    expect(await signIn(db, { email: "nobody@demo.test", password: "demo", clientAddress: "10.0.0.2", passwordRoles: all }, t0)).toEqual({ status: "invalid" });
  });

  it("stores no e-mail address or IP address in clear", () => {
    const keys = db.select().from(signInFailures).all().map((r) => r.key).join(" ");
    expect(keys).not.toContain("elev@demo.test");
    expect(keys).not.toContain("10.0.0.2");
  });

  it("slows down an account after ten failures from anywhere, even for the right password, then lets it in", async () => {
    const email = "mentor@demo.test";
    for (let i = 0; i < 10; i++) {
      expect((await signIn(db, { email, password: `guess${i}`, clientAddress: `10.1.0.${i}`, passwordRoles: all }, t0 + i)).status).toBe("invalid");
    }
    const blocked = await signIn(db, { email, password: "demo", clientAddress: "10.1.0.9", passwordRoles: all }, t0 + 10);
    expect(blocked).toEqual({ status: "throttled", retryAfterSeconds: 2 });
    const later = await signIn(db, { email, password: "demo", clientAddress: "10.1.0.9", passwordRoles: all }, t0 + 3_000);
    expect(later.status).toBe("ok");
    // Success clears the account's record.
    const again = await signIn(db, { email, password: "wrong", clientAddress: "10.1.0.9", passwordRoles: all }, t0 + 4_000);
    expect(again.status).toBe("invalid");
  });

  it("slows down one address trying many accounts", async () => {
    const address = "10.2.0.1";
    for (let i = 0; i < 50; i++) {
      await signIn(db, { email: `guess${i}@demo.test`, password: "x", clientAddress: address, passwordRoles: all }, t0 + i);
    }
    const blocked = await signIn(db, { email: "svenska@demo.test", password: "demo", clientAddress: address, passwordRoles: all }, t0 + 100);
    expect(blocked.status).toBe("throttled");
    const otherAddress = await signIn(db, { email: "svenska@demo.test", password: "demo", clientAddress: "10.2.0.2", passwordRoles: all }, t0 + 100);
    expect(otherAddress.status).toBe("ok");
  });
});

describe("signIn with password sign-in switched off for a role", () => {
  // Later than the throttling tests above, whose failures are forgotten after an hour.
  const t1 = t0 + 2 * 3600_000;

  it("refuses a right password of that role, and still signs in the others", async () => {
    const onlyGuardians = ["guardian"] as const;
    const mentor = await signIn(db, { email: "mentor@demo.test", password: "demo", clientAddress: "10.3.0.1", passwordRoles: onlyGuardians }, t1);
    expect(mentor).toEqual({ status: "passwordOff" });
    const pupil = await signIn(db, { email: "elev@demo.test", password: "demo", clientAddress: "10.3.0.1", passwordRoles: onlyGuardians }, t1);
    expect(pupil).toEqual({ status: "passwordOff" });
    const guardian = await signIn(db, { email: "vh@demo.test", password: "demo", clientAddress: "10.3.0.1", passwordRoles: onlyGuardians }, t1);
    expect(guardian).toEqual({ status: "ok", personId: personIdByEmail(db, "vh@demo.test") });
  });

  it("says nothing about the role when the password is wrong", async () => {
    const wrong = await signIn(db, { email: "mentor@demo.test", password: "wrong", clientAddress: "10.3.0.2", passwordRoles: [] }, t1);
    expect(wrong).toEqual({ status: "invalid" });
  });
});

describe("waitAfterFailures", () => {
  it("doubles the wait per failure past the free ones, up to fifteen minutes", () => {
    expect(waitAfterFailures(4, 5)).toBe(0);
    expect(waitAfterFailures(5, 5)).toBe(2);
    expect(waitAfterFailures(6, 5)).toBe(4);
    expect(waitAfterFailures(40, 5)).toBe(900);
  });
});

describe("signIn on a known device", () => {
  it("lets the owner in on a device she signed in on before, while strangers guessing from everywhere are held off", async () => {
    const email = "vh2@demo.test";
    const phone = rememberAccount(null, email);
    for (let i = 0; i < 30; i++) await signIn(db, { email, password: `guess${i}`, clientAddress: `10.50.${i}.1`, passwordRoles: all }, t0 + i);
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.50.99.1", passwordRoles: all }, t0 + 100)).status).toBe("throttled");
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.50.99.1", device: phone, passwordRoles: all }, t0 + 100)).status).toBe("ok");
    // Her own mistakes on the phone count, but only against the phone.
    expect((await signIn(db, { email, password: "typo", clientAddress: "10.50.99.1", device: phone, passwordRoles: all }, t0 + 200)).status).toBe("invalid");
  });

  it("slows down guessing on a known device after five failures of its own", async () => {
    const email = "matte@demo.test";
    const laptop = rememberAccount(null, email);
    for (let i = 0; i < 5; i++) await signIn(db, { email, password: `guess${i}`, clientAddress: "10.60.0.1", device: laptop, passwordRoles: all }, t0 + i);
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.60.0.1", device: laptop, passwordRoles: all }, t0 + 10)).status).toBe("throttled");
    // Strangers are not held up by the device's failures.
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.61.0.1", passwordRoles: all }, t0 + 10)).status).toBe("ok");
  });

  it("treats a device that knows other accounts as a stranger for this one", async () => {
    const email = "svenska@demo.test";
    const someoneElses = rememberAccount(rememberAccount(null, "elev@demo.test"), "vh@demo.test");
    expect(someoneElses.accounts).not.toContain(accountTag(email));
    for (let i = 0; i < 30; i++) await signIn(db, { email, password: `guess${i}`, clientAddress: `10.70.${i}.1`, passwordRoles: all }, t0 + i);
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.70.99.1", device: someoneElses, passwordRoles: all }, t0 + 100)).status).toBe("throttled");
  });

  it("keeps at most ten accounts per device, the latest first, and no e-mail in clear", () => {
    let device = rememberAccount(null, "a0@demo.test");
    for (let i = 1; i < 12; i++) device = rememberAccount(device, `a${i}@demo.test`);
    expect(device.accounts).toHaveLength(10);
    expect(device.accounts[0]).toBe(accountTag("A11@demo.test "));
    expect(JSON.stringify(device)).not.toContain("demo.test");
  });

  it("holds off one address guessing one account without locking the owner out at another address", async () => {
    const email = "annan.vh@demo.test";
    for (let i = 0; i < 6; i++) await signIn(db, { email, password: `guess${i}`, clientAddress: "10.80.0.1", passwordRoles: all }, t0 + i);
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.80.0.1", passwordRoles: all }, t0 + 10)).status).toBe("throttled");
    expect((await signIn(db, { email, password: "demo", clientAddress: "10.81.0.1", passwordRoles: all }, t0 + 10)).status).toBe("ok");
  });
});
