import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PlanBody } from "~/components/plan/plan-body";
import { PlanSigning } from "~/components/plan/plan-signing";
import { TermName } from "~/components/term-name";
import { performCommentIntent } from "~/services/plan-comments.server";
import { performSigningIntent, signingIntents } from "~/services/plan-signing.server";
import { getPlanForActions, openPlanPage, performGuardianConsent } from "~/services/plan-page.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { fullName } from "~/utils/format";
import type { LivePlanHandle } from "~/utils/use-live-events";
import type { PageHandle } from "~/utils/page-title";

// No names in the title: titles end up in browser history and on shared screens.

/** The page's event stream includes this plan (see root and use-live-events). */
export const handle: LivePlanHandle & PageHandle = { titleKey: "pageTitles.plan", livePlanId: (data) => (data as { plan?: { id: string } } | undefined)?.plan?.id ?? null };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const page = openPlanPage(context.db, person, params.planId ?? "");
  if (!page) throw notFound();
  return page;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const plan = getPlanForActions(context.db, person.id, params.planId ?? "");
  if (!plan) throw notFound();
  const form = await readFormData(request);
  const fields = Object.fromEntries(form);

  if (typeof fields.intent === "string" && signingIntents.includes(fields.intent)) {
    const result = await performSigningIntent(context, person.id, plan, form);
    return result.ok ? result : data(result, { status: result.status });
  }

  if (fields.intent !== "guardian-consent") {
    const result = performCommentIntent(context, person, plan, fields);
    return result.ok ? result : data(result, { status: result.status });
  }

  const result = performGuardianConsent(context, person.id, plan.pupilId, fields);
  if (result === "notYours") throw notFound();
  return result.ok ? result : data(result, { status: 400 });
}

export default function PlanPage() {
  const { t } = useTranslation();
  const page = useLoaderData<typeof loader>();
  const navigation = useNavigation();

  return (
    <div className="page page-wide">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to={`/pupils/${page.plan.pupilId}`}>{fullName(page.pupil)}</Link>
      </nav>
      <header className="plan-header">
        <div>
          <h1>
            {fullName(page.pupil)}
            <span className="heading-note">
              {" · "}
              {t("plan.title")} <TermName term={page.term} withDates={false} />
            </span>
          </h1>
          <p className="muted">
            <span className={`badge badge-status-${page.plan.status}`}>{t(`plan.status.${page.plan.status}`)}</span>{" "}
            {page.plan.status === "draft" ? t(`plan.access.${page.access}`) : t("plan.lockedNote")}
          </p>
        </div>
      </header>

      {page.guardianConsent ? (
        <section className="card" aria-labelledby="consent-heading">
          <h2 id="consent-heading">{t("plan.consent.heading")}</h2>
          <p>{t("plan.consent.text")}</p>
          <Form method="post" className="consent-form">
            <input type="hidden" name="intent" value="guardian-consent" />
            <label className="checkbox">
              <input type="checkbox" name="shares" defaultChecked={page.guardianConsent.shares} />
              {t("plan.consent.label")}
            </label>
            <button type="submit" className="button-secondary" disabled={navigation.state === "submitting"}>
              {t("plan.consent.save")}
            </button>
          </Form>
          <p className="small muted" role="status">
            {page.guardianConsent.shares ? t("plan.consent.sharing") : t("plan.consent.notSharing")}
          </p>
        </section>
      ) : null}

      {page.plan.status !== "draft" ? <PlanSigning page={page} /> : null}

      <PlanBody page={page} />

      {page.plan.status === "draft" ? <PlanSigning page={page} /> : null}
    </div>
  );
}
