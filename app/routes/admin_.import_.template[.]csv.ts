import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireSchoolAdmin } from "~/policies/school.server";
import { csvTemplateFile } from "~/services/roster-import/import-page.server";

/** The CSV template for schools without SS12000: the columns and example rows (no real person). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSchoolAdmin(request, context);
  return new Response(csvTemplateFile(), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="elevregister-mall.csv"',
      "Cache-Control": "no-store",
    },
  });
}
