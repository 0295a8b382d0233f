import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { PreviousTerm } from "~/services/previous-term.server";
import { RecordText } from "./record-text";

/**
 * Last term's goals and promises, read-only beside this term's *Mina mål*, with a prompt to say how
 * they went (to the pupil and mentor, who write; the others are told what it is).
 */
export function PreviousTermPanel({ previous, writes }: { previous: PreviousTerm; writes: boolean }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <aside className="previous-term" role="complementary" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t("previousTerm.heading", { term: t(`terms.${previous.term.kind}`, { year: previous.term.year }) })}
      </h3>
      <p className="small">
        <span className={`badge badge-status-${previous.state}`}>{t(`previousTerm.${previous.state}`)}</span>
      </p>
      <p className="previous-term-prompt">{writes ? t("previousTerm.prompt") : t("previousTerm.promptOthers")}</p>
      {previous.sections.map((section) => (
        <div key={section.kind}>
          <h4>{t(`plan.sections.${section.kind}`)}</h4>
          {section.text.length > 0 ? <RecordText nodes={section.text} /> : <p className="small muted">{t("previousTerm.empty")}</p>}
        </div>
      ))}
    </aside>
  );
}
