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
