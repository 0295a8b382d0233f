import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getAccessibilityStatement } from "~/services/accessibility-statement.server";
import { formatDate, formatList } from "~/utils/format";
import type { PageHandle } from "~/utils/page-title";
import { useLocale } from "~/utils/use-locale";

export const handle: PageHandle = { titleKey: "pageTitles.accessibility" };

/** The accessibility statement (tillgänglighetsredogörelse), in the structure Digg asks for. Public. */
export function loader({ context }: LoaderFunctionArgs) {
  return getAccessibilityStatement(context.db, context.accessibilityContact);
}

export default function AccessibilityStatement() {
  const statement = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const locale = useLocale();
  const owner = formatList(
    statement.municipalities.map((municipality) => t("accessibility.owner", { municipality })),
    locale,
  );
  return (
    <article className="page statement">
      <h1>{t("accessibility.heading")}</h1>
      <p className="lead">{t("accessibility.intro", { owner })}</p>

      <h2>{t("accessibility.howHeading")}</h2>
      <p>{t("accessibility.howText")}</p>

      <h2>{t("accessibility.alternativesHeading")}</h2>
      <p>{t("accessibility.alternativesText")}</p>

      <h2>{t("accessibility.reportHeading")}</h2>
      <p>{t("accessibility.reportText")}</p>
      {statement.contact ? (
        <p>
          {t("accessibility.reportByMail")} <a href={`mailto:${statement.contact}`}>{statement.contact}</a>
        </p>
      ) : null}

      <h2>{t("accessibility.enforcementHeading")}</h2>
      <p>{t("accessibility.enforcementText")}</p>
      <p>
        <a href={statement.reportToDigg}>{t("accessibility.enforcementLink")}</a>
      </p>

      <h2>{t("accessibility.technicalHeading")}</h2>
      <p>{t("accessibility.technicalText")}</p>

      <h2>{t("accessibility.gapsHeading")}</h2>
      <h3>{t("accessibility.gapsSubheading")}</h3>
      <ul>
        {statement.gaps.map((gap) => (
          <li key={gap}>{t(`accessibility.${gap}`)}</li>
        ))}
      </ul>

      <h2>{t("accessibility.testingHeading")}</h2>
      <p>{t("accessibility.testingText")}</p>
      <p>{t("accessibility.assessed", { date: formatDate(statement.assessed, locale) })}</p>
      <p>{t("accessibility.published", { date: formatDate(statement.published, locale) })}</p>
      <p>{t("accessibility.updated", { date: formatDate(statement.updated, locale) })}</p>
    </article>
  );
}
