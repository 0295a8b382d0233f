import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { openGuestLink } from "~/services/talk-guests.server";
import { notFound } from "~/utils/auth.server";

/**
 * A guest's link (an interpreter of one talk). The token moves into the guest's own cookie and
 * the browser goes on to /guest, so the key is not left in the address bar or the history. An
 * opening inside the talk's window is logged in the plan's log. Unknown or withdrawn: 404.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const opened = openGuestLink(context.db, token);
  if (!opened) throw notFound();
  return redirect("/guest", {
    headers: {
      "Set-Cookie": await context.guestCookie.serialize(token, { expires: opened.cookieExpires }),
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
    },
  });
}
