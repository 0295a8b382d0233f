import type { LoaderFunctionArgs } from "@remix-run/node";
import { getGuestPlan } from "~/services/talk-guests.server";
import { notFound } from "~/utils/auth.server";
import { eventStream } from "~/utils/event-stream.server";

/**
 * The guest's view hears what the family hears of the plan (the clock, where the pupil is, the
 * lock), as long as the guest's link is open: never a staff-only event. Outside the window, or
 * with a withdrawn link: 404.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const plan = getGuestPlan(context.db, await context.guestCookie.parse(request.headers.get("Cookie")));
  if (!plan) throw notFound();
  return eventStream(request, (send) => context.planEvents.subscribe(plan.planId, send, ["everyone"]));
}
