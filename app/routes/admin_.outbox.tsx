import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireSchoolAdmin } from "~/policies/school.server";
import { getOutboxPage, resendOutboxMessage } from "~/services/talk-mail.server";
import { parseForm, respond } from "~/utils/action-result.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.outbox" };

/** Every e-mail the app has made for the school: without SMTP this is where they wait. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  return getOutboxPage(context.db, admin, context.mail.delivery === "smtp");
}

const ResendSchema = z.object({ intent: z.literal("resend"), messageId: z.string().min(1).max(64) });

/** "Skicka igen": a failed (or sent) message goes back in the queue and is tried from the start
 * (not one that carried a one-time link: it is not kept, and a new link is made instead). */
export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  const parsed = parseForm(await readFormData(request), ResendSchema);
  if (!parsed.ok) return respond(parsed, "talks.outbox");
  const result = resendOutboxMessage(context.db, admin.schoolId, parsed.value.messageId, context.mail.delivery === "smtp");
  if (result.ok) context.mail.wake();
  return respond(result.ok ? { ok: true as const, intent: "resend" } : result, "talks.outbox");
}

type Message = ReturnType<typeof useLoaderData<typeof loader>>["messages"][number];

/** Where a message stands, in words: waiting here, queued (and which attempt), sent, failed after n attempts. */
function useMessageState() {
  const { t } = useTranslation();
  const locale = useLocale();
  return (m: Message) => {
    switch (m.status) {
      case "sent":
        return t("talks.outbox.sent");
      case "failed":
        return t("talks.outbox.failedAfter", { reason: m.error ?? "", count: m.attempts });
      case "queued":
      case "sending":
        return m.attempts > 0 && m.nextAttemptAt
          ? t("talks.outbox.retrying", { reason: m.error ?? "", count: m.attempts, time: formatDateTime(new Date(m.nextAttemptAt), locale) })
          : t("talks.outbox.queued");
      default:
        return t("talks.outbox.waiting");
    }
  };
}

function ResendButton({ message }: { message: Message }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  if (!message.canResend) return null;
  return (
    <fetcher.Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="resend" />
      <input type="hidden" name="messageId" value={message.id} />
      <button type="submit" className="button-secondary button-small" disabled={fetcher.state !== "idle"}>
        {t("talks.outbox.resend")}
      </button>
      {fetcher.data && !fetcher.data.ok ? (
        <span className="small error" role="alert">
          {" "}
          {t(`talks.outbox.errors.${fetcher.data.error as "notFound"}`, { defaultValue: t("talks.errors.generic") })}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

export default function OutboxPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { smtp, messages } = useLoaderData<typeof loader>();
  const stateOf = useMessageState();
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
          const state = stateOf(m);
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
                <ResendButton message={m} />
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
                {m.kind === "guest-link" && m.status === "sent" ? <p className="small muted">{t("talks.outbox.linkRemoved")}</p> : null}
                {m.oneTimeLink && m.status === "failed" ? (
                  <p className="small muted">{t(m.kind === "guest-link" ? "talks.outbox.guestLinkFailed" : "talks.outbox.passwordLinkFailed")}</p>
                ) : null}
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
              <ResendButton message={m} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
