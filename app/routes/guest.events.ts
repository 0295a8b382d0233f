import type { LoaderFunctionArgs } from "@remix-run/node";
import { getGuestPlan } from "~/services/talk-guests.server";
import { notFound } from "~/utils/auth.server";
import { guestEventStream } from "~/utils/event-stream.server";

/**
 * The guest's view hears what the family hears of the plan (the clock, where the pupil is, the
 * lock), as long as the guest's link is open: never a staff-only event. Outside the window, or
 * with a withdrawn link: 404; the stream ends when the window closes or the link is withdrawn.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const guest = getGuestPlan(context.db, await context.guestCookie.parse(request.headers.get("Cookie")));
  if (!guest) throw notFound();
  return guestEventStream(context, guest);
}
