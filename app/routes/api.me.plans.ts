import type { LoaderFunctionArgs } from "@remix-run/node";
import { listPlansForPerson } from "~/services/plan-page.server";
import { getPerson } from "~/utils/auth.server";

/** GET /api/me/plans — the plans the signed-in person can open, with their access and status. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await getPerson(request, context);
  if (!person) {
    return Response.json({ error: "unauthorized", message: "Sign in first." }, { status: 401, headers: { "Cache-Control": "no-store" } });
  }
  const plans = listPlansForPerson(context.db, person).map((p) => ({
    planId: p.planId,
    pupilName: `${p.pupil.givenName} ${p.pupil.familyName}`,
    term: { kind: p.term.kind, year: p.term.year },
    access: p.access,
    status: p.status,
  }));
  return Response.json({ plans }, { headers: { "Cache-Control": "no-store" } });
}
