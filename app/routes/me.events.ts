import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePerson } from "~/utils/auth.server";
import { eventStream } from "~/utils/event-stream.server";

/** Server-sent events for the signed-in person wherever they are in the app: "calls" when a
 * pupil calls them to a talk (or such a call is answered). Only ever their own channel. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  return eventStream(request, (send) => context.personEvents.subscribe(person.id, send));
}
