/**
 * Names of what the browser keeps of a person's plans on a device (IndexedDB, see
 * app/editor/device-copy.client.ts), shared by the server that hands them to the page and the
 * page that opens and deletes them. A device key names one person without revealing their id
 * (app/utils/presence.server.ts makes it); every plan of theirs starts with the same prefix, so
 * sign-out can delete them all.
 */
export const DEVICE_COPY_PREFIX = "iup-plan.";

export function deviceCopyName(deviceKey: string, planId: string): string {
  return `${DEVICE_COPY_PREFIX}${deviceKey}.${planId}`;
}

/**
 * Response headers for the service worker (service-worker/sw.ts). On every response of a
 * signed-in session: which session it was rendered for (a keyed hash of the session cookie), so
 * that pages kept for one are never shown to another. On a page whose viewer writes in the plan:
 * that the worker may keep it for a reload without a connection.
 */
export const DEVICE_PARTITION_HEADER = "IUP-Device-Partition";
export const OFFLINE_COPY_HEADER = "IUP-Offline-Copy";
/** With a kept page: until when (milliseconds since 1970) its session lasts; the worker shows it no longer. */
export const OFFLINE_UNTIL_HEADER = "IUP-Offline-Until";
/** On a plan's pages (/plans/:id and a talk's /talks/:id): which plan they show, so that when one
 * of them is no longer kept (the plan was locked) the worker drops the other too. */
export const OFFLINE_PLAN_HEADER = "IUP-Offline-Plan";
