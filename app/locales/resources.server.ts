import ar from "./ar/common";
import en from "./en/common";
import fa from "./fa/common";
import so from "./so/common";
import sv from "./sv/common";
import ti from "./ti/common";
import uk from "./uk/common";
import type { Locale } from "~/i18n";
import type { Translation } from "./types";

/** Every language's texts, for the server render, mails, calendar files and the PDF. */
export const resources: Record<Locale, { common: Translation }> = {
  sv: { common: sv },
  en: { common: en },
  ar: { common: ar },
  so: { common: so },
  ti: { common: ti },
  fa: { common: fa },
  uk: { common: uk },
};
