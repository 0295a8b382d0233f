import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ImportChangesView } from "~/components/import/import-changes";
import { ImportRefusal } from "~/components/import/import-problems";
import { requireSchoolAdmin } from "~/policies/school.server";
import { getImportRunPage, performApplyImport } from "~/services/roster-import/import-page.server";
import { parseForm, respond } from "~/utils/action-result.server";
import { notFound } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { readFormData } from "~/utils/forms.server";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.importRun" };

/** A dry run waiting to be applied, or an applied import: what it changes, person by person. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  const page = getImportRunPage(context.db, admin, params.runId ?? "");
  if (!page) throw notFound();
  return page;
}

const ApplySchema = z.object({ intent: z.literal("apply") });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  const parsed = parseForm(await readFormData(request), ApplySchema);
  if (!parsed.ok) return respond(parsed, "import");
  const result = performApplyImport(context, admin, params.runId ?? "");
  // The roster moved since the preview: show the new one.
  if (!result.ok && result.error === "importChanged" && result.runId) throw redirect(`/admin/import/${result.runId}?changed=1`);
  return respond(result, "import");
}

export default function ImportRunPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { run, changes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const pending = run.status === "pending";
  return (
    <div className="page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to="/admin">{t("nav.admin")}</Link> › <Link to="/admin/import">{t("import.title")}</Link>
      </nav>
      <h1>{pending ? t("import.dryRunTitle") : t("import.appliedTitle")}</h1>
      {pending ? (
        <p className="lead">{t("import.dryRunIntro")}</p>
      ) : (
        <p className="lead">{t("import.appliedIntro", { date: run.appliedAt ? formatDateTime(new Date(run.appliedAt), locale) : "", source: t(`import.source.${run.source}`), writes: run.writes ?? 0 })}</p>
      )}
      {result?.ok ? (
        <p className="alert alert-info" role="status">
          {t("import.applied")}
        </p>
      ) : null}
      {result && !result.ok ? <ImportRefusal refusal={result} /> : null}
      {changes.empty ? <p className="alert alert-info">{pending ? t("import.nothing") : t("import.nothingApplied")}</p> : null}

      <ImportChangesView changes={changes} />

      {/* Below the changes: the admin reads them before applying. */}
      {pending && !changes.empty ? (
        <Form method="post" className="card">
          <p>{t("import.applyWarning")}</p>
          <input type="hidden" name="intent" value="apply" />
          <button type="submit" className="button-primary" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? t("import.applying") : t("import.apply")}
          </button>
        </Form>
      ) : null}

      <p>
        <Link to="/admin/import">{t("import.backToImport")}</Link>
      </p>
    </div>
  );
}
