import type sv from "~/locales/sv/common";

/**
 * A route's own skip links, shown before the general "skip to content" (root layout). Each goes to
 * an element by id; in the browser it focuses the first element the selectors find inside it (the
 * first editor that takes text, the agenda's current item), else the element itself.
 */
export interface SkipLink {
  target: string;
  labelKey: `skipTo.${keyof typeof sv.skipTo}`;
  focus?: readonly string[];
}

export interface SkipLinksHandle {
  skipLinks: readonly SkipLink[];
}

export function hasSkipLinks(handle: unknown): handle is SkipLinksHandle {
  return typeof handle === "object" && handle !== null && Array.isArray((handle as { skipLinks?: unknown }).skipLinks);
}
