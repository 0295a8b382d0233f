import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import { AskTeacherButton, AssessmentCommentButton, SectionComments, useOpenThreadCount, type Composing } from "./plan-comments";
import { scaleStepName, subjectName } from "~/utils/subject-name";
import type { SkipLink } from "~/utils/skip-links";
import { SectionSwitcher } from "./section-switcher";

/** "Hoppa till planen": the first editor that takes text, else (for readers) the first section. */
export const planSkipLink: SkipLink = {
  target: "plan-sections",
  labelKey: "skipTo.plan",
  focus: ['.section-text[contenteditable="true"]', ".plan-section"],
};

export interface PlanSectionData {
  fragment: string;
  kind: "about" | "subject" | "goals" | "pupilActions" | "schoolActions" | "guardianActions";
  subject: { id: string; code: string; languageCode: string | null; nameSv: string; nameEn: string } | null;
  teachers: Array<{ id: string; givenName: string; familyName: string }>;
  assessment: {
    level: { key: string; sv: string; en: string } | null;
    scaleKind: "grades" | "knowledge";
    written: string;
    updatedAt: string;
    updatedBy: { givenName: string; familyName: string };
  } | null;
}

export interface EditorSlot {
  fragment: string;
  /** The section's place in the plan (editors are made in this order). */
  order: number;
  /** Set for a subject's section, where teachers of the subject may comment on passages. */
  subjectId?: string;
  label: string;
  placeholder: string;
}

interface Props {
  /** Marks the plan whose live connection the browser opens before hydration (entry.client). */
  livePlanId?: string;
  /** What the browser keeps of that plan (see app/editor/device-copy.client.ts). */
  deviceCopy?: { name: string; keep: boolean } | null;
  sections: PlanSectionData[];
  /** The text of a section: a live editor in the browser, a notice before it has loaded. */
  renderEditor(slot: EditorSlot): ReactNode;
  /** Connection state and presence, beside the contents. */
  aside: ReactNode;
  /** Shown beside *Mina mål*: last term's goals and promises (next term from this one). */
  besideGoals?: ReactNode;
}

/**
 * The plan's fixed structure — headings, assessments, prompts — rendered from SQL around the
 * pupil's text. None of it is in the shared document, so no client can change it.
 */
export function PlanDocument({ livePlanId, deviceCopy, sections, renderEditor, aside, besideGoals }: Props) {
  const { t } = useTranslation();
  const locale = useLocale();
  const titleOf = (section: PlanSectionData) =>
    section.subject ? subjectName(section.subject, locale, t) : t(`plan.sections.${section.kind as Exclude<PlanSectionData["kind"], "subject">}`);
  const anchor = (section: PlanSectionData) => `section-${section.fragment}`;

  return (
    <div className="plan-layout" data-live-plan={livePlanId} data-device-copy={deviceCopy?.name} data-keep-device-copy={deviceCopy ? String(deviceCopy.keep) : undefined}>
      <aside className="plan-aside">
        {aside}
        <SectionSwitcher
          sections={sections.map((section) => ({
            anchor: anchor(section),
            title: titleOf(section),
            extra: section.subject ? <OpenThreadCount subjectId={section.subject.id} /> : null,
          }))}
        />
      </aside>
      <div className="plan-sections" id="plan-sections">
        {sections.map((section, order) => {
          const title = titleOf(section);
          const headingId = `${anchor(section)}-heading`;
          return (
            <section key={section.fragment} id={anchor(section)} className="card plan-section" aria-labelledby={headingId} tabIndex={-1}>
              <h2 id={headingId}>{title}</h2>
              {section.kind === "subject" && section.subject ? (
                <SubjectSectionBody section={section} order={order} subjectId={section.subject.id} title={title} renderEditor={renderEditor} />
              ) : section.kind === "goals" && besideGoals ? (
                <div className="goals-with-previous">
                  {besideGoals}
                  <div>
                    <p className="prompt muted">{t(`plan.prompts.${section.kind}`)}</p>
                    {renderEditor({
                      fragment: section.fragment,
                      order,
                      label: t("plan.editorLabel", { section: title }),
                      placeholder: t(`plan.prompts.${section.kind}`),
                    })}
                  </div>
                </div>
              ) : (
                <>
                  <p className="prompt muted">{t(`plan.prompts.${section.kind}`)}</p>
                  {renderEditor({
                    fragment: section.fragment,
                    order,
                    label: t("plan.editorLabel", { section: title }),
                    placeholder: t(`plan.prompts.${section.kind}`),
                  })}
                </>
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}

function OpenThreadCount({ subjectId }: { subjectId: string }) {
  const { t } = useTranslation();
  const count = useOpenThreadCount(subjectId);
  return count > 0 ? <span className="badge badge-count">{t("comments.open", { count })}</span> : null;
}

/** A subject: the teacher's assessment (read-only here), the pupil's reflection, the threads. */
function SubjectSectionBody({
  section,
  order,
  subjectId,
  title,
  renderEditor,
}: {
  section: PlanSectionData;
  order: number;
  subjectId: string;
  title: string;
  renderEditor: Props["renderEditor"];
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [composing, setComposing] = useState<Composing>(null);
  const assessment = section.assessment;
  return (
    <>
      <div className="assessment" role="group" aria-label={t("plan.assessment.heading")} data-subject={subjectId}>
        <div className="assessment-header">
          <h3>{t("plan.assessment.heading")}</h3>
          <AssessmentCommentButton subjectId={subjectId} onOpen={() => setComposing("assessment")} />
        </div>
        {assessment && (assessment.level || assessment.written) ? (
          <>
            {assessment.level ? (
              <p className="assessment-level">
                <span className="muted">{t(`plan.assessment.level.${assessment.scaleKind}`)}:</span>{" "}
                <strong>{scaleStepName(assessment.level, locale, t)}</strong>
              </p>
            ) : null}
            {assessment.written ? (
              <p className="assessment-written">
                <span className="muted">{t("plan.assessment.written")}:</span> <bdi>{assessment.written}</bdi>
              </p>
            ) : null}
            <p className="small muted">
              {t("plan.assessment.updated", { name: fullName(assessment.updatedBy), time: formatDateTime(new Date(assessment.updatedAt), locale) })}
            </p>
          </>
        ) : (
          <p className="muted">{t("plan.assessment.notYet")}</p>
        )}
        {section.teachers.length > 0 ? (
          <p className="small muted">{t("plan.assessment.teachers", { names: section.teachers.map(fullName).join(", ") })}</p>
        ) : null}
      </div>
      <h3 className="reflection-heading">{t("plan.reflection")}</h3>
      {renderEditor({
        fragment: section.fragment,
        order,
        label: t("plan.editorLabel", { section: `${title}: ${t("plan.reflection")}` }),
        placeholder: t("plan.prompts.subject"),
        subjectId,
      })}
      <AskTeacherButton subjectId={subjectId} subjectName={title} onOpen={() => setComposing("reflection")} />
      <SectionComments subjectId={subjectId} fragment={section.fragment} composing={composing} onCloseComposer={() => setComposing(null)} />
    </>
  );
}
