import { useEffect, useRef, type RefObject } from "react";

/**
 * Moving focus to where a person's next step is. Shared by the skip links and the pages that
 * answer an action (booking, locking, calling a teacher, a refused form).
 */

/** Focuses the first element a selector finds, else the element itself (made focusable for this). */
export function focusWithin(target: HTMLElement | null, selectors: readonly string[] = []): HTMLElement | null {
  if (!target) return null;
  const found = selectors.map((s) => target.querySelector<HTMLElement>(s)).find((el) => el !== null) ?? target;
  if (!found.hasAttribute("tabindex") && found.tabIndex < 0) found.tabIndex = -1;
  found.focus({ preventScroll: true });
  found.scrollIntoView({ block: "start" });
  return found;
}

/**
 * Focuses `ref`'s element each time `answer` changes to something new (not null): the answer to an
 * action has arrived and the element shows it. The first value seen at mount does not move focus.
 */
export function useFocusOnAnswer(ref: RefObject<HTMLElement | null>, answer: unknown): void {
  const seen = useRef(answer);
  useEffect(() => {
    if (answer === seen.current) return;
    seen.current = answer;
    if (answer === null || answer === undefined) return;
    const element = ref.current;
    if (!element) return;
    if (element.tabIndex < 0 && !element.hasAttribute("tabindex")) element.tabIndex = -1;
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest" });
  }, [ref, answer]);
}

/**
 * Focus asked for before a page change that will unmount the asking form (the lock form is
 * replaced by the signing step once the page reloads). The part that appears takes it on mount.
 */
let pendingFocus: string | null = null;

export function requestFocusAfterReload(name: string): void {
  pendingFocus = name;
}

export function cancelFocusRequest(name: string): void {
  if (pendingFocus === name) pendingFocus = null;
}

/** Takes the focus asked for by `requestFocusAfterReload(name)`, once, when this part is shown. */
export function useTakeRequestedFocus(name: string, ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    if (pendingFocus !== name || !ref.current) return;
    pendingFocus = null;
    const element = ref.current;
    if (element.tabIndex < 0 && !element.hasAttribute("tabindex")) element.tabIndex = -1;
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "start" });
  });
}
