import type { AppLoadContext, HeadersFunction } from "@remix-run/node";
import { OFFLINE_COPY_HEADER, OFFLINE_PLAN_HEADER, OFFLINE_UNTIL_HEADER } from "~/shared/device-copy";
import { requirePersonSession } from "./auth.server";

/**
 * Headers of a page the service worker may keep for a reload without a connection: a plan its
 * viewer writes in. With it, when the session it was rendered for ends: offline the worker has
 * no other way to know that the person is gone (the browser drops the cookie, the copy stays).
 */
export async function offlineCopyHeaders(request: Request, context: AppLoadContext, planId: string, keep: boolean): Promise<Record<string, string>> {
  if (!keep) return { [OFFLINE_PLAN_HEADER]: planId };
  const { session } = await requirePersonSession(request, context);
  return { [OFFLINE_PLAN_HEADER]: planId, [OFFLINE_COPY_HEADER]: "keep", [OFFLINE_UNTIL_HEADER]: String(session.expiresAt.getTime()) };
}

/** A route's `headers`: the parents' headers, and the loader's offline mark (the document's headers come from here). */
export const offlineCopyRouteHeaders: HeadersFunction = ({ loaderHeaders, parentHeaders }) => {
  const headers = new Headers(parentHeaders);
  for (const name of [OFFLINE_PLAN_HEADER, OFFLINE_COPY_HEADER, OFFLINE_UNTIL_HEADER]) {
    const value = loaderHeaders.get(name);
    if (value) headers.set(name, value);
  }
  return headers;
};
