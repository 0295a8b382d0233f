/**
 * Asks the service worker (service-worker/sw.ts) to keep this plan page for a reload without a
 * connection. A page load keeps it by itself; a page reached through a link within the app was
 * only fetched as data, so the worker fetches the page once. It keeps only what the server marks
 * as a writer's page, under the signed-in session.
 */
export function keepPageOnDevice(path: string): void {
  if (!("serviceWorker" in navigator)) return;
  void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: "keep-page", path })).catch(() => {});
}
