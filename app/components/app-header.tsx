import { useId, useRef, useState } from "react";
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
 * service worker drops its copies of their pages once the server has answered the post
 * (service-worker/sw.ts). Offline, or while an edit has not reached the server, the person is told
 * first: deleting the drafts then would lose words (offline she could not sign out anyway).
 */
function SignOutForm({ deviceKey }: { deviceKey: string }) {
  const { t } = useTranslation();
  const [leaving, setLeaving] = useState(false);
  const [problem, setProblem] = useState<"offline" | "unsaved" | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const dialogId = useId();
  const leave = () => {
    setLeaving(true);
    void forgetThisDevice(deviceKey).finally(() => form.current?.submit());
  };
  const ask = (why: "offline" | "unsaved") => {
    setProblem(why);
    dialog.current?.showModal();
  };
  return (
    <>
      <form
        ref={form}
        method="post"
        action="/logout"
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (leaving) return;
          if (!navigator.onLine) return ask("offline");
          void unsavedEdits().then((unsaved) => (unsaved ? ask("unsaved") : leave()));
        }}
      >
        <button type="submit" className="button-secondary" disabled={leaving}>
          {t("nav.signOut")}
        </button>
      </form>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${dialogId}-title`} aria-describedby={`${dialogId}-text`} onClose={() => setProblem(null)}>
        <h2 id={`${dialogId}-title`}>{problem === "offline" ? t("nav.signOutOffline.title") : t("nav.signOutUnsaved.title")}</h2>
        <p id={`${dialogId}-text`}>{problem === "offline" ? t("nav.signOutOffline.text") : t("nav.signOutUnsaved.text")}</p>
        <div className="actions">
          {problem === "unsaved" ? (
            <button
              type="button"
              className="button-primary"
              onClick={() => {
                dialog.current?.close();
                leave();
              }}
            >
              {t("nav.signOutUnsaved.anyway")}
            </button>
          ) : null}
          <button type="button" className="button-secondary" onClick={() => dialog.current?.close()} autoFocus>
            {problem === "offline" ? t("nav.signOutOffline.ok") : t("nav.signOutUnsaved.stay")}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Whether an edit made on this page has not reached the server (the page has no plan open: none). */
async function unsavedEdits(): Promise<boolean> {
  const { allEditsOnServer } = await import("~/editor/plan-connection.client");
  return !allEditsOnServer();
}

async function forgetThisDevice(deviceKey: string) {
  const [{ closeAllPlanConnections }, { forgetDeviceCopies }] = await Promise.all([
    import("~/editor/plan-connection.client"),
    import("~/editor/device-copy.client"),
  ]);
  await closeAllPlanConnections();
  await forgetDeviceCopies(deviceKey);
}
