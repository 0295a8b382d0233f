import type { ActionFunctionArgs } from "@remix-run/node";
import { performCallAnswer } from "~/services/talk-intents.server";
import { respondJson } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";

/** "Jag kommer": a teacher answers a pupil's call (from the notice shown on every page). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  // A resource route: the status must travel on a Response (single fetch ignores data() here).
  return respondJson(performCallAnswer(context, person, params.callId ?? "", await readFormData(request)), "talks");
}

export async function loader() {
  throw notFound();
}
