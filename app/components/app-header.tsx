import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n";
import { fullName } from "~/utils/format";

interface Props {
  person: { givenName: string; familyName: string; nav: { talkDays: boolean; admin: boolean } } | null;
  locale: Locale;
}

/** The bar on every page: product name, main menu, language switch and sign-out. */
export function AppHeader({ person, locale }: Props) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            IUP
          </span>
          <span>{t("appName")}</span>
        </Link>
        {person ? (
          <nav aria-label={t("nav.main")} className="main-nav">
            <NavLink to="/" end>
              {t("nav.home")}
            </NavLink>
            {person.nav.talkDays ? <NavLink to="/talk-days">{t("nav.talkDays")}</NavLink> : null}
            {person.nav.admin ? <NavLink to="/admin">{t("nav.admin")}</NavLink> : null}
          </nav>
        ) : null}
        <div className="header-actions">
          <Form method="post" action="/language" className="inline-form">
            <input type="hidden" name="locale" value={t("language.switchToLang")} />
            <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
            <button type="submit" className="button-link" lang={locale === "sv" ? "en" : "sv"}>
              {t("language.switchTo")}
            </button>
          </Form>
          {person ? (
            <>
              <span className="signed-in-as">{t("nav.signedInAs", { name: fullName(person) })}</span>
              <Form method="post" action="/logout" className="inline-form">
                <button type="submit" className="button-secondary">
                  {t("nav.signOut")}
                </button>
              </Form>
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}
