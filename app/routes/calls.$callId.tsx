import { data, type ActionFunctionArgs } from "@remix-run/node";
import { performAcknowledge } from "~/services/talk-intents.server";
import { requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";

/** "Jag kommer": a teacher answers a pupil's call (from the notice shown on every page). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const form = await readFormData(request);
  if (form.get("intent") !== "acknowledge") return data({ ok: false as const, error: "validation" }, { status: 400 });
  const result = performAcknowledge(context, person, params.callId ?? "");
  return result.ok ? result : data(result, { status: result.status });
}

export async function loader() {
  throw new Response("Not Found", { status: 404 });
}
