import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePlan } from "~/policies/plan.server";
import { getPlanLogPage } from "~/services/plan-page.server";
import { formatDateTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.log" };

/** A plan's log, for those the plan policy lets read it ("readLog"). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "readLog");
  return getPlanLogPage(context.db, gate);
}

export default function PlanLogPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { planId, mayOpenPlan, pupil, masked, events } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      {mayOpenPlan ? (
        <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
          <Link to={`/plans/${planId}`}>{t("audit.back")}</Link>
        </nav>
      ) : null}
      <h1>
        {t("audit.heading")} <span className="heading-note">· {masked ? t("pupil.protectedMasked") : fullName(pupil)}</span>
      </h1>
      <p className="muted">{t("audit.intro")}</p>
      {events.length === 0 ? (
        <p>{t("audit.none")}</p>
      ) : (
        <div className="table-scroll card">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("audit.when")}</th>
                <th scope="col">{t("audit.who")}</th>
                <th scope="col">{t("audit.what")}</th>
                <th scope="col" className="numeric">
                  {t("audit.version")}
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(new Date(e.at), locale)}</td>
                  <td>{e.guest
                      ? t("audit.guest", { name: e.guest.name })
                      : e.masked
                        ? t("pupil.protectedMasked")
                        : e.otherGuardian
                          ? t("audit.otherGuardian")
                          : fullName(e.person ?? { givenName: "", familyName: "" })}</td>
                  <td>{t(`audit.actions.${e.action}`)}</td>
                  <td className="numeric">{e.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
