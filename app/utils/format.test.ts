import { describe, expect, it } from "vitest";
import { supportedLocales, type Locale } from "~/i18n";
import { translatorFor } from "~/utils/i18n.server";
import { formatDate, formatDateTime, formatList, formatTalkTime, formatTime, formatWeekdayDate } from "./format";
import { genitive } from "./genitive";

const withoutIsolates = (text: string) => text.replace(/[\u2066-\u2069]/g, "");

describe("genitive", () => {
  it("Swedish adds -s, except after s, x and z", () => {
    expect(genitive("Alva", "sv")).toBe("Alvas");
    expect(genitive("Elis", "sv")).toBe("Elis");
    expect(genitive("Max", "sv")).toBe("Max");
    expect(genitive("Inez", "sv")).toBe("Inez");
    expect(genitive("Alva Lindqvist", "sv")).toBe("Alva Lindqvists");
  });

  it("English adds ’s, also after s", () => {
    expect(genitive("Alva", "en")).toBe("Alva’s");
    expect(genitive("Elis", "en")).toBe("Elis’s");
  });

  it("the other languages leave the name as it is (the sentence carries possession)", () => {
    for (const locale of ["ar", "so", "ti", "fa", "uk"] as const) expect(genitive("Elis", locale)).toBe("Elis");
  });

  it("goes through the translations: \"Läs Elis plan\", not \"Eliss plan\"", () => {
    expect(translatorFor("sv")("talks.mail.prepareRead", { name: "Elis" })).toBe("Läs Elis plan i appen före samtalet.");
    expect(translatorFor("sv")("talks.mail.prepareRead", { name: "Alva" })).toBe("Läs Alvas plan i appen före samtalet.");
    expect(translatorFor("en")("talks.mail.prepareRead", { name: "Elis" })).toBe("Read Elis’s plan in the app before the talk.");
    // In Arabic the name is isolated (FSI … PDI), so its left-to-right order does not spill over.
    expect(translatorFor("ar")("talks.mail.prepareRead", { name: "Elis" })).toBe("اقرأ خطة \u2068Elis\u2069 في التطبيق قبل المحادثة.");
  });
});

describe("dates people plan around show the weekday", () => {
  // Tuesday 8 December 2026.
  const expected: Record<Locale, string> = {
    sv: "tisdag 8 december 2026",
    en: "Tuesday, 8 December 2026",
    ar: "الثلاثاء، 8 ديسمبر 2026",
    so: "Talaado, Diseembar 8, 2026",
    ti: "ሰሉስ፣ 8 ታሕሳስ 2026",
    fa: "سه‌شنبه 8 دسامبر 2026",
    uk: "вівторок, 8 грудня 2026 р.",
  };
  for (const locale of supportedLocales) {
    it(`${locale}: ${expected[locale]}`, () => {
      expect(formatWeekdayDate("2026-12-08", locale)).toBe(expected[locale]);
    });
  }

  it("a talk's time has its weekday, the Swedish clock, and in Arabic a range that stays in order", () => {
    expect(translatorFor("sv")("talks.when", formatTalkTime("2026-12-08T15:00", "2026-12-08T15:30", "sv"))).toBe("tisdag 8 december 2026 kl. 15:00\u2060–\u206015:30");
    const arabic = formatTalkTime("2026-12-08T15:00", "2026-12-08T15:30", "ar");
    // Isolated left to right: otherwise shown as "15:30–15:00" in a right-to-left line.
    expect(arabic.range).toBe("\u206615:00\u2060–\u206015:30\u2069");
    expect(withoutIsolates(translatorFor("ar")("talks.when", arabic))).toBe("الثلاثاء، 8 ديسمبر 2026، الساعة 15:00\u2060–\u206015:30");
  });

  it("Somali and Tigrinya name the weekday of every day of a week, Monday to Sunday", () => {
    const week = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"];
    expect(week.map((d) => formatWeekdayDate(d, "so").split(",")[0])).toEqual(["Isniin", "Talaado", "Arbaco", "Khamiis", "Jimco", "Sabti", "Axad"]);
    expect(week.map((d) => formatWeekdayDate(d, "ti").split("፣")[0])).toEqual(["ሰኑይ", "ሰሉስ", "ረቡዕ", "ሓሙስ", "ዓርቢ", "ቀዳም", "ሰንበት"]);
  });

  it("times are Stockholm time on a 24-hour clock with Western digits in every language, also across midnight UTC", () => {
    // 23:30 UTC on 31 Dec is 00:30 on 1 Jan in Stockholm.
    const instant = Date.UTC(2026, 11, 31, 23, 30);
    for (const locale of supportedLocales) expect(formatTime(instant, locale)).toBe("00:30");
    expect(formatDateTime(instant, "so")).toBe("Jan 1, 2027 00:30");
    expect(formatDateTime(instant, "ti")).toBe("1 ጥሪ 2027 00:30");
    expect(formatDateTime(instant, "fa")).toContain("2027");
    expect(formatDate("2026-08-17", "sv")).toBe("17 aug. 2026");
  });
});

