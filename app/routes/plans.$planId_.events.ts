import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPupilAccess } from "../../db/queries/access";
import { getPlan } from "../../db/queries/plans";
import { notFound, requirePerson } from "~/utils/auth.server";
import { eventStream } from "~/utils/event-stream.server";

/**
 * Server-sent events for one plan: "something stored in SQL changed" (an assessment, a comment,
 * the talk's clock or agenda). The page reloads its own loader, which decides what this person
 * may see (so a staff-only thread never travels down this stream, not even as a title).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const plan = getPlan(context.db, params.planId ?? "");
  if (!plan || getPupilAccess(context.db, person.id, plan.pupilId) === "none") throw notFound();
  return eventStream(request, (send) => context.planEvents.subscribe(plan.id, send));
}
