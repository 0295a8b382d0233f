import type { Locale } from "~/i18n";

/**
 * Dates, times and lists in the reader's language, always in Swedish time (the school's clock)
 * and the Gregorian calendar, with a 24-hour clock and Western digits in every language, so a
 * time reads the same as on the school's own letters and signs.
 *
 * Somali and Tigrinya: browsers ship no date or list data for them (Chromium falls back to
 * American English), so both the server and the browser format them from the CLDR names below;
 * the page then renders the same text on both sides. The other languages use `Intl`.
 */

const TIME_ZONE = "Europe/Stockholm";
const intlLocale: Record<Exclude<Locale, OwnFormatLocale>, string> = {
  sv: "sv-SE",
  en: "en-GB",
  ar: "ar-u-nu-latn",
  fa: "fa-u-ca-gregory-nu-latn",
  uk: "uk",
};

type OwnFormatLocale = "so" | "ti";
interface OwnFormat {
  months: string[];
  monthsShort: string[];
  /** Monday first. */
  weekdays: string[];
  date: (p: DateParts) => string;
  weekdayDate: (p: DateParts) => string;
  dateTime: (p: DateParts, time: string) => string;
  list: { pair: (a: string, b: string) => string; separator: string };
}
interface DateParts {
  day: number;
  month: number;
  year: number;
  weekday: number;
}

// From CLDR 48 (the data Node's ICU carries), patterns "d MMM y" / "EEEE, d MMMM y" as the locales write them.
const ownFormats: Record<OwnFormatLocale, OwnFormat> = {
  so: {
    months: ["Jannaayo", "Febraayo", "Maarso", "Abriil", "Maayo", "Juun", "Luulyo", "Ogosto", "Sebteembar", "Oktoobar", "Noofeembar", "Diseembar"],
    monthsShort: ["Jan", "Feb", "Mar", "Abr", "May", "Jun", "Lul", "Ogs", "Seb", "Okt", "Nof", "Dis"],
    weekdays: ["Isniin", "Talaado", "Arbaco", "Khamiis", "Jimco", "Sabti", "Axad"],
    date(p) {
      return `${this.monthsShort[p.month - 1]} ${p.day}, ${p.year}`;
    },
    weekdayDate(p) {
      return `${this.weekdays[p.weekday]}, ${this.months[p.month - 1]} ${p.day}, ${p.year}`;
    },
    dateTime(p, time) {
      return `${this.date(p)} ${time}`;
    },
    list: { pair: (a, b) => `${a} iyo ${b}`, separator: ", " },
  },
  ti: {
    months: ["ጥሪ", "ለካቲት", "መጋቢት", "ሚያዝያ", "ጉንበት", "ሰነ", "ሓምለ", "ነሓሰ", "መስከረም", "ጥቅምቲ", "ሕዳር", "ታሕሳስ"],
    monthsShort: ["ጥሪ", "ለካ", "መጋ", "ሚያ", "ግን", "ሰነ", "ሓም", "ነሓ", "መስ", "ጥቅ", "ሕዳ", "ታሕ"],
    weekdays: ["ሰኑይ", "ሰሉስ", "ረቡዕ", "ሓሙስ", "ዓርቢ", "ቀዳም", "ሰንበት"],
    date(p) {
      return `${p.day} ${this.monthsShort[p.month - 1]} ${p.year}`;
    },
    weekdayDate(p) {
      return `${this.weekdays[p.weekday]}፣ ${p.day} ${this.months[p.month - 1]} ${p.year}`;
    },
    dateTime(p, time) {
      return `${this.date(p)} ${time}`;
    },
    list: { pair: (a, b) => `${a}ን ${b}ን`, separator: "፣ " },
  },
};

function isOwnFormat(locale: Locale): locale is OwnFormatLocale {
  return locale === "so" || locale === "ti";
}

type FormatKind = "date" | "dateTime" | "time" | "weekdayDate";
const formatOptions: Record<FormatKind, Intl.DateTimeFormatOptions> = {
  // The month by name in every language ("17 aug. 2026", "17 أغسطس 2026"), never day/month digits whose order differs.
  date: { day: "numeric", month: "short", year: "numeric", timeZone: TIME_ZONE },
  dateTime: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TIME_ZONE },
  time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TIME_ZONE },
  weekdayDate: { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: TIME_ZONE },
};

