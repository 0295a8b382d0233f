import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Dropcursor, Gapcursor, Placeholder } from "@tiptap/extensions";
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { useEffect, useRef, useState } from "react";
import { contentExtensions } from "./content-extensions";
import { NestingLimit } from "./nesting-limit";
import { CommentAnchors, commentAnchorsKey, paragraphsOf, passageBetween, selectedPassage, type AnchoredThread } from "./comment-anchors.client";
import { useTranslation } from "react-i18next";
import type { PresenceUser } from "~/shared/collab-protocol";
import type { PlanConnection } from "./plan-connection.client";
import { SectionTextPending, TOOLBAR_BUTTONS } from "~/components/plan/section-text-pending";

interface Props {
  connection: PlanConnection;
  /** The Y.XmlFragment of this section (see server/collab/DOCUMENT-SHAPE.md). */
  fragment: string;
  label: string;
  placeholder: string;
  editable: boolean;
  user: PresenceUser;
  roleLabel: (role: PresenceUser["role"]) => string;
  /** Threads about passages of this section, highlighted in the text. */
  anchors: AnchoredThread[];
  onDetached(threadIds: string[]): void;
  /** Set when this person may start threads on passages of this section. */
  onCommentPassage?: (passage: { start: string; end: string; quote: string }) => void;
  /** Set when the pupil may ask the subject's teachers about a passage of her own text. */
  onAskAboutPassage?: (passage: { start: string; end: string; quote: string }) => void;
}

/** One section's text, bound to its own fragment of the plan's Y.Doc. */
export function SectionEditor({ connection, fragment, label, placeholder, editable, user, roleLabel, anchors, onDetached, onCommentPassage, onAskAboutPassage }: Props) {
  const { t } = useTranslation();
  // The plugin reads the latest threads through refs, so the editor is not rebuilt when they change.
  const anchorsRef = useRef(anchors);
  anchorsRef.current = anchors;
  const onDetachedRef = useRef(onDetached);
  onDetachedRef.current = onDetached;
  const [hint, setHint] = useState<string | null>(null);
  // Why an edit of hers was not made (a list nested too deep); gone after a while.
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    if (!refusal) return;
    const timer = window.setTimeout(() => setRefusal(null), REFUSAL_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [refusal]);
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable,
      extensions: [
        // What the toolbar offers (content-extensions.ts). Collaboration brings its own undo history.
        ...contentExtensions,
        NestingLimit.configure({ onRefused: () => setRefusal(t("plan.tooDeep")) }),
        Dropcursor,
        Gapcursor,
        Collaboration.configure({ document: connection.doc, field: fragment }),
        CollaborationCaret.configure({
          // Peers' carets only after they were checked: a malformed one must not break the editor.
          provider: { awareness: connection.awareness },
          user,
          render: (caretUser) => {
            const caret = document.createElement("span");
            caret.classList.add("collaboration-carets__caret");
            caret.setAttribute("style", `border-color: ${caretUser.color}`);
            const name = document.createElement("span");
            name.classList.add("collaboration-carets__label");
            name.setAttribute("style", `background-color: ${caretUser.color}`);
            name.textContent = t("plan.presence.person", { name: caretUser.name, role: roleLabel(caretUser.role) });
            caret.append(name);
            return caret;
          },
        }),
        // A writer sees the section's prompt, a reader (or the writer once the plan is locked)
        // that nothing is written yet; Tiptap would show readers nothing at all.
        Placeholder.configure({ placeholder: ({ editor: e }) => (e.isEditable ? placeholder : t("plan.empty")), showOnlyWhenEditable: false }),
        CommentAnchors.configure({
          getThreads: () => anchorsRef.current,
          onDetached: (ids) => onDetachedRef.current(ids),
          onActivate: (threadId) => document.getElementById(`thread-${threadId}`)?.scrollIntoView({ behavior: "smooth", block: "nearest" }),
        }),
      ],
      editorProps: {
        attributes: {
          "aria-label": label,
          "aria-multiline": "true",
          role: "textbox",
          "aria-readonly": editable ? "false" : "true",
          class: "section-text",
        },
      },
    },
    [connection, fragment],
  );

  // Rights can change while the page is open (the server closes and the page reloads);
  // keep the editor in step with what the page was told.
  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  // New or changed threads: redraw the highlights (a transaction that changes no text).
  const anchorsKey = anchors.map((a) => `${a.id}:${a.open}`).join();
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(commentAnchorsKey, anchorsKey).setMeta("addToHistory", false));
  }, [editor, anchorsKey]);

  const commentOnSelection = () => {
    const passage = editor ? selectedPassage(editor.state) : null;
    if (!passage) {
      setHint(t("comments.selectFirst"));
      return;
    }
    setHint(null);
    onCommentPassage?.(passage);
  };
  const askAboutSelection = () => {
    const passage = editor ? selectedPassage(editor.state) : null;
    if (!passage) {
      setHint(t("comments.ask.selectFirst"));
      return;
    }
    setHint(null);
    onAskAboutPassage?.(passage);
  };

  // The editor is made after the first render: until then, its frame.
  if (!editor) return <SectionTextPending placeholder={placeholder} editable={editable} mayComment={onCommentPassage !== undefined} />;
  return (
    <div className="section-editor" data-fragment={fragment}>
      {editable ? <Toolbar editor={editor} section={label} /> : null}
      {onCommentPassage ? (
        <div className="editor-toolbar comment-toolbar">
          <button type="button" className="button-secondary button-small" onMouseDown={(event) => event.preventDefault()} onClick={commentOnSelection}>
            {t("comments.commentPassage")}
          </button>
          <ParagraphPicker editor={editor} section={label} onPick={onCommentPassage} />
          <span className="small muted" aria-live="polite">
            {hint}
          </span>
        </div>
      ) : null}
      <EditorContent editor={editor} />
      <div className="editor-refusal" role="status">
        {refusal}
      </div>
      {onAskAboutPassage ? <AskAboutSelection editor={editor} onAsk={askAboutSelection} hint={hint} /> : null}
    </div>
  );
}

