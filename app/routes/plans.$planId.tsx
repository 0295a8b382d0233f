import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PlanBody } from "~/components/plan/plan-body";
import { PlanSigning } from "~/components/plan/plan-signing";
import { TermName } from "~/components/term-name";
import { performCommentIntent } from "~/services/plan-comments.server";
import { performSigningIntent, signingIntents } from "~/services/plan-signing.server";
import { getPlanForActions, openPlanPage, performGuardianConsent } from "~/services/plan-page.server";
import { isRecentAuthentication } from "~/services/recent-authentication.server";
import { getAuthenticatedAt, notFound, refreshAuthentication, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { readKnownDevice } from "~/utils/known-device.server";
import { fullName } from "~/utils/format";
import type { LivePlanHandle } from "~/utils/use-live-events";

// No names in the title: titles end up in browser history and on shared screens.
export const meta: MetaFunction = () => [{ title: "Utvecklingsplan · Elevledd IUP" }];

/** The page's event stream includes this plan (see root and use-live-events). */
export const handle: LivePlanHandle = { livePlanId: (data) => (data as { plan?: { id: string } } | undefined)?.plan?.id ?? null };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const page = openPlanPage(context.db, person, params.planId ?? "");
  if (!page) throw notFound();
  // Signing on this device asks for the password again when the last sign-in is not recent.
  return { ...page, passwordNeeded: !isRecentAuthentication(await getAuthenticatedAt(request, context)) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const plan = getPlanForActions(context.db, person.id, params.planId ?? "");
  if (!plan) throw notFound();
  const form = await readFormData(request);
  const fields = Object.fromEntries(form);

  if (typeof fields.intent === "string" && signingIntents.includes(fields.intent)) {
    const session = { personId: person.id, authenticatedAt: await getAuthenticatedAt(request, context), device: await readKnownDevice(request, context) };
    const result = await performSigningIntent(context, session, plan, form);
    if (!result.ok) return data(result, { status: result.status });
    return result.reauthenticated ? data(result, { headers: { "Set-Cookie": await refreshAuthentication(request, context) } }) : result;
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
      <nav aria-label="breadcrumbs" className="breadcrumbs small">
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

      {page.plan.status !== "draft" ? <PlanSigning page={page} passwordNeeded={page.passwordNeeded} /> : null}

      <PlanBody page={page} />

      {page.plan.status === "draft" ? <PlanSigning page={page} passwordNeeded={page.passwordNeeded} /> : null}
    </div>
  );
}
