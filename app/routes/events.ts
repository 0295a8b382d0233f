import type { LoaderFunctionArgs } from "@remix-run/node";
import { planEventAudiences, requirePlan } from "~/policies/plan.server";
import { requirePersonSession } from "~/utils/auth.server";
import { personEventStream } from "~/utils/event-stream.server";

/**
 * One server-sent event stream per page: what changed for the signed-in person (a pupil calling
 * them) and, with `?plan=<id>`, in that plan outside its shared text (an assessment, a comment,
 * the talk's clock or agenda). One stream rather than one per concern, because a browser opens
 * only six connections to a server over HTTP/1.1 and every open tab holds its stream.
 * The events carry no content: the page reloads its own loaders, which decide what this person
 * may see. News of a staff-only thread reaches only the staff's streams (the plan policy's
 * "hearStaffEvents"), so the others do not learn that anything happened in one.
 * The stream opens with "hello": how many changes the person and the plan have had. A page whose
 * data was loaded at other numbers missed a change before its stream was listening, and reloads.
 * The stream ends with the session, and with the person's rights on the plan.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const planId = new URL(request.url).searchParams.get("plan");
  // Opening a stream is not a view of the plan: the page itself was logged when it loaded.
  const gate = planId !== null ? await requirePlan(request, context, planId, "read", { recordView: false }) : null;
  const { person, session } = await requirePersonSession(request, context);
  const plan = gate ? { plan: gate.plan, audiences: planEventAudiences(gate.relations, gate.plan) } : null;
  return personEventStream(context, { personId: person.id, session }, plan);
}