// Made once per language and kind: building a formatter with a time zone costs far more than
// formatting, and a plan page formats a time for every assessment and comment.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: FormatKind, locale: string): Intl.DateTimeFormat {
  const key = `${kind}:${locale}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, formatOptions[kind]);
    formatters.set(key, made);
  }
  return made;
}

/** The calendar day and time of day in Stockholm, for the languages formatted by us. */
function stockholmParts(value: Date | number): { parts: DateParts; time: string } {
  const parts = new Map(
    formatter("dateTime", "en-GB")
      .formatToParts(new Date(value).getTime() === 0 && value === 0 ? 0 : value)
      .map((p) => [p.type, p.value] as const),
  );
  const year = Number(parts.get("year"));
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].indexOf(parts.get("month") ?? "") + 1;
  const day = Number(parts.get("day"));
  return { parts: { year, month, day, weekday: weekdayOf(year, month, day) }, time: `${parts.get("hour")}:${parts.get("minute")}` };
}

function weekdayOf(year: number, month: number, day: number): number {
  // 0 = Monday.
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

function isoDateParts(isoDate: string): DateParts {
  const [year, month, day] = isoDate.split("-").map(Number) as [number, number, number];
  return { year, month, day, weekday: weekdayOf(year, month, day) };
}

// Noon UTC stays on the same calendar day in Stockholm all year round.
const noon = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`);

/** A calendar date (YYYY-MM-DD): "17 aug. 2026" / "17 Aug 2026". */
export function formatDate(isoDate: string, locale: Locale): string {
  if (isOwnFormat(locale)) return ownFormats[locale].date(isoDateParts(isoDate));
  return formatter("date", intlLocale[locale]).format(noon(isoDate));
}

/** A calendar date with its weekday, for days people plan around: "tisdag 8 december 2026". */
export function formatWeekdayDate(isoDate: string, locale: Locale): string {
  if (isOwnFormat(locale)) return ownFormats[locale].weekdayDate(isoDateParts(isoDate));
  return formatter("weekdayDate", intlLocale[locale]).format(noon(isoDate));
}

/** A point in time in Stockholm time, e.g. "23 nov. 2026 14:05". */
export function formatDateTime(value: Date | number, locale: Locale): string {
  if (isOwnFormat(locale)) {
    const { parts, time } = stockholmParts(value);
    return ownFormats[locale].dateTime(parts, time);
  }
  return formatter("dateTime", intlLocale[locale]).format(value);
}

/** A time of day in Stockholm, e.g. "14:05". */
export function formatTime(value: Date | number, locale: Locale): string {
  if (isOwnFormat(locale)) return stockholmParts(value).time;
  return formatter("time", intlLocale[locale]).format(value);
}

/**
 * "15:00–15:30". In a right-to-left language the range is isolated left to right: otherwise the
 * bidirectional algorithm reads the dash between two numbers as Arabic and shows "15:30–15:00".
 */
export function formatTimeRange(from: string, to: string, locale: Locale): string {
  // Word joiners: a narrow screen never breaks the range at its dash.
  const range = `${from}\u2060–\u2060${to}`;
  return RTL_LOCALES.has(locale) ? `\u2066${range}\u2069` : range;
}
const RTL_LOCALES = new Set<Locale>(["ar", "fa"]);

/**
 * A talk's time from its stored Stockholm wall-clock start and end ("2026-12-08T15:00"), with the
 * weekday: date "tisdag 8 december 2026", range "15:00–15:30" (for `talks.when`).
 */
export function formatTalkTime(startsAt: string, endsAt: string, locale: Locale): { date: string; from: string; to: string; range: string } {
  const date = formatWeekdayDate(startsAt.slice(0, 10), locale);
  const from = startsAt.slice(11, 16);
  const to = endsAt.slice(11, 16);
  return { date, from, to, range: formatTimeRange(from, to, locale) };
}

const listFormatters = new Map<Locale, Intl.ListFormat>();
/** "Karin Holm, Erik Sandberg och Jonas Ek" by the language's rule. */
export function formatList(items: string[], locale: Locale): string {
  if (isOwnFormat(locale)) {
    const { pair, separator } = ownFormats[locale].list;
    if (items.length <= 1) return items[0] ?? "";
    return pair(items.slice(0, -1).join(separator), items.at(-1)!);
  }
  let made = listFormatters.get(locale);
  if (!made) {
    made = new Intl.ListFormat(intlLocale[locale], { style: "long", type: "conjunction" });
    listFormatters.set(locale, made);
  }
  return made.format(items);
}

export function fullName(person: { givenName: string; familyName: string }): string {
  return `${person.givenName} ${person.familyName}`;
}
