import type sv from "./sv/common";

/** The plural forms CLDR knows; each language needs those `Intl.PluralRules` names for it. */
export type PluralCategory = "zero" | "one" | "two" | "few" | "many" | "other";

/**
 * The shape every language's texts must have: Swedish's keys, except that a plural (`x_one` /
 * `x_other` in Swedish) may come in any of the CLDR forms. Which forms each language must give is
 * checked by `app/locales/locales.test.ts` (Arabic has six, Ukrainian four).
 */
export type Texts<T> = {
  [K in keyof T as K extends `${string}_${PluralCategory}` ? never : K]: T[K] extends string ? string : Texts<T[K]>;
} & {
  [K in keyof T as K extends `${infer Base}_other` ? `${Base}_${PluralCategory}` : never]?: string;
};

export type Translation = Texts<typeof sv>;
