import { useFetcher } from "@remix-run/react";
import { usePlanAction } from "./plan-action";
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { PlanThread } from "~/services/plan-page.server";
import { translateError } from "~/utils/errors";
import { formatDateTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

/** A thread as the plan page's loader sends it (already filtered to what this viewer may see). */
export type PlanThreadData = PlanThread;

export interface CommentRightsData {
  startInSubjects: string[];
  /** Subjects the pupil may ask her teachers about (her own plan, a subject with a teacher). */
  askInSubjects: string[];
  /** Who a question in each subject goes to. */
  askTeachers: Record<string, string[]>;
  canReply: boolean;
  canMarkStaffOnly: boolean;
}

/**
 * A passage selected in a section's text, about to become a thread: a teacher's comment, or the
 * pupil's question to the subject's teachers.
 */
export interface PendingPassage {
  fragment: string;
  subjectId: string;
  start: string;
  end: string;
  quote: string;
  purpose: "comment" | "ask";
}

/** What a subject section is starting a thread about, without a passage. */
export type Composing = "assessment" | "reflection" | null;

interface PlanCommentsState {
  threads: PlanThreadData[];
  rights: CommentRightsData;
  /** Threads whose passage has been deleted from the text (reported by the editors). */
  detached: ReadonlySet<string>;
  setDetached(fragment: string, threadIds: string[]): void;
  passage: PendingPassage | null;
  setPassage(passage: PendingPassage | null): void;
}

const PlanCommentsContext = createContext<PlanCommentsState | null>(null);

export function PlanCommentsProvider({ threads, rights, children }: { threads: PlanThreadData[]; rights: CommentRightsData; children: ReactNode }) {
  const [detachedByFragment, setDetachedByFragment] = useState<Record<string, string[]>>({});
  const [passage, setPassage] = useState<PendingPassage | null>(null);
  // Every editor reports when it starts (mostly "none detached"); that must not re-render every
  // part of the plan that reads the threads.
  const setDetached = useCallback(
    (fragment: string, ids: string[]) =>
      setDetachedByFragment((current) => ((current[fragment] ?? []).join() === ids.join() ? current : { ...current, [fragment]: ids })),
    [],
  );
  const value = useMemo(
    () => ({ threads, rights, detached: new Set(Object.values(detachedByFragment).flat()), setDetached, passage, setPassage }),
    [threads, rights, detachedByFragment, setDetached, passage],
  );
  return <PlanCommentsContext.Provider value={value}>{children}</PlanCommentsContext.Provider>;
}

export function usePlanComments(): PlanCommentsState {
  const state = useContext(PlanCommentsContext);
  if (!state) throw new Error("usePlanComments outside PlanCommentsProvider");
  return state;
}

type ActionResult = { ok: true; intent: string } | { ok: false; error: string; message: string; intent?: string; fieldErrors?: Record<string, string[]> };

/** Whether this person may start a thread on passages of a subject's text (the server's rights, as the page was told). */
export function mayCommentOnText(rights: PlanCommentsState["rights"], subjectId: string | undefined): boolean {
  return subjectId !== undefined && rights.startInSubjects.includes(subjectId);
}

/** Open threads of one subject, for the count beside its heading. */
export function useOpenThreadCount(subjectId: string): number {
  const { threads } = usePlanComments();
  return threads.filter((t) => t.subjectId === subjectId && t.status === "open").length;
}

/** The "Kommentera" button of an assessment block and the form it opens. */
export function AssessmentCommentButton({ subjectId, onOpen }: { subjectId: string; onOpen(): void }) {
  const { t } = useTranslation();
  const { rights } = usePlanComments();
  if (!rights.startInSubjects.includes(subjectId)) return null;
  return (
    <button type="button" className="button-secondary button-small" onClick={onOpen}>
      {t("comments.comment")}
    </button>
  );
}

/** The pupil's "Fråga läraren" under her reflection: a question about all of it. */
export function AskTeacherButton({ subjectId, subjectName, onOpen }: { subjectId: string; subjectName: string; onOpen(): void }) {
  const { t } = useTranslation();
  const { rights } = usePlanComments();
  if (!rights.askInSubjects.includes(subjectId)) return null;
  return (
    <div className="actions ask-teacher">
      <button type="button" className="button-secondary button-small" aria-label={t("comments.ask.buttonLabel", { subject: subjectName })} onClick={onOpen}>
        {t("comments.ask.button")}
      </button>
    </div>
  );
}

/** A subject section's threads: the new-thread form when one is being started, then the threads. */
export function SectionComments({
  subjectId,
  fragment,
  composing,
  onCloseComposer,
}: {
  subjectId: string;
  fragment: string;
  composing: Composing;
  onCloseComposer(): void;
}) {
  const { t } = useTranslation();
  const { threads, passage, setPassage } = usePlanComments();
  const headingId = useId();
  const mine = threads.filter((thread) => thread.subjectId === subjectId);
  const open = mine.filter((thread) => thread.status === "open");
  const resolved = mine.filter((thread) => thread.status === "resolved");
  const passageHere = passage?.fragment === fragment ? passage : null;

  return (
    // Not a landmark of its own: every subject has one, inside the subject's own region.
    <div className="comments">
      <h3 id={headingId}>
        {t("comments.heading")}
        {open.length > 0 ? <span className="badge badge-count">{t("comments.open", { count: open.length })}</span> : null}
      </h3>
      {passageHere?.purpose === "ask" || (composing === "reflection" && !passageHere) ? (
        <AskTeacherForm
          subjectId={subjectId}
          passage={passageHere}
          onDone={() => {
            onCloseComposer();
            setPassage(null);
          }}
        />
      ) : composing === "assessment" || passageHere ? (
        <NewThreadForm
          subjectId={subjectId}
          passage={passageHere}
          onDone={() => {
            onCloseComposer();
            setPassage(null);
          }}
        />
      ) : null}
      {mine.length === 0 && !composing && !passageHere ? <p className="small muted">{t("comments.none")}</p> : null}
      {open.map((thread) => (
        <Thread key={thread.id} thread={thread} />
      ))}
      {resolved.length > 0 ? (
        <details className="resolved-threads">
          <summary>{t("comments.showResolved", { count: resolved.length })}</summary>
          {resolved.map((thread) => (
            <Thread key={thread.id} thread={thread} />
          ))}
        </details>
      ) : null}
    </div>
  );
}

/** A form that starts a thread: its post, ids for the text and its error, and closing once it is stored. */
function useThreadForm(onDone: () => void) {
  const fetcher = useFetcher<ActionResult>();
  const bodyId = useId();
  const errorId = useId();
  const submitted = useRef(false);
  useEffect(() => {
    if (fetcher.state === "idle" && submitted.current && fetcher.data?.ok) onDone();
  }, [fetcher.state, fetcher.data, onDone]);
  const error = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors?.body?.[0] ?? fetcher.data.message) : null;
  return { fetcher, bodyId, errorId, submitted, error };
}

