import { useTranslation } from "react-i18next";
import { formatDate } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

/** "Hösttermin 2026 (17 aug. 2026 – 22 dec. 2026)". */
interface TermLike {
  kind: "HT" | "VT";
  year: number;
  startsOn?: string;
  endsOn?: string;
}

export function TermName({ term, withDates = true }: { term: TermLike; withDates?: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      {t(`terms.${term.kind}`, { year: term.year })}
      {withDates && term.startsOn && term.endsOn ? (
        <span className="muted">
          {" "}
          ({t("terms.range", { start: formatDate(term.startsOn, locale), end: formatDate(term.endsOn, locale) })})
        </span>
      ) : null}
    </>
  );
}
