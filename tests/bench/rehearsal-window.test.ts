import { describe, expect, it } from "vitest";
import { GUEST_LATE_MINUTES } from "~/services/talk-guests.server";
import { windowAroundNow } from "./rehearsal-window";

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

describe("the rehearsal's talk-day window", () => {
  // Stockholm is UTC+1 in December: 22:31 UTC is 23:31 there, when the suite's smoke run used to fail.
  for (const utc of ["2026-12-01T07:00:00Z", "2026-12-01T22:19:00Z", "2026-12-01T22:31:00Z", "2026-12-01T22:58:00Z", "2026-12-01T23:03:00Z", "2026-06-30T21:55:00Z"]) {
    it(`holds today's talks around now at ${utc}: two valid sittings within the day, the first under way or just over`, () => {
      const at = new Date(utc);
      const window = windowAroundNow(at);
      const local = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" }).format(at);
      const now = minutes(local);
      const start = minutes(window.windowStart);
      const sitting = Number(window.sittingMinutes);
      // The talk-day form's limits (talk-intents.server.ts) and one day.
      expect(sitting).toBeGreaterThanOrEqual(15);
      expect(Number(window.talkMinutes)).toBeGreaterThanOrEqual(10);
      expect(minutes(window.windowEnd)).toBe(start + 2 * sitting);
      expect(start + 2 * sitting).toBeLessThan(24 * 60);
      expect(window.date).toBe(new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(at));
      // The first sitting has begun, and a guest's link to its talks is still open.
      expect(start).toBeLessThanOrEqual(now);
      expect(now).toBeLessThan(start + sitting + GUEST_LATE_MINUTES - 5);
    });
  }
});
