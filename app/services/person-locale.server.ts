import type { AppDatabase } from "../../db/client";
import { getSignedInPerson, setPreferredLocale } from "../../db/queries/roster";
import { isLocale, type Locale } from "~/i18n";

/**
 * The language at sign-in. One chosen on the sign-in page (this visit) is kept on the account, so
 * mails follow it too; otherwise the account's language becomes the page's. Null: leave the page
 * in the language it has.
 */
export function settleLocaleAtSignIn(db: AppDatabase, personId: string, picked: Locale | null): Locale | null {
  if (picked) {
    setPreferredLocale(db, personId, picked);
    return picked;
  }
  const stored = getSignedInPerson(db, personId)?.preferredLocale;
  return isLocale(stored) ? stored : null;
}
