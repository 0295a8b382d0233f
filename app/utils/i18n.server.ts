import { createCookie } from "@remix-run/node";
import i18next, { type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { defaultLocale, i18nConfig, isLocale, type Locale } from "~/i18n";
import { resources } from "~/locales/resources.server";

/** The chosen language. Swedish unless the person has chosen another. */
export const localeCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/**
 * Set when someone chooses a language while signed out (on the sign-in page): the choice then
 * goes onto their account when they sign in. Lives as long as the browser session.
 */
export const localePickedCookie = createCookie("lng_picked", { path: "/", sameSite: "lax", httpOnly: true });

/** The page's language: the person's choice from the cookie; Swedish whatever the browser says. */
export async function getLocale(request: Request): Promise<Locale> {
  const value: unknown = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(value) ? value : defaultLocale;
}

/** Whether the language was chosen on this visit before signing in. */
export async function wasLocalePicked(request: Request): Promise<boolean> {
  return (await localePickedCookie.parse(request.headers.get("Cookie"))) === true;
}

const instances = new Map<Locale, ReturnType<typeof i18next.createInstance>>();
/**
 * A ready i18next instance per language, shared by all server work (page render, mails, PDF):
 * setting one up per request cost more than the page's translations. Nothing changes an
 * instance's language.
 */
export function i18nFor(locale: Locale) {
  let instance = instances.get(locale);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(initReactI18next).init({ ...i18nConfig, resources, lng: locale });
    instances.set(locale, instance);
  }
  return instance;
}

/** The translate function of one language, for texts made on the server (mails, PDF). */
export function translatorFor(locale: Locale): TFunction {
  return i18nFor(locale).getFixedT(locale);
}
