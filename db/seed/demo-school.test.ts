import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { demoFixtureText } from "./demo-fixture-text";
import { shiftYears } from "./demo-school";

describe("the demo school's SS12000 fixture", () => {
  it("is what the generator makes (run `npm run demo:fixture` after changing the demo school)", () => {
    const committed = readFileSync(new URL("./demo-school.ss12000.json", import.meta.url), "utf8");
    expect(committed === demoFixtureText(), "db/seed/demo-school.ss12000.json differs from db/seed/demo-school-data.ts").toBe(true);
  });

  it("moves every date by whole years, and a 29 February to the 28th", () => {
    const moved = shiftYears({ birthDate: "2012-02-29", enrolments: [{ startDate: "2026-07-01", note: "2026" }] }, 1);
    expect(moved).toEqual({ birthDate: "2013-02-28", enrolments: [{ startDate: "2027-07-01", note: "2026" }] });
  });
});
