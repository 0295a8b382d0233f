import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { defaultLocale, i18nConfig, isLocale, loadTexts } from "./i18n";
import sv from "./locales/sv/common";

async function hydrate() {
  // A plan page: start connecting to the plan now, so the server's answer arrives while React
  // takes over the page rather than after (the editors find the connection already open).
  const livePlan = document.querySelector<HTMLElement>("[data-live-plan]")?.dataset;
  const livePlanId = livePlan?.livePlan;
  if (livePlanId) {
    const deviceCopy = livePlan.deviceCopy ? { name: livePlan.deviceCopy, keep: livePlan.keepDeviceCopy === "true" } : null;
    import("./editor/plan-connection.client")
      .then(({ preconnectPlan }) => preconnectPlan(livePlanId, deviceCopy))
      // Offline, this small module may not be on the device (a pupil who reached her plan by a
      // link within the app never loaded it); the editors then connect as they open.
      .catch(() => {});
  }
  const lang = document.documentElement.lang;
  const locale = isLocale(lang) ? lang : defaultLocale;
  // Swedish is in the bundle (most pages are Swedish); another language is loaded alone, and
  // changing the language reloads the document (the language form).
  const texts = locale === "sv" ? sv : (await loadTexts[locale]()).default;
  await i18next.use(initReactI18next).init({ ...i18nConfig, resources: { [locale]: { common: texts } }, lng: locale });
  await remixDataDecoded();
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

/**
 * With single fetch, Remix's first render suspends until it has decoded the page's data. A tap on
 * the page before React's first work has run (a busy phone) makes React 18 take the page over at
 * once, synchronously; that render cannot wait, React gives up ("Root did not complete", #345) and
 * the page is never taken over: no editor, no live updates (tests/e2e/early-input.spec.ts). So the
 * data is decoded before React starts: RemixBrowser's first call starts the decoding and throws its
 * promise (before it uses any hook), which is awaited here; hydration then never suspends.
 */
async function remixDataDecoded(): Promise<void> {
  try {
    (RemixBrowser as (props: Record<string, never>) => unknown)({});
  } catch (thrown) {
    // Anything else than the decoding's promise: hydration goes ahead as before and shows it.
    if (thrown instanceof Promise) await thrown.catch(() => {});
  }
}

/**
 * The service worker (service-worker/sw.ts) keeps the app shell and a writer's plan page, so a
 * reload without a connection still opens the plan. Files this page loaded before the worker
 * controlled it are named to it, so the shell is complete from the first visit.
 */
function startServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const shellFiles = (entries: PerformanceEntryList) =>
    entries.map((entry) => entry.name).filter((name) => name.startsWith(`${window.location.origin}/build/`));
  navigator.serviceWorker
    .register("/sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const tell = (urls: string[]) => {
        if (urls.length > 0) registration.active?.postMessage({ type: "keep-shell", urls });
      };
      tell([...shellFiles(performance.getEntriesByType("resource")), `${window.location.origin}/favicon.svg`]);
      // Chunks loaded later (the editor's) are kept as they arrive.
      new PerformanceObserver((list) => tell(shellFiles(list.getEntries()))).observe({ type: "resource" });
    })
    .catch(() => {
      // Without a service worker the app works as before; only a reload without a connection fails.
    });
}

void hydrate().then(startServiceWorker);
