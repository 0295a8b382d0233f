import { createCookie, type Cookie } from "@remix-run/node";

/**
 * The cookie that holds a guest's link token after the link is opened (so the token leaves the
 * address bar and the history). It is no session: only the guest pages and the collaboration
 * server's guest admission read it, and the token works only for its talk, in its window.
 */
export function createGuestCookie(secure: boolean): Cookie {
  return createCookie("__guest", { httpOnly: true, sameSite: "lax", secure, path: "/" });
}
