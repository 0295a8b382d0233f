/**
 * A route names its page title by a translation key; the root layout renders `<title>` in the
 * page's language (a route's `meta` cannot translate: it runs where only one language is loaded).
 * Never a name in a title: titles end up in browser history and on shared screens.
 */
export interface PageHandle {
  titleKey: `pageTitles.${"login" | "home" | "pupil" | "group" | "plan" | "log" | "assessments" | "admin" | "outbox" | "verify" | "talkDays" | "sitting" | "talk" | "accessibility"}`;
}

export function isPageHandle(handle: unknown): handle is PageHandle {
  return typeof handle === "object" && handle !== null && typeof (handle as { titleKey?: unknown }).titleKey === "string";
}
