import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { PresenceUser } from "./plan-roles";
import type { PlanConnection } from "./use-plan-connection.client";

interface Props {
  connection: PlanConnection;
  /** The Y.XmlFragment of this section (see server/collab/DOCUMENT-SHAPE.md). */
  fragment: string;
  label: string;
  placeholder: string;
  editable: boolean;
  user: PresenceUser;
  roleLabel: (role: PresenceUser["role"]) => string;
}

/** One section's text, bound to its own fragment of the plan's Y.Doc. */
export function SectionEditor({ connection, fragment, label, placeholder, editable, user, roleLabel }: Props) {
  const { t } = useTranslation();
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable,
      extensions: [
        // Collaboration brings its own undo history, bound to this user's changes.
        StarterKit.configure({ undoRedo: false, link: { openOnClick: !editable } }),
        Collaboration.configure({ document: connection.doc, field: fragment }),
        CollaborationCaret.configure({
          provider: connection.provider,
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
        Placeholder.configure({ placeholder: editable ? placeholder : t("plan.empty") }),
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

  return (
    <div className="section-editor" data-fragment={fragment}>
      {editable && editor ? <Toolbar editor={editor} section={label} /> : null}
      <EditorContent editor={editor} />
    </div>
  );
}

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
  const buttons = [
    { key: "bold", label: t("plan.toolbar.bold"), text: "B", run: () => editor.chain().focus().toggleBold().run() },
    { key: "italic", label: t("plan.toolbar.italic"), text: "I", run: () => editor.chain().focus().toggleItalic().run() },
    { key: "bulletList", label: t("plan.toolbar.bulletList"), text: "•", run: () => editor.chain().focus().toggleBulletList().run() },
    { key: "orderedList", label: t("plan.toolbar.orderedList"), text: "1.", run: () => editor.chain().focus().toggleOrderedList().run() },
  ] as const;
  return (
    <div role="toolbar" aria-label={t("plan.toolbar.label", { section })} className="editor-toolbar">
      {buttons.map((b) => (
        <button
          key={b.key}
          type="button"
          className={`toolbar-button toolbar-${b.key}`}
          aria-label={b.label}
          title={b.label}
          aria-pressed={active?.[b.key] ?? false}
          onMouseDown={(event) => event.preventDefault()}
          onClick={b.run}
        >
          {b.text}
        </button>
      ))}
    </div>
  );
}
