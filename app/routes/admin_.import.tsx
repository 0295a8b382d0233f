import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ImportRefusal } from "~/components/import/import-problems";
import { requireSchoolAdmin } from "~/policies/school.server";
import { getImportPage, MAX_UPLOAD_BYTES, performFetchImport, performUploadImport } from "~/services/roster-import/import-page.server";
import { parseForm, respond } from "~/utils/action-result.server";
import { formatDateTime } from "~/utils/format";
import { readUploadForm } from "~/utils/forms.server";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.import" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  return getImportPage(context.db, admin, context.rosterSources);
}

const ImportSchema = z.object({ intent: z.enum(["upload", "fetch"]) });

/** Reads the roster (uploaded files or the SS12000 API) and shows its dry run. */
export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_UPLOAD_BYTES) {
    return respond({ ok: false, error: "validation", problems: [{ where: "", problem: "tooLarge" }] }, "import");
  }
  const form = await readUploadForm(request, MAX_UPLOAD_BYTES);
  if (form === "tooLarge") return respond({ ok: false, error: "validation", problems: [{ where: "", problem: "tooLarge" }] }, "import");
  const parsed = parseForm(form, ImportSchema);
  if (!parsed.ok) return respond(parsed, "import");
  let result;
  if (parsed.value.intent === "fetch") {
    result = await performFetchImport(context.db, admin, context.rosterSources);
  } else {
    const files = await Promise.all(
      form
        .getAll("files")
        .filter((f): f is File => typeof f === "object" && f !== null && "text" in f && (f as File).size > 0)
        .map(async (f) => ({ name: f.name, text: await f.text() })),
    );
    result = performUploadImport(context.db, admin, context.rosterSources, files);
  }
  if (result.ok) throw redirect(`/admin/import/${result.runId}`);
  return respond(result, "import");
}

export default function ImportPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  return (
    <div className="page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to="/admin">{t("nav.admin")}</Link>
      </nav>
      <h1>{t("import.title")}</h1>
      <p className="lead">{t("import.intro")}</p>
      <p className="muted">{page.school.connected ? t("import.connected") : t("import.notConnected")}</p>

      {result && !result.ok ? <ImportRefusal refusal={result} /> : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="fetch-heading">
          <h2 id="fetch-heading">{t("import.fetchHeading")}</h2>
          {page.apiConfigured ? (
            <Form method="post">
              <p>{t("import.fetchText")}</p>
              <input type="hidden" name="intent" value="fetch" />
              <button type="submit" className="button-primary" disabled={busy !== null}>
                {busy === "fetch" ? t("import.fetching") : t("import.fetch")}
              </button>
            </Form>
          ) : (
            <p className="muted">{t("import.apiNotConfigured")}</p>
          )}
        </section>

        <section className="card" aria-labelledby="upload-heading">
          <h2 id="upload-heading">{t("import.uploadHeading")}</h2>
          <Form method="post" encType="multipart/form-data" className="stack-form">
            <p>{t("import.uploadText")}</p>
            <input type="hidden" name="intent" value="upload" />
            <div className="field">
              <label htmlFor="import-files">{t("import.files")}</label>
              <input id="import-files" name="files" type="file" multiple accept=".json,.csv,application/json,text/csv" required aria-describedby="csv-help" />
            </div>
            <p id="csv-help" className="small muted">
              {t("import.csvHelp")}{" "}
              <a href="/admin/import/template.csv" download>
                {t("import.template")}
              </a>
            </p>
            <p>
              <button type="submit" className="button-primary" disabled={busy !== null}>
                {busy === "upload" ? t("import.uploading") : t("import.upload")}
              </button>
            </p>
          </Form>
        </section>
      </div>

      <section className="card" aria-labelledby="runs-heading">
        <h2 id="runs-heading">{t("import.runsHeading")}</h2>
        {page.runs.length === 0 ? <p className="muted">{t("import.noRuns")}</p> : null}
        <ul className="plain-list">
          {page.runs.map((run) => {
            const totals = Object.values(run.counts).reduce((sum, c) => ({ added: sum.added + c.added, changed: sum.changed + c.changed, ended: sum.ended + c.ended }), { added: 0, changed: 0, ended: 0 });
            return (
              <li key={run.id}>
                <Link to={`/admin/import/${run.id}`}>{run.appliedAt ? formatDateTime(new Date(run.appliedAt), locale) : ""}</Link>{" "}
                <span className="small muted">
                  · {t(`import.source.${run.source}`)} · {run.by ? t("import.by", { name: run.by }) : t("import.bySystem")} · {t("import.runSummary", totals)}
                </span>
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