function NewThreadForm({ subjectId, passage, onDone }: { subjectId: string; passage: PendingPassage | null; onDone(): void }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const { rights } = usePlanComments();
  const { fetcher, bodyId, errorId, submitted, error } = useThreadForm(onDone);

  return (
    <fetcher.Form method="post" action={planAction} className="thread-form card-inset" onSubmit={() => (submitted.current = true)}>
      <input type="hidden" name="intent" value="start-thread" />
      <input type="hidden" name="subjectId" value={subjectId} />
      <PassageFields passage={passage} onPassage={t("comments.newOnPassage")} onWhole={t("comments.about.assessment")} />
      <label htmlFor={bodyId}>{t("comments.body")}</label>
      <textarea id={bodyId} name="body" rows={3} required maxLength={2000} autoFocus aria-describedby={errorId} aria-invalid={error ? true : undefined} />
      <div id={errorId} className="field-error" aria-live="polite">
        {error ? <p>{translateError(t, error)}</p> : null}
      </div>
      {rights.canMarkStaffOnly ? (
        <label className="checkbox">
          <input type="checkbox" name="staffOnly" />
          {t("comments.staffOnly")}
        </label>
      ) : null}
      <div className="actions">
        <button type="submit" className="button-primary button-small" disabled={fetcher.state !== "idle"}>
          {t("comments.send")}
        </button>
        <button type="button" className="button-secondary button-small" onClick={onDone}>
          {t("comments.cancel")}
        </button>
      </div>
    </fetcher.Form>
  );
}

