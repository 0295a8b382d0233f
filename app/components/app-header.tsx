import { useState } from "react";
import { Form, Link, NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageMenu } from "~/components/language-menu";
import { fullName } from "~/utils/format";

interface Props {
  person: { givenName: string; familyName: string; nav: { talkDays: boolean; admin: boolean }; deviceKey: string } | null;
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
              <SignOutForm deviceKey={person.deviceKey} />
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}

/**
 * Sign-out as a plain form post (a whole new page: nothing of the person stays in memory). Before
 * it leaves, what this browser keeps of the person's plans (drafts in IndexedDB) is deleted; the
 * service worker drops its copies of their pages when it sees the post (public/sw.js).
 */
function SignOutForm({ deviceKey }: { deviceKey: string }) {
  const { t } = useTranslation();
  const [leaving, setLeaving] = useState(false);
  return (
    <form
      method="post"
      action="/logout"
      className="inline-form"
      onSubmit={(event) => {
        // Offline the post cannot go through: keep everything (edits not yet on the server too).
        if (leaving || !navigator.onLine) return;
        event.preventDefault();
        setLeaving(true);
        const form = event.currentTarget;
        void forgetThisDevice(deviceKey).finally(() => form.submit());
      }}
    >
      <button type="submit" className="button-secondary" disabled={leaving}>
        {t("nav.signOut")}
      </button>
    </form>
  );
}

async function forgetThisDevice(deviceKey: string) {
  const [{ closeAllPlanConnections }, { forgetDeviceCopies }] = await Promise.all([
    import("~/editor/plan-connection.client"),
    import("~/editor/device-copy.client"),
  ]);
  await closeAllPlanConnections();
  await forgetDeviceCopies(deviceKey);
}
