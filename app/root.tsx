import { useEffect } from "react";
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AppHeader } from "~/components/app-header";
import { CallNotices } from "~/components/talk/call-notices";
import { navigationFor } from "~/policies/school.server";
import { getCallsForTeacher } from "~/services/talk-live.server";
import { defaultLocale, languages, textDirection } from "~/i18n";
import { getPerson } from "~/utils/auth.server";
import { deviceKey } from "~/utils/presence.server";
import { getLocale } from "~/utils/i18n.server";
import { isPageHandle } from "~/utils/page-title";
import { focusWithin } from "~/utils/focus";
import { hasSkipLinks } from "~/utils/skip-links";
import { PageDataReload, useLiveEvents } from "~/utils/use-live-events";
import { useNonce } from "~/utils/nonce";
import stylesheet from "~/styles/app.css";
import { ethiopicFontFaces, ethiopicFontPreloads } from "~/utils/fonts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, person] = await Promise.all([getLocale(request), getPerson(request, context)]);
  const nav = person ? navigationFor(person) : null;
  return {
    locale,
    // deviceKey: names what this browser keeps of the person's plans, deleted at sign-out.
    person: person && nav ? { givenName: person.givenName, familyName: person.familyName, nav, deviceKey: deviceKey(person.id) } : null,
    // Pupils calling this teacher to their talk: shown on every page.
    calls: person && nav?.receivesCalls ? getCallsForTeacher(context.db, person.id) : [],
    /** How many changes the person's own events had when this was read (see useLiveEvents). */
    personSeq: person ? context.personEvents.sequence(person.id) : 0,
  };
}

export type RootLoaderData = Awaited<ReturnType<typeof loader>>;

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRootData();
  const locale = data?.locale ?? defaultLocale;
  const { t } = useTranslation();
  const nonce = useNonce();
  // The page's title by the deepest route that names one (never with a name in it).
  const titleKey = useMatches()
    .map((m) => (isPageHandle(m.handle) ? m.handle.titleKey : null))
    .filter((key) => key !== null)
    .at(-1);
  const skipLinks = useMatches().flatMap((m) => (hasSkipLinks(m.handle) ? m.handle.skipLinks : []));
  return (
    <html lang={locale} dir={textDirection(locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{titleKey ? `${t(titleKey)} · ${t("appName")}` : t("appName")}</title>
        <Meta />
        <Links />
        <style dangerouslySetInnerHTML={{ __html: ethiopicFontFaces }} />
        {locale === "ti" ? ethiopicFontPreloads.map((link) => <link key={link.href} {...link} />) : null}
      </head>
      <body>
        {/* A page's own skip links first (to the plan's first editor, to the agenda): the fewest
            presses to where the work is. Without JavaScript they are plain in-page links. */}
        {skipLinks.map((link) => (
          <a
            key={link.target}
            className="skip-link"
            href={`#${link.target}`}
            onClick={(event) => {
              if (focusWithin(document.getElementById(link.target), link.focus)) event.preventDefault();
            }}
          >
            {t(link.labelKey)}
          </a>
        ))}
        <a className="skip-link" href="#main">
          {t("skipToContent")}
        </a>
        <AppHeader person={data?.person ?? null} />
        {data?.person?.nav.receivesCalls ? <CallNotices calls={data.calls} /> : null}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="app-footer">
          <div className="app-footer-inner">
            <Link to="/accessibility">{t("footer.accessibility")}</Link>
            <Link to="/verify">{t("footer.verify")}</Link>
            {languages[locale].reviewed ? null : <p className="small">{languages[locale].unreviewedNote}</p>}
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRootData();
  // Staff hear of pupils calling them on every page; plan pages also of changes to the plan.
  const reloadPageData = useLiveEvents(data?.person?.nav.receivesCalls === true, data?.personSeq ?? 0);
  // Marks the page as live (React has taken over): for styles that need JavaScript, and for
  // browser tests that must not act on server-rendered markup React is about to replace.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <PageDataReload.Provider value={reloadPageData}>
      <Outlet />
    </PageDataReload.Provider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // Only the status is shown: an error's message or stack never reaches the page.
  const [title, text] =
    status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFoundText")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbiddenText")]
        : status === 413
          ? [t("errors.tooLargeTitle"), t("errors.tooLargeText")]
          : status >= 400 && status < 500
            ? [t("errors.badRequestTitle"), t("errors.badRequestText")]
            : [t("errors.genericTitle"), t("errors.genericText")];
  return (
    <div className="page page-narrow">
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </div>
  );
}
