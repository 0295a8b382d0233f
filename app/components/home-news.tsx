import { Link, useFetcher } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import type { HomeNews } from "~/services/notifications.server";
import { translateError } from "~/utils/errors";
import { formatDateTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { Locale } from "~/i18n";

type Item = HomeNews["items"][number];

/** What an item says, in the reader's language. */
function headline(t: TFunction, locale: Locale, item: Item): string {
  const pupil = item.pupil ? (item.pupil.masked ? t("notifications.item.maskedPupil") : fullName(item.pupil)) : "";
  const subject = item.subject ? (locale === "sv" ? item.subject.nameSv : item.subject.nameEn) : "";
  const own = item.pupil === null;
  switch (item.kind) {
    case "question":
      return t("notifications.item.question", { pupil, subject });
    case "comment":
      return own ? t("notifications.item.commentOwn", { subject, count: item.count }) : t("notifications.item.comment", { pupil, subject, count: item.count });
    case "assessment":
      return own ? t("notifications.item.assessmentOwn", { subject }) : t("notifications.item.assessment", { subject, pupil });
    case "signature":
      return own ? t("notifications.item.signatureOwn") : t("notifications.item.signature", { pupil });
    case "call":
      return t("notifications.item.call", { pupil, subject });
    case "evaluation":
      return own ? t("notifications.item.evaluationOwn") : t("notifications.item.evaluation", { pupil });
  }
}

/** More about an item, after its link: how many, who wrote last, when. */
function detail(t: TFunction, locale: Locale, item: Item): string {
  const parts: string[] = [];
  if (item.kind === "question") parts.push(t("notifications.item.questionCount", { count: item.count }));
  if (item.lastAuthor) parts.push(t("notifications.item.lastBy", { name: fullName(item.lastAuthor) }));
  if (!item.todo) parts.push(formatDateTime(new Date(item.at), locale));
  return parts.join(" · ");
}

/**
 * "Nytt för dig" on the home page: what waits for the person (to do) and what is new since they
 * last looked, each a link to where it is; "Markera som lästa" and the mail setting.
 */
export function HomeNewsCard({ news }: { news: HomeNews }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fetcher = useFetcher<{ ok: boolean; message?: string }>();
  const failure = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? (fetcher.data.message ?? "notifications.errors.validation") : null;
  // Marked as read while the page stays: the list empties at once (the server's answer reloads it too).
  const marking = fetcher.formData?.get("intent") === "news-seen";
  const todo = news.items.filter((item) => item.todo);
  const fresh = marking ? [] : news.items.filter((item) => !item.todo);

  const list = (items: Item[]) => (
    <ul className="plain-list news-list">
      {items.map((item) => (
        <li key={item.key} className={`news-item news-${item.kind}`}>
          <Link to={item.path}>{headline(t, locale, item)}</Link>
          {detail(t, locale, item) ? <span className="small muted"> {detail(t, locale, item)}</span> : null}
        </li>
      ))}
    </ul>
  );

  return (
    <section className="card news-card" aria-labelledby="news-heading">
      <h2 id="news-heading">{t("notifications.heading")}</h2>
      {todo.length > 0 ? (
        <>
          <h3 className="news-subheading">{t("notifications.todo")}</h3>
          {list(todo)}
        </>
      ) : null}
      {fresh.length > 0 ? (
        <>
          <h3 className="news-subheading">{t("notifications.news")}</h3>
          {list(fresh)}
        </>
      ) : (
        <p className="muted">{t("notifications.none")}</p>
      )}
      <div className="actions news-actions">
        {fresh.length > 0 && news.seenUpTo ? (
          <fetcher.Form method="post" action="/?index">
            <input type="hidden" name="intent" value="news-seen" />
            <input type="hidden" name="upTo" value={news.seenUpTo} />
            <button type="submit" className="button-secondary button-small" disabled={fetcher.state !== "idle"}>
              {t("notifications.markSeen")}
            </button>
          </fetcher.Form>
        ) : null}
        <Link to="/settings" className="small">
          {t("notifications.settingsLink")}
        </Link>
        {news.mailEnabled ? null : <span className="small muted">{t("notifications.mailOff")}</span>}
      </div>
      {failure ? (
        <p className="field-error" role="alert">
          {translateError(t, failure)}
        </p>
      ) : null}
    </section>
  );
}
