import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { canAdministerSchool, getPupilAccess } from "../../db/queries/access";
import { listAuditEvents } from "../../db/queries/audit";
import { getPlan } from "../../db/queries/plans";
import { getSignedInPerson } from "../../db/queries/roster";
import { notFound, requirePerson } from "~/utils/auth.server";
import { formatDateTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

export const meta: MetaFunction = () => [{ title: "Logg · Elevledd IUP" }];

/**
 * A plan's log: who opened, wrote in, locked, signed and downloaded it, and when. Everyone who
 * can read the plan may see who has accessed it; the school's admins see it too (without the plan).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const plan = getPlan(context.db, params.planId ?? "");
  if (!plan) throw notFound();
  const pupil = getSignedInPerson(context.db, plan.pupilId)!;
  const mayRead = getPupilAccess(context.db, person.id, plan.pupilId) !== "none";
  if (!mayRead && !canAdministerSchool(context.db, person.id, pupil.schoolId)) throw notFound();
  return {
    planId: plan.id,
    mayOpenPlan: mayRead,
    pupil: { givenName: pupil.givenName, familyName: pupil.familyName },
    events: listAuditEvents(context.db, plan.id).map((e) => ({ ...e, at: e.at.toISOString() })),
  };
}

export default function PlanLogPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { planId, mayOpenPlan, pupil, events } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      {mayOpenPlan ? (
        <nav aria-label="breadcrumbs" className="breadcrumbs small">
          <Link to={`/plans/${planId}`}>{t("audit.back")}</Link>
        </nav>
      ) : null}
      <h1>
        {t("audit.heading")} <span className="heading-note">· {fullName(pupil)}</span>
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
                  <td>{fullName(e)}</td>
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