describe("plurals follow each language's rules", () => {
  const minutes = (locale: Locale, count: number) => withoutIsolates(translatorFor(locale)("talks.clock.remainingMinutes", { count }));

  it("Swedish and English: one and other", () => {
    expect([1, 2, 5].map((n) => minutes("sv", n))).toEqual(["1 minut kvar", "2 minuter kvar", "5 minuter kvar"]);
    expect([1, 2].map((n) => minutes("en", n))).toEqual(["1 minute left", "2 minutes left"]);
  });

  it("Arabic: zero, one, two, few (3–10), many (11–99) and other (100+)", () => {
    expect([0, 1, 2, 3, 10, 11, 99, 100].map((n) => minutes("ar", n))).toEqual([
      "لم تبقَ أي دقيقة",
      "بقيت دقيقة واحدة",
      "بقيت دقيقتان",
      "بقيت 3 دقائق",
      "بقيت 10 دقائق",
      "بقيت 11 دقيقة",
      "بقيت 99 دقيقة",
      "بقيت 100 دقيقة",
    ]);
  });

  it("Ukrainian: one (1, 21), few (2–4, 22), many (5–20, 25)", () => {
    expect([1, 21, 2, 4, 22, 5, 11, 25].map((n) => minutes("uk", n))).toEqual([
      "Залишилася 1 хвилина",
      "Залишилася 21 хвилина",
      "Залишилося 2 хвилини",
      "Залишилося 4 хвилини",
      "Залишилося 22 хвилини",
      "Залишилося 5 хвилин",
      "Залишилося 11 хвилин",
      "Залишилося 25 хвилин",
    ]);
  });

  it("Tigrinya counts 0 and 1 as one (CLDR), Persian 0 and 1 too", () => {
    expect(minutes("ti", 1)).toBe("1 ደቒቕ ተሪፉ");
    expect(minutes("ti", 2)).toBe("2 ደቓይቕ ተሪፉ");
    expect(new Intl.PluralRules("fa").select(0)).toBe("one");
  });

  it("lists join by the language's words", () => {
    const names = ["Karin Holm", "Erik Sandberg", "Jonas Ek"];
    expect(formatList(names, "sv")).toBe("Karin Holm, Erik Sandberg och Jonas Ek");
    expect(formatList(names, "en")).toBe("Karin Holm, Erik Sandberg and Jonas Ek");
    expect(formatList(names, "so")).toBe("Karin Holm, Erik Sandberg iyo Jonas Ek");
    expect(formatList(names.slice(0, 2), "ti")).toBe("Karin Holmን Erik Sandbergን");
    expect(formatList(["Karin Holm"], "uk")).toBe("Karin Holm");
  });
});
