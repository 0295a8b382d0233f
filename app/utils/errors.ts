import type { TFunction } from "i18next";

/**
 * Validation and form errors travel as i18n keys, optionally with a count after a colon
 * ("login.throttled:30"), so the server never has to know the reader's language.
 */
export function translateError(t: TFunction, error: string): string {
  const [key, countText] = error.split(":");
  const count = countText === undefined ? undefined : Number(countText);
  // Keys come from our own schemas; an unknown one falls back to the generic message.
  const translated = t(key as never, count === undefined ? {} : { count }) as string;
  return translated === key ? (t("errors.genericText") as string) : translated;
}
