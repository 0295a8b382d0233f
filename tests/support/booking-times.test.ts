import { afterEach, describe, expect, it, vi } from "vitest";
import { bookingAroundNow } from "./school";

afterEach(() => vi.useRealTimers());

describe("a booking around now (the tests' one-to-one talks)", () => {
  // 23:05 UTC is 00:05 in Stockholm in December: "95 minutes ago" is yesterday evening there.
  it("keeps a talk that is over in the past just after midnight (it used to become today's whole day)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T23:05:00Z"));
    expect(bookingAroundNow(95, -65)).toEqual({ date: "2026-12-01", from: "22:30", to: "23:00" });
    vi.setSystemTime(new Date("2026-12-02T00:20:00Z"));
    expect(bookingAroundNow(95, -65)).toEqual({ date: "2026-12-01", from: "23:45", to: "23:59" });
  });

  it("holds now, within today, around midnight", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T23:02:00Z"));
    expect(bookingAroundNow(10, 40)).toEqual({ date: "2026-12-02", from: "00:00", to: "00:42" });
    vi.setSystemTime(new Date("2026-12-01T22:50:00Z"));
    expect(bookingAroundNow(10, 40)).toEqual({ date: "2026-12-01", from: "23:40", to: "23:59" });
  });
});
