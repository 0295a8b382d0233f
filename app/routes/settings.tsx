import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getNotificationSettings, performMailSetting } from "~/services/notifications.server";
import { respond } from "~/utils/action-result.server";
import { requirePerson } from "~/utils/auth.server";
import { translateError } from "~/utils/errors";
import { readFormData } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Inställningar · Elevledd IUP" }];

/** The signed-in person's own settings: whether they get notification mail. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  return getNotificationSettings(context.db, person, context.notificationMail.windowMinutes);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(performMailSetting(context.db, person, await readFormData(request)), "settings");
}

export default function SettingsPage() {
  const { t } = useTranslation();
  const settings = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const enabled = answer?.ok ? answer.mailEnabled : settings.mailEnabled;

  return (
    <div className="page page-narrow">
      <h1>{t("settings.title")}</h1>
      <section className="card" aria-labelledby="mail-heading">
        <h2 id="mail-heading">{t("settings.mailHeading")}</h2>
        <p>{t("settings.mailText", { minutes: settings.windowMinutes })}</p>
        {settings.hasAddress ? null : <p className="alert alert-info">{t("settings.noAddress")}</p>}
        {/* Keyed by the stored value, so the box shows it again after saving. */}
        <Form method="post" key={String(enabled)}>
          <input type="hidden" name="intent" value="mail" />
          <label className="checkbox">
            <input type="checkbox" name="mail" defaultChecked={enabled} />
            {t("settings.mailLabel")}
          </label>
          <div className="actions">
            <button type="submit" className="button-primary" disabled={navigation.state === "submitting"}>
              {t("settings.save")}
            </button>
          </div>
        </Form>
        <p role="status" className="small">
          {answer?.ok ? t("settings.saved") : answer && !answer.ok ? translateError(t, answer.message) : null}
        </p>
      </section>
      <p>
        <Link to="/">{t("settings.back")}</Link>
      </p>
    </div>
  );
}
