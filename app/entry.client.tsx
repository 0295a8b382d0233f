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
    void import("./editor/plan-connection.client").then(({ preconnectPlan }) => preconnectPlan(livePlanId, deviceCopy));
  }
  const lang = document.documentElement.lang;
  const locale = isLocale(lang) ? lang : defaultLocale;
  // Swedish is in the bundle (most pages are Swedish); another language is loaded alone, and
  // changing the language reloads the document (the language form).
  const texts = locale === "sv" ? sv : (await loadTexts[locale]()).default;
  await i18next.use(initReactI18next).init({ ...i18nConfig, resources: { [locale]: { common: texts } }, lng: locale });
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
