import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { languages, supportedLocales, type Locale } from "~/i18n";
import { useLocale } from "~/utils/use-locale";

/**
 * The languages, each named in itself, as buttons of one form. A translation the school has not
 * reviewed says so in its own language. Choosing reloads the page in that language (the action
 * answers with a document redirect). Not a document form post: a page that sends no referrer (the
 * set-password link) would send `Origin: null`, which the edge refuses as another site's.
 */
function LanguageForm({ idPrefix }: { idPrefix: string }) {
  const current = useLocale();
  const location = useLocation();
  return (
    <Form method="post" action="/language" className="language-form">
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <ul className="language-list">
        {supportedLocales.map((locale: Locale) => {
          const language = languages[locale];
          const noteId = `${idPrefix}-note-${locale}`;
          return (
            <li key={locale} lang={locale} dir={language.dir}>
              <button
                type="submit"
                name="locale"
                value={locale}
                className="language-option"
                aria-current={locale === current ? "true" : undefined}
                aria-describedby={language.reviewed ? undefined : noteId}
              >
                {language.name}
              </button>
              {language.reviewed ? null : (
                <span id={noteId} className="language-note">
                  {language.unreviewedNote}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </Form>
  );
}

function GlobeIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
      <circle cx="12" cy="12" r="10" />
      <path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20" />
    </svg>
  );
}

/** In the header of every page: a disclosure with the languages. */
export function LanguageMenu() {
  const { t } = useTranslation();
  const current = useLocale();
  return (
    <details className="language-menu">
      <summary>
        <GlobeIcon />
        <span>{t("language.label")}</span>
        <span className="language-current" lang={current}>
          {languages[current].name}
        </span>
      </summary>
      <div className="language-panel">
        <LanguageForm idPrefix="menu" />
      </div>
    </details>
  );
}

/** On the sign-in page: the languages in full view, before anyone has to read Swedish. */
export function LanguageChoice() {
  const { t } = useTranslation();
  return (
    <section className="card language-choice" aria-labelledby="language-choice-heading">
      <h2 id="language-choice-heading">
        <GlobeIcon /> {t("language.choose")}
      </h2>
      <LanguageForm idPrefix="choice" />
    </section>
  );
}
