import type { LoaderFunctionArgs } from "@remix-run/node";
import { evaluationCsv, getEvaluationResults } from "~/services/evaluations.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { getLocale, translatorFor } from "~/utils/i18n.server";
import { requireOwnPageRequest } from "~/utils/request-origin.server";

/**
 * A talk day's evaluation results as CSV, for those who may read them; only when started from our
 * own pages (as exports are), so another site cannot make a browser fetch the free texts. The file
 * name holds the first day only, never a name.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const results = getEvaluationResults(context.db, person, params.eventId ?? "");
  if (!results) throw notFound();
  await requireOwnPageRequest(request, context);
  const t = translatorFor(await getLocale(request));
  return new Response(evaluationCsv(results, t), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="utvardering-${results.days[0] ?? "samtal"}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
