/** Dates of the Swedish school calendar, computed in Europe/Stockholm. */

const stockholmDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Stockholm",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's calendar date in Stockholm as YYYY-MM-DD. */
export function stockholmToday(now: Date = new Date()): string {
  return stockholmDate.format(now);
}

/** The calendar year in which the school year containing `isoDate` started (it starts in August). */
export function schoolYearStartYear(isoDate: string): number {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  return month >= 7 ? year : year - 1;
}

/** Whole years between a date of birth and a date (both ISO calendar dates). */
export function ageOn(dateOfBirth: string, isoDate: string): number {
  const years = Number(isoDate.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  const hadBirthday = isoDate.slice(5) >= dateOfBirth.slice(5);
  return hadBirthday ? years : years - 1;
}

const stockholmParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Stockholm",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

/** Stockholm wall-clock time "YYYY-MM-DDTHH:mm" of an instant. */
export function stockholmLocalTime(instant: Date): string {
  const parts = Object.fromEntries(stockholmParts.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The instant of a Stockholm wall-clock time "YYYY-MM-DDTHH:mm" (talk times are stored so; a
 * calendar file needs the instant). Corrects for the zone offset in two steps, which also holds
 * on the days the clocks change. */
export function stockholmLocalToInstant(local: string): Date {
  const asUtc = Date.parse(`${local}:00Z`);
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = Date.parse(`${stockholmLocalTime(new Date(guess))}:00Z`);
    guess += asUtc - shown;
  }
  return new Date(guess);
}

/** Minutes since midnight of "HH:mm". */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** "HH:mm" of minutes since midnight. */
export function timeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
