import { useTranslation } from "react-i18next";
import { defaultLocale, isLocale, type Locale } from "~/i18n";

/** The language the page is rendered in. */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : defaultLocale;
}