const REFUSAL_SHOWN_MS = 8000;

function Toolbar({ editor, section }: { editor: Editor; section: string }) {
  const { t } = useTranslation();
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      bulletList: e.isActive("bulletList"),
      orderedList: e.isActive("orderedList"),
    }),
  });
  const run = {
    bold: () => editor.chain().focus().toggleBold().run(),
    italic: () => editor.chain().focus().toggleItalic().run(),
    bulletList: () => editor.chain().focus().toggleBulletList().run(),
    orderedList: () => editor.chain().focus().toggleOrderedList().run(),
  };
  return (
    <div role="toolbar" aria-label={t("plan.toolbar.label", { section })} className="editor-toolbar">
      {TOOLBAR_BUTTONS.map((b) => (
        <button
          key={b.key}
          type="button"
          className={`toolbar-button toolbar-${b.key}`}
          aria-label={t(`plan.toolbar.${b.key}`)}
          title={t(`plan.toolbar.${b.key}`)}
          aria-pressed={active?.[b.key] ?? false}
          onMouseDown={(event) => event.preventDefault()}
          onClick={run[b.key]}
        >
          {b.text}
        </button>
      ))}
    </div>
  );
}

/**
 * The keyboard way to comment on a passage: a read-only editor cannot be selected in with the
 * keyboard, so commenters pick a whole paragraph from a list instead.
 */
function ParagraphPicker({ editor, section, onPick }: { editor: Editor; section: string; onPick(passage: { start: string; end: string; quote: string }): void }) {
  const { t } = useTranslation();
  const paragraphs = useEditorState({ editor, selector: ({ editor: e }) => paragraphsOf(e.state) }) ?? [];
  const [chosen, setChosen] = useState("");
  if (paragraphs.length === 0) return null;
  const pick = () => {
    const paragraph = paragraphs[Number(chosen)];
    const passage = paragraph ? passageBetween(editor.state, paragraph.from, paragraph.to) : null;
    if (passage) onPick(passage);
  };
  return (
    <span className="paragraph-picker">
      <select aria-label={t("comments.pickParagraph", { section })} value={chosen} onChange={(event) => setChosen(event.target.value)}>
        <option value="">{t("comments.pickParagraphPrompt")}</option>
        {paragraphs.map((p, index) => (
          <option key={p.from} value={index}>
            {p.text.length > 60 ? `${p.text.slice(0, 60)}…` : p.text}
          </option>
        ))}
      </select>
      <button type="button" className="button-secondary button-small" disabled={chosen === ""} onClick={pick}>
        {t("comments.commentParagraph")}
      </button>
    </span>
  );
}

/**
 * The pupil's "Fråga om markerad text", offered while she has text selected in her own section
 * (with the mouse or Shift and the arrow keys; Tab reaches it next, the selection kept).
 */
function AskAboutSelection({ editor, onAsk, hint }: { editor: Editor; onAsk(): void; hint: string | null }) {
  const { t } = useTranslation();
  const selected = useEditorState({ editor, selector: ({ editor: e }) => !e.state.selection.empty }) ?? false;
  if (!selected && !hint) return null;
  return (
    <div className="editor-toolbar comment-toolbar">
      {selected ? (
        // Kept from taking the focus on a click, so the selection stays what is asked about.
        <button type="button" className="button-secondary button-small" onMouseDown={(event) => event.preventDefault()} onClick={onAsk}>
          {t("comments.ask.passage")}
        </button>
      ) : null}
      <span className="small muted" aria-live="polite">
        {hint}
      </span>
    </div>
  );
}
