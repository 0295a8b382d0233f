import type { Locale } from "~/i18n";

const TIME_ZONE = "Europe/Stockholm";
const intlLocale: Record<Locale, string> = { sv: "sv-SE", en: "en-GB" };

type FormatKind = "date" | "dateTime" | "time";
const formatOptions: Record<FormatKind, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: "medium", timeZone: TIME_ZONE },
  dateTime: { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE },
  time: { timeStyle: "short", timeZone: TIME_ZONE },
};

// Made once per language and kind: building a formatter with a time zone costs far more than
// formatting, and a plan page formats a time for every assessment and comment.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: FormatKind, locale: Locale): Intl.DateTimeFormat {
  const key = `${kind}:${locale}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(intlLocale[locale], formatOptions[kind]);
    formatters.set(key, made);
  }
  return made;
}

/** A calendar date (YYYY-MM-DD) as people in Sweden write it: "17 aug. 2026" / "17 Aug 2026". */
export function formatDate(isoDate: string, locale: Locale): string {
  // Noon UTC stays on the same calendar day in Stockholm all year round.
  return formatter("date", locale).format(new Date(`${isoDate}T12:00:00Z`));
}

/** A point in time in Stockholm time, e.g. "23 nov. 2026 14:05". */
export function formatDateTime(value: Date | number, locale: Locale): string {
  return formatter("dateTime", locale).format(value);
}

export function fullName(person: { givenName: string; familyName: string }): string {
  return `${person.givenName} ${person.familyName}`;
}

/** A time of day in Stockholm, e.g. "14:05". */
export function formatTime(value: Date | number, locale: Locale): string {
  return formatter("time", locale).format(value);
}