/** What a new thread is about: a passage of the text (its anchor and quote travel with the form), or the whole. */
function PassageFields({ passage, onPassage, onWhole }: { passage: PendingPassage | null; onPassage: string; onWhole: string }) {
  if (!passage) return <p className="small">{onWhole}</p>;
  return (
    <>
      <input type="hidden" name="anchorStart" value={passage.start} />
      <input type="hidden" name="anchorEnd" value={passage.end} />
      <input type="hidden" name="quote" value={passage.quote} />
      <p className="small">
        {onPassage} <q className="thread-quote">{passage.quote}</q>
      </p>
    </>
  );
}

/**
 * The pupil's question to the subject's teachers, about her whole reflection or a passage of it.
 * Never staff-only (the form has no such choice, and the server takes none); it says who it goes to
 * and who will read it.
 */
function AskTeacherForm({ subjectId, passage, onDone }: { subjectId: string; passage: PendingPassage | null; onDone(): void }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const { rights } = usePlanComments();
  const { fetcher, bodyId, errorId, submitted, error } = useThreadForm(onDone);
  const teachers = rights.askTeachers[subjectId] ?? [];

  return (
    <fetcher.Form method="post" action={planAction} className="thread-form card-inset ask-form" aria-label={t("comments.ask.formLabel")} onSubmit={() => (submitted.current = true)}>
      <input type="hidden" name="intent" value="ask-teacher" />
      <input type="hidden" name="subjectId" value={subjectId} />
      <PassageFields passage={passage} onPassage={t("comments.ask.aboutPassage")} onWhole={t("comments.ask.aboutReflection")} />
      <label htmlFor={bodyId}>{t("comments.ask.body")}</label>
      <textarea id={bodyId} name="body" rows={3} required maxLength={2000} autoFocus aria-describedby={`${errorId} ${bodyId}-who`} aria-invalid={error ? true : undefined} />
      <div id={errorId} className="field-error" aria-live="polite">
        {error ? <p>{translateError(t, error)}</p> : null}
      </div>
      <p id={`${bodyId}-who`} className="small muted">
        {t("comments.ask.goesTo", { count: teachers.length, names: teachers.join(", ") })} {t("comments.ask.whoSees")}
      </p>
      <div className="actions">
        <button type="submit" className="button-primary button-small" disabled={fetcher.state !== "idle"}>
          {t("comments.ask.send")}
        </button>
        <button type="button" className="button-secondary button-small" onClick={onDone}>
          {t("comments.cancel")}
        </button>
      </div>
    </fetcher.Form>
  );
}

function Thread({ thread }: { thread: PlanThreadData }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const locale = useLocale();
  const { rights, detached } = usePlanComments();
  const statusFetcher = useFetcher<ActionResult>();
  const headingId = useId();
  const isDetached = thread.anchorKind === "text" && detached.has(thread.id);

  return (
    <article id={`thread-${thread.id}`} className={`thread thread-${thread.status}`} aria-labelledby={headingId} data-thread={thread.id}>
      <header className="thread-header">
        <h4 id={headingId} className="thread-about">
          {t(`comments.about.${thread.anchorKind}`)}
          {thread.quote ? (
            <>
              {": "}
              <q className="thread-quote">{thread.quote}</q>
            </>
          ) : null}
        </h4>
        <span className="thread-badges">
          {thread.askedByPupil ? <span className="badge badge-question">{t("comments.askedBadge")}</span> : null}
          {thread.staffOnly ? <span className="badge badge-staff">{t("comments.staffOnlyBadge")}</span> : null}
          {thread.status === "resolved" ? <span className="badge">{t("comments.resolved")}</span> : null}
        </span>
      </header>
      {isDetached ? <p className="small alert alert-info thread-detached">{t("comments.detached")}</p> : null}
      <ol className="thread-comments">
        {thread.comments.map((comment) => (
          <CommentItem key={comment.id} comment={comment} />
        ))}
      </ol>
      {rights.canReply && thread.status === "open" ? <ReplyForm threadId={thread.id} /> : null}
      {thread.canResolve ? (
        <statusFetcher.Form method="post" action={planAction} className="thread-status-form">
          <input type="hidden" name="intent" value={thread.status === "open" ? "resolve" : "reopen"} />
          <input type="hidden" name="threadId" value={thread.id} />
          <button type="submit" className="button-link" disabled={statusFetcher.state !== "idle"}>
            {thread.status === "open" ? t("comments.resolve") : t("comments.reopen")}
          </button>
        </statusFetcher.Form>
      ) : null}
      <p className="visually-hidden">{formatDateTime(new Date(thread.createdAt), locale)}</p>
    </article>
  );
}

