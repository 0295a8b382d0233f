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
  const livePlanId = document.querySelector<HTMLElement>("[data-live-plan]")?.dataset.livePlan;
  if (livePlanId) void import("./editor/plan-connection.client").then(({ preconnectPlan }) => preconnectPlan(livePlanId));
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

void hydrate();
