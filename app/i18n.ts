import en from "./locales/en/common";
import sv from "./locales/sv/common";

export const supportedLocales = ["sv", "en"] as const;
export type Locale = (typeof supportedLocales)[number];
export const defaultLocale: Locale = "sv";

export const resources = { sv: { common: sv }, en: { common: en } } as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (supportedLocales as readonly string[]).includes(value);
}

/** Shared i18next options for the server render and the browser. */
export const i18nConfig = {
  supportedLngs: [...supportedLocales],
  fallbackLng: defaultLocale,
  defaultNS: "common",
  ns: ["common"],
  interpolation: { escapeValue: false },
  // Said outright, so i18next does not test every key for being natural-language text (a regular
  // expression per call, hundreds of calls per plan page). One namespace: no prefixes in keys.
  keySeparator: ".",
  nsSeparator: false,
  react: { useSuspense: false },
  // The texts are bundled, nothing to load: initialise at once rather than after a timer tick
  // (which waited behind the page's other work before hydration could start).
  initImmediate: false,
} as const;

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: { common: typeof sv };
  }
}
