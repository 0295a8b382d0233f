import type { ActionFunctionArgs } from "@remix-run/node";
import { performAcknowledge } from "~/services/talk-intents.server";
import { requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";

/** "Jag kommer": a teacher answers a pupil's call (from the notice shown on every page). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const form = await readFormData(request);
  // A resource route: the status must travel on a Response (single fetch ignores data() here).
  if (form.get("intent") !== "acknowledge") return Response.json({ ok: false, error: "validation" }, { status: 400 });
  const result = performAcknowledge(context, person, params.callId ?? "");
  return Response.json(result, { status: result.ok ? 200 : result.status });
}

export async function loader() {
  throw new Response("Not Found", { status: 404 });
}
