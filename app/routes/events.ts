import type { LoaderFunctionArgs } from "@remix-run/node";
import { planEventAudiences, requirePlan } from "~/policies/plan.server";
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
 * The stream opens with "hello": how many changes the person and the plan have had. A page whose
 * data was loaded at other numbers missed a change before its stream was listening, and reloads.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const planId = new URL(request.url).searchParams.get("plan");
  // Opening a stream is not a view of the plan: the page itself was logged when it loaded.
  const gate = planId !== null ? await requirePlan(request, context, planId, "read", { recordView: false }) : null;
  const person = gate?.person ?? (await requirePerson(request, context));
  const audiences = gate ? planEventAudiences(gate.relations, gate.plan) : [];
  return eventStream(
    request,
    (send) => {
      const unsubscribePerson = context.personEvents.subscribe(person.id, send);
      const unsubscribePlan = gate ? context.planEvents.subscribe(gate.plan.id, send, audiences) : () => {};
      return () => {
        unsubscribePerson();
        unsubscribePlan();
      };
    },
    // Read in the same turn as the subscription: nothing can be published in between.
    () => JSON.stringify({ person: context.personEvents.sequence(person.id), plan: gate ? context.planEvents.sequenceFor(gate.plan.id, audiences) : null }),
  );
}
