import { useTranslation } from "react-i18next";

/** The formatting toolbar's buttons, in its order (app/editor/section-editor.client.tsx). */
export const TOOLBAR_BUTTONS = [
  { key: "bold", text: "B" },
  { key: "italic", text: "I" },
  { key: "bulletList", text: "•" },
  { key: "orderedList", text: "1." },
] as const;

/**
 * A section's text before its editor is there (server-rendered, waiting for its turn, or being
 * made): the frame an empty editor has — its toolbars, its box, room for its prompt — inert and
 * saying that it is loading. The page then does not move when the editor comes, so what a person
 * was about to tap stays where it was.
 */
export function SectionTextPending({ placeholder, editable, mayComment }: { placeholder: string; editable: boolean; mayComment: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="section-editor section-editor-pending" aria-busy="true">
      {editable ? (
        <div className="editor-toolbar" aria-hidden="true">
          {TOOLBAR_BUTTONS.map((b) => (
            <button key={b.key} type="button" className={`toolbar-button toolbar-${b.key}`} disabled tabIndex={-1}>
              {b.text}
            </button>
          ))}
        </div>
      ) : null}
      {mayComment ? (
        <div className="editor-toolbar comment-toolbar" aria-hidden="true">
          <button type="button" className="button-secondary button-small" disabled tabIndex={-1}>
            {t("comments.commentPassage")}
          </button>
        </div>
      ) : null}
      <div className="section-text section-text-pending">
        {/* As tall as the editor's prompt will make it (the same rule as the editor's, app.css). */}
        <p className="muted" data-placeholder={editable ? placeholder : t("plan.empty")}>
          {t("plan.loadingEditor")}
        </p>
      </div>
    </div>
  );
}
