import { z } from "zod";
import type { AppDatabase } from "../../db/client";
import { setPreferredLocale, type SignedInPerson } from "../../db/queries/roster";
import { supportedLocales, type Locale } from "~/i18n";
import { parseForm, type Result } from "~/utils/action-result.server";

const LanguageSchema = z.object({
  locale: z.enum(supportedLocales as [Locale, ...Locale[]]),
  redirectTo: z.string().max(2000).optional(),
});

/** The chosen language, kept on the account of a signed-in person (for what we send them). */
export function setLanguage(db: AppDatabase, person: SignedInPerson | null, form: FormData): Result<{ locale: Locale; redirectTo: string | undefined }> {
  const parsed = parseForm(form, LanguageSchema);
  if (!parsed.ok) return parsed;
  if (person) setPreferredLocale(db, person.id, parsed.value.locale);
  return { ok: true, locale: parsed.value.locale, redirectTo: parsed.value.redirectTo };
}
