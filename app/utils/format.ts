import type { Locale } from "~/i18n";

const TIME_ZONE = "Europe/Stockholm";
const intlLocale: Record<Locale, string> = { sv: "sv-SE", en: "en-GB" };

/** A calendar date (YYYY-MM-DD) as people in Sweden write it: "17 aug. 2026" / "17 Aug 2026". */
export function formatDate(isoDate: string, locale: Locale): string {
  // Noon UTC stays on the same calendar day in Stockholm all year round.
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "medium", timeZone: TIME_ZONE }).format(
    new Date(`${isoDate}T12:00:00Z`),
  );
}

/** A point in time in Stockholm time, e.g. "23 nov. 2026 14:05". */
export function formatDateTime(value: Date | number, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }).format(
    value,
  );
}

export function fullName(person: { givenName: string; familyName: string }): string {
  return `${person.givenName} ${person.familyName}`;
}

/** A time of day in Stockholm, e.g. "14:05". */
export function formatTime(value: Date | number, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { timeStyle: "short", timeZone: TIME_ZONE }).format(value);
}
