/**
 * Asks the service worker (service-worker/sw.ts) to keep this plan page for a reload without a
 * connection. A page load keeps it by itself; a page reached through a link within the app was
 * only fetched as data, so the worker fetches the page once. It keeps only what the server marks
 * as a writer's page, under the signed-in session.
 */
export function keepPageOnDevice(path: string): void {
  tellServiceWorker({ type: "keep-page", path });
}

/** Asks the service worker to drop its copies of this plan's pages (this one, and the plan's other
 * address: /plans/:id or a talk's /talks/:id): the person no longer writes in the plan (it was
 * locked), so a copy opened offline would take words that could never be stored. */
export function forgetPlanOnDevice(path: string, planId: string): void {
  tellServiceWorker({ type: "forget-page", path, planId });
}

function tellServiceWorker(message: { type: "keep-page" | "forget-page"; path: string; planId?: string }) {
  if (!("serviceWorker" in navigator)) return;
  void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage(message)).catch(() => {});
}
