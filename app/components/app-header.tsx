import { Form, Link, NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageMenu } from "~/components/language-menu";
import { fullName } from "~/utils/format";

interface Props {
  person: { givenName: string; familyName: string; nav: { talkDays: boolean; admin: boolean } } | null;
}

/** The bar on every page: product name, main menu, language switch and sign-out. */
export function AppHeader({ person }: Props) {
  const { t } = useTranslation();
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
          <LanguageMenu />
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
