import type { AppLoadContext } from "@remix-run/node";
import { getLocale, translatorFor } from "./i18n.server";
import { isOwnPageRequest, ownOrigins, signalsOf } from "./request-origin";

/**
 * For GET routes with an effect (a download that is logged in the person's name): throws 403 with
 * a short explanation unless our own pages started the request (see request-origin.ts). Another
 * site's link or hidden frame then neither gets the file nor writes to the plan's log.
 */
export async function requireOwnPageRequest(request: Request, context: Pick<AppLoadContext, "publicUrl">): Promise<void> {
  const own = ownOrigins(context.publicUrl, new URL(request.url).origin);
  if (isOwnPageRequest(signalsOf(request.headers, request.method), own)) return;
  const t = translatorFor(await getLocale(request));
  throw new Response(t("edge.ownPagesOnly"), {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
