import type sv from "~/locales/sv/common";

/**
 * A route names its page title by a translation key; the root layout renders `<title>` in the
 * page's language (a route's `meta` cannot translate: it runs where only one language is loaded).
 * Never a name in a title: titles end up in browser history and on shared screens.
 */
export interface PageHandle {
  titleKey: `pageTitles.${keyof typeof sv.pageTitles}`;
}

export function isPageHandle(handle: unknown): handle is PageHandle {
  return typeof handle === "object" && handle !== null && typeof (handle as { titleKey?: unknown }).titleKey === "string";
}
