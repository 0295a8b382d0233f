import { stockholmLocalTime } from "../../db/school-calendar";

/**
 * Today's talk day window around now: two sittings of up to an hour, the first one under way. In
 * the day's last 40 minutes two sittings no longer fit after now, so the window ends with the day
 * instead (23:15–23:59): the first sitting is then under way or over by less than 25 minutes, and
 * its talks still hold everything the rehearsal does (a guest's link stays open until 30 minutes
 * after the talk). Before, the rehearsal refused to run after 23:20 in Stockholm, and so did the
 * test suite's smoke run.
 */
export function windowAroundNow(at: Date = new Date()) {
  const [date, time] = stockholmLocalTime(at).split("T") as [string, string];
  const now = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const lastMinute = 24 * 60 - 1;
  const latestStart = Math.floor((lastMinute - 44) / 5) * 5;
  const start = Math.min(Math.max(0, Math.floor((now - 10) / 5) * 5), latestStart);
  const sitting = Math.min(60, Math.floor((lastMinute - start) / 2));
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return { date, windowStart: hhmm(start), windowEnd: hhmm(start + 2 * sitting), sittingMinutes: String(sitting), talkMinutes: String(Math.min(30, sitting)) };
}
