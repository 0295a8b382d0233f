import type sv from "./locales/sv/common";
import type { Translation } from "./locales/types";
import { genitive } from "./utils/genitive";

/**
 * The languages of the interface, mails, calendar files and the PDF. Swedish first; the others are
 * the languages the families in Swedish schools most often read. `reviewed` says whether the
 * school has checked the translation: the language menu marks the ones it has not, with a note in
 * that language (here, not among the texts: the menu shows every language's note at once, and the
 * browser loads only one language's texts).
 */
export const languages = {
  sv: { name: "Svenska", dir: "ltr", reviewed: true, unreviewedNote: "" },
  en: { name: "English", dir: "ltr", reviewed: true, unreviewedNote: "" },
  ar: { name: "العربية", dir: "rtl", reviewed: false, unreviewedNote: "لم تراجع المدرسة هذه الترجمة بعد." },
  so: { name: "Soomaali", dir: "ltr", reviewed: false, unreviewedNote: "Iskuulku weli ma hubin turjumaaddan." },
  ti: { name: "ትግርኛ", dir: "ltr", reviewed: false, unreviewedNote: "እዚ ትርጉም ብቤት ትምህርቲ ገና ኣይተረጋገጸን።" },
  fa: { name: "فارسی / دری", dir: "rtl", reviewed: false, unreviewedNote: "مدرسه هنوز این ترجمه را بررسی نکرده است." },
  uk: { name: "Українська", dir: "ltr", reviewed: false, unreviewedNote: "Школа ще не перевірила цей переклад." },
} as const satisfies Record<string, { name: string; dir: "ltr" | "rtl"; reviewed: boolean; unreviewedNote: string }>;

export type Locale = keyof typeof languages;
export const supportedLocales = Object.keys(languages) as Locale[];
export const defaultLocale: Locale = "sv";

/**
 * The browser loads only the page's language (each is a chunk of its own, ~30 KB); the server has
 * them all (`~/locales/resources.server`).
 */
export const loadTexts: Record<Locale, () => Promise<{ default: Translation }>> = {
  sv: () => import("./locales/sv/common"),
  en: () => import("./locales/en/common"),
  ar: () => import("./locales/ar/common"),
  so: () => import("./locales/so/common"),
  ti: () => import("./locales/ti/common"),
  fa: () => import("./locales/fa/common"),
  uk: () => import("./locales/uk/common"),
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(languages, value);
}

export function textDirection(locale: Locale): "ltr" | "rtl" {
  return languages[locale].dir;
}

/** Shared i18next options for the server render and the browser. */
export const i18nConfig = {
  supportedLngs: [...supportedLocales],
  fallbackLng: defaultLocale,
  defaultNS: "common",
  ns: ["common"],
  interpolation: { escapeValue: false, format: formatValue, alwaysFormat: true },
  // Said outright, so i18next does not test every key for being natural-language text (a regular
  // expression per call, hundreds of calls per plan page). One namespace: no prefixes in keys.
  keySeparator: ".",
  nsSeparator: false,
  react: { useSuspense: false },
  // The texts are bundled, nothing to load: initialise at once rather than after a timer tick
  // (which waited behind the page's other work before hydration could start).
  initImmediate: false,
} as const;

/**
 * Every value put into a translation passes here. `{{name, genitive}}` puts a name in the
 * genitive by the language's rule ("Alvas", "Elis", "Alva’s"; languages without such an ending
 * leave it). In a right-to-left language each value is isolated (FSI … PDI): a Latin name, a date
 * or a number then keeps its own order inside the Arabic sentence instead of pulling its
 * neighbours along ("Karin Holm، 1 ديسمبر" would otherwise read as one left-to-right run).
 */
function formatValue(value: unknown, format: string | undefined, lng: string | undefined): string {
  const locale = isLocale(lng) ? lng : defaultLocale;
  const text = value === undefined || value === null ? "" : String(value);
  const formatted = format === "genitive" ? genitive(text, locale) : text;
  return languages[locale].dir === "rtl" ? `\u2068${formatted}\u2069` : formatted;
}

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: { common: typeof sv };
  }
}
