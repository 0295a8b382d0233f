import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPupilAccess } from "../../db/queries/access";
import { getPlan } from "../../db/queries/plans";
import { notFound, requirePersonSession } from "~/utils/auth.server";
import { personEventStream } from "~/utils/event-stream.server";

/**
 * One server-sent event stream per page: what changed for the signed-in person (a pupil calling
 * them) and, with `?plan=<id>`, in that plan outside its shared text (an assessment, a comment,
 * the talk's clock or agenda). One stream rather than one per concern, because a browser opens
 * only six connections to a server over HTTP/1.1 and every open tab holds its stream.
 * The events carry no content: the page reloads its own loaders, which decide what this person
 * may see (so a staff-only thread never travels down this stream, not even as a title). The
 * stream ends with the session, and the plan's part with the person's rights on the plan.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { person, session } = await requirePersonSession(request, context);
  const planId = new URL(request.url).searchParams.get("plan");
  let plan = null;
  if (planId !== null) {
    plan = getPlan(context.db, planId);
    if (!plan || getPupilAccess(context.db, person.id, plan.pupilId) === "none") throw notFound();
  }
  return personEventStream(request, context, { personId: person.id, session }, plan);
}
