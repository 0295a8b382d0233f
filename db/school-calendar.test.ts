import { describe, expect, it } from "vitest";
import { stockholmLocalTime, stockholmLocalToInstant } from "./school-calendar";

describe("Stockholm wall-clock times (talk times are stored so; calendar files need instants)", () => {
  it("turns winter and summer times into the right instants", () => {
    expect(stockholmLocalToInstant("2026-12-01T15:00").toISOString()).toBe("2026-12-01T14:00:00.000Z");
    expect(stockholmLocalToInstant("2027-06-10T15:00").toISOString()).toBe("2027-06-10T13:00:00.000Z");
  });

  it("holds on the days the clocks change", () => {
    // 2027-03-28: 02:00 CET becomes 03:00 CEST; 2026-10-25: 03:00 CEST becomes 02:00 CET.
    expect(stockholmLocalToInstant("2027-03-28T15:00").toISOString()).toBe("2027-03-28T13:00:00.000Z");
    expect(stockholmLocalToInstant("2026-10-25T15:00").toISOString()).toBe("2026-10-25T14:00:00.000Z");
  });

  it("round-trips through the wall-clock time", () => {
    for (const local of ["2026-11-23T08:05", "2027-01-01T00:00", "2027-07-31T23:59"]) {
      expect(stockholmLocalTime(stockholmLocalToInstant(local))).toBe(local);
    }
  });
});