function CommentItem({ comment }: { comment: PlanThreadData["comments"][number] }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const locale = useLocale();
  const [editing, setEditing] = useState(false);
  const fetcher = useFetcher<ActionResult>();
  const submitted = useRef(false);
  const bodyId = useId();
  useEffect(() => {
    if (fetcher.state === "idle" && submitted.current && fetcher.data?.ok) {
      submitted.current = false;
      setEditing(false);
    }
  }, [fetcher.state, fetcher.data]);
  const author = comment.author.role
    ? t("comments.by", { name: fullName(comment.author), role: t(`roles.${comment.author.role}`) })
    : fullName(comment.author);
  const error = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors?.body?.[0] ?? fetcher.data.message) : null;

  return (
    <li className="comment">
      <p className="comment-meta small">
        <strong>{author}</strong> <time dateTime={comment.createdAt}>{formatDateTime(new Date(comment.createdAt), locale)}</time>
        {comment.editedAt ? <span className="muted"> ({t("comments.edited")})</span> : null}
      </p>
      {editing ? (
        <fetcher.Form method="post" action={planAction} className="thread-form" onSubmit={() => (submitted.current = true)}>
          <input type="hidden" name="intent" value="edit-comment" />
          <input type="hidden" name="commentId" value={comment.id} />
          <label htmlFor={bodyId} className="visually-hidden">
            {t("comments.body")}
          </label>
          <textarea id={bodyId} name="body" rows={3} required maxLength={2000} defaultValue={comment.body} autoFocus />
          {error ? <p className="field-error">{translateError(t, error)}</p> : null}
          <div className="actions">
            <button type="submit" className="button-primary button-small" disabled={fetcher.state !== "idle"}>
              {t("comments.save")}
            </button>
            <button type="button" className="button-secondary button-small" onClick={() => setEditing(false)}>
              {t("comments.cancel")}
            </button>
          </div>
        </fetcher.Form>
      ) : (
        <>
          <p className="comment-body" dir="auto">
            {comment.body}
          </p>
          {comment.canEdit ? (
            <button type="button" className="button-link small" onClick={() => setEditing(true)}>
              {t("comments.edit")}
            </button>
          ) : null}
        </>
      )}
    </li>
  );
}

function ReplyForm({ threadId }: { threadId: string }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const submitted = useRef(false);
  const bodyId = useId();
  const errorId = useId();
  useEffect(() => {
    if (fetcher.state === "idle" && submitted.current && fetcher.data?.ok) {
      submitted.current = false;
      form.current?.reset();
    }
  }, [fetcher.state, fetcher.data]);
  const error = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors?.body?.[0] ?? fetcher.data.message) : null;
  return (
    <fetcher.Form method="post" action={planAction} ref={form} className="thread-form reply-form" onSubmit={() => (submitted.current = true)}>
      <input type="hidden" name="intent" value="reply" />
      <input type="hidden" name="threadId" value={threadId} />
      <label htmlFor={bodyId} className="visually-hidden">
        {t("comments.replyLabel")}
      </label>
      <textarea id={bodyId} name="body" rows={2} required maxLength={2000} placeholder={t("comments.reply")} aria-describedby={errorId} />
      <div id={errorId} className="field-error" aria-live="polite">
        {error ? <p>{translateError(t, error)}</p> : null}
      </div>
      <button type="submit" className="button-secondary button-small" disabled={fetcher.state !== "idle"}>
        {t("comments.reply")}
      </button>
    </fetcher.Form>
  );
}
