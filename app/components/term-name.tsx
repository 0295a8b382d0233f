import { useTranslation } from "react-i18next";
import { formatDate } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

/** "Hösttermin 2026 (17 aug. 2026 – 22 dec. 2026)". */
export function TermName({ term, withDates = true }: { term: { kind: "HT" | "VT"; year: number; startsOn: string; endsOn: string }; withDates?: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      {t(`terms.${term.kind}`, { year: term.year })}
      {withDates ? (
        <span className="muted">
          {" "}
          ({t("terms.range", { start: formatDate(term.startsOn, locale), end: formatDate(term.endsOn, locale) })})
        </span>
      ) : null}
    </>
  );
}
