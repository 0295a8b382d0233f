import type { LoaderFunctionArgs } from "@remix-run/node";
import { canOnPlan, requirePlan } from "~/policies/plan.server";
import { requirePerson } from "~/utils/auth.server";
import { eventStream } from "~/utils/event-stream.server";

/**
 * One server-sent event stream per page: what changed for the signed-in person (a pupil calling
 * them) and, with `?plan=<id>`, in that plan outside its shared text (an assessment, a comment,
 * the talk's clock or agenda). One stream rather than one per concern, because a browser opens
 * only six connections to a server over HTTP/1.1 and every open tab holds its stream.
 * The events carry no content: the page reloads its own loaders, which decide what this person
 * may see. News of a staff-only thread reaches only the staff's streams (the plan policy's
 * "hearStaffEvents"), so the others do not learn that anything happened in one.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const planId = new URL(request.url).searchParams.get("plan");
  // Opening a stream is not a view of the plan: the page itself was logged when it loaded.
  const gate = planId !== null ? await requirePlan(request, context, planId, "read", { recordView: false }) : null;
  const person = gate?.person ?? (await requirePerson(request, context));
  return eventStream(request, (send) => {
    const unsubscribePerson = context.personEvents.subscribe(person.id, send);
    const unsubscribePlan = gate
      ? context.planEvents.subscribe(gate.plan.id, send, canOnPlan(gate.relations, gate.plan, "hearStaffEvents") ? ["everyone", "staff"] : ["everyone"])
      : () => {};
    return () => {
      unsubscribePerson();
      unsubscribePlan();
    };
  });
}
