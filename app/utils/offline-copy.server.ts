import type { HeadersFunction } from "@remix-run/node";
import { OFFLINE_COPY_HEADER } from "~/shared/device-copy";

/** Headers of a page the service worker may keep for a reload without a connection: a plan its viewer writes in. */
export function offlineCopyHeaders(keep: boolean): Record<string, string> {
  return keep ? { [OFFLINE_COPY_HEADER]: "keep" } : {};
}

/** A route's `headers`: the parents' headers, and the loader's offline mark (the document's headers come from here). */
export const offlineCopyRouteHeaders: HeadersFunction = ({ loaderHeaders, parentHeaders }) => {
  const headers = new Headers(parentHeaders);
  const mark = loaderHeaders.get(OFFLINE_COPY_HEADER);
  if (mark) headers.set(OFFLINE_COPY_HEADER, mark);
  return headers;
};
