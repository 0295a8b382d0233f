import { describe, expect, it } from "vitest";
import { preferredLocales } from "../../db/schema/roster";
import { supportedLocales, type Locale } from "~/i18n";
import { resources } from "./resources.server";

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every key of a language's texts, plurals as `base_category`. */
function keysOf(texts: object, prefix = ""): string[] {
  return Object.entries(texts).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keysOf(value as object, `${prefix}${key}.`),
  );
}

/** The keys a language must have: Swedish's, each plural in the forms the language's rules use. */
function expectedKeys(locale: Locale): string[] {
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  const keys = new Set<string>();
  for (const key of keysOf(resources.sv.common)) {
    const match = PLURAL_SUFFIX.exec(key);
    if (!match) keys.add(key);
    else for (const category of categories) keys.add(key.replace(PLURAL_SUFFIX, `_${category}`));
  }
  return [...keys].sort();
}

describe("translations", () => {
  it("the database accepts exactly the app's languages", () => {
    expect([...preferredLocales].sort()).toEqual([...supportedLocales].sort());
  });

  it("Arabic needs six plural forms, Ukrainian four, Swedish two", () => {
    expect(new Intl.PluralRules("ar").resolvedOptions().pluralCategories).toHaveLength(6);
    expect(new Intl.PluralRules("uk").resolvedOptions().pluralCategories).toHaveLength(4);
    expect(new Intl.PluralRules("sv").resolvedOptions().pluralCategories).toHaveLength(2);
  });

  for (const locale of supportedLocales) {
    it(`${locale} has every key, every plural form its language needs, and nothing more`, () => {
      const actual = keysOf(resources[locale].common).sort();
      const expected = expectedKeys(locale);
      expect({ missing: expected.filter((k) => !actual.includes(k)), extra: actual.filter((k) => !expected.includes(k)) }).toEqual({ missing: [], extra: [] });
    });

    it(`${locale} keeps every placeholder of the Swedish text and adds none`, () => {
      const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w]+)/g)].map((m) => m[1]).sort();
      const sv = new Map(keysOf(resources.sv.common).map((k) => [k.replace(PLURAL_SUFFIX, ""), k]));
      const problems: string[] = [];
      for (const key of keysOf(resources[locale].common)) {
        const svKey = sv.get(key.replace(PLURAL_SUFFIX, ""));
        if (!svKey) continue;
        const mine = placeholders(lookup(resources[locale].common, key));
        const theirs = placeholders(lookup(resources.sv.common, svKey));
        // A plural form may leave out the number ("one", "two" are often said in words).
        const allowed = PLURAL_SUFFIX.test(key) ? theirs.filter((p) => p !== "count") : theirs;
        if (mine.some((p) => !theirs.includes(p)) || allowed.some((p) => !mine.includes(p))) problems.push(`${key}: ${mine.join(",")} vs ${theirs.join(",")}`);
      }
      expect(problems).toEqual([]);
    });
  }
});

function lookup(texts: object, key: string): string {
  return key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], texts) as string;
}
