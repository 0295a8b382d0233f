import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireSchoolAdmin } from "~/policies/school.server";
import { getOutboxPage } from "~/services/talk-mail.server";
import { formatDateTime } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.outbox" };

/** Every e-mail the app has made for the school: without SMTP this is where they wait. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  return getOutboxPage(context.db, admin);
}

export default function OutboxPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { smtp, messages } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to="/admin">{t("nav.admin")}</Link>
      </nav>
      <h1>{t("talks.outbox.title")}</h1>
      <p className="lead">{smtp ? t("talks.outbox.smtp") : t("talks.outbox.noSmtp")}</p>
      {messages.length === 0 ? <p className="muted">{t("talks.outbox.empty")}</p> : null}
      <ul className="plain-list outbox-list">
        {messages.map((m) => {
          const state = m.sentAt ? t("talks.outbox.sent") : m.error ? t("talks.outbox.failed", { reason: m.error }) : t("talks.outbox.waiting");
          // A message to a family with protected identity: that it exists and its state, nothing else.
          if (m.masked) {
            return (
              <li key={m.id} className="card outbox-message">
                <p>
                  <strong>{t("talks.outbox.protected")}</strong>
                  <span className="small muted">
                    {" "}
                    · {formatDateTime(new Date(m.createdAt), locale)} · {state}
                  </span>
                </p>
                <p className="small muted">{smtp ? t("talks.outbox.protectedSmtp") : t("talks.outbox.protectedNoSmtp")}</p>
              </li>
            );
          }
          return (
            <li key={m.id} className="card outbox-message">
              <details>
                <summary>
                  {/* The message in the guardian's language, marked so (WCAG 3.1.2) and in its own direction. */}
                  <strong lang={m.locale} dir="auto">
                    {m.subject}
                  </strong>
                  <span className="small muted">
                    {" "}
                    · {t("talks.outbox.to", { address: m.to })} · {formatDateTime(new Date(m.createdAt), locale)} · {state}
                  </span>
                </summary>
                <pre className="outbox-body" lang={m.locale} dir="auto">
                  {m.body}
                </pre>
                {m.calendar ? (
                  <>
                    <p>
                      <a href={`/admin/outbox/${m.id}/invite.ics`} download="invite.ics">
                        {t("talks.outbox.calendar")}
                      </a>
                    </p>
                    <pre className="outbox-body small" aria-label={t("talks.outbox.calendar")} lang={m.locale} dir="auto">
                      {m.calendar}
                    </pre>
                  </>
                ) : null}
              </details>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
