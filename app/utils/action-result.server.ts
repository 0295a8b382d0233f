import { parseWithZod } from "@conform-to/zod";
import { data } from "@remix-run/node";
import type { z } from "zod";

/**
 * One contract for what actions answer. A service returns `{ ok: true, ... }` or
 * `{ ok: false, error }` with a typed error key; `respond` turns it into the answer, with the
 * HTTP status the key stands for and the message key the page translates. No route states a
 * status of its own.
 */

export const failureStatus = {
  validation: 400,
  invalidTime: 400,
  invalidSection: 400,
  invalidAnchor: 400,
  interpreterLanguage: 400,
  noSittings: 400,
  reasonMissing: 400,
  wrongPassword: 400,
  tooLong: 400,
  forbidden: 403,
  notRequired: 403,
  reauthenticate: 401,
  notFound: 404,
  locked: 409,
  planLocked: 409,
  notDraft: 409,
  notLocked: 409,
  alreadySigned: 409,
  alreadyAnswered: 409,
  staleVersion: 409,
  notPlanning: 409,
  noTerm: 409,
  noTeacher: 409,
  noPhone: 409,
  alreadyStarted: 409,
  noSmtp: 409,
  notResendable: 409,
  capacity: 409,
  sibling: 409,
  unavailable: 409,
  tooManyTimes: 409,
  throttled: 429,
  importProblems: 400,
  importChanged: 409,
  importUnavailable: 502,
} as const;

export type FailureKey = keyof typeof failureStatus;

export interface Failure<E extends FailureKey = FailureKey> {
  ok: false;
  error: E;
}

export type Result<T = object, E extends FailureKey = FailureKey> = ({ ok: true } & T) | Failure<E>;

/** What an action answers when it fails: the key, the message to show (an i18n key), field
 * errors, and what the page needs to explain it (e.g. which talks a correction would make clash). */
export interface ActionFailure {
  ok: false;
  error: FailureKey;
  message: string;
  intent?: string;
  fieldErrors?: Record<string, string[]>;
  /** Problems found in uploaded or fetched data, each with where it is (the roster import). */
  problems?: Array<{ where: string; problem: string; values?: Record<string, string> }>;
  /** What the page needs to explain the failure (e.g. which talks a correction would make clash). */
  details?: Record<string, unknown>;
}

type FailureWithContext = Failure & Pick<ActionFailure, "intent" | "fieldErrors" | "problems" | "details">;

/**
 * The answer to an action: the success as it is, a failure with its status and the message key
 * `<namespace>.errors.<key>` (e.g. "talks.errors.capacity"). `about` names what the answer is
 * about on both (a page with several forms shows it by the one that posted).
 */
export function respond<R extends { ok: true } | FailureWithContext, About extends Record<string, string> = Record<never, never>>(
  result: R,
  namespace: string,
  about?: About,
) {
  if (result.ok) return { ...(result as Extract<R, { ok: true }>), ...(about as About) };
  // Whatever else a failure says (the version now in force, the fields at fault) goes along.
  const { ok: _ok, error, ...rest } = result as Failure & Record<string, unknown>;
  const failure = {
    ...rest,
    ok: false as const,
    error,
    message: `${namespace}.errors.${error}`,
    ...(about as About),
  } as ActionFailure & About & { currentVersion?: number };
  return data(failure, { status: failureStatus[error] });
}

/** A resource route's answer (single fetch leaves a resource route's data() status alone): a JSON Response. */
export function respondJson<T extends { ok: true }>(result: T | Failure, namespace: string): Response {
  if (result.ok) return Response.json(result);
  const failure: ActionFailure = { ok: false, error: result.error, message: `${namespace}.errors.${result.error}` };
  return Response.json(failure, { status: failureStatus[result.error] });
}

export type Parsed<T> = { ok: true; value: T } | (Failure<"validation"> & { fieldErrors: Record<string, string[]>; intent?: string });

/**
 * Parses a submitted form with conform and a zod schema (repeated fields become arrays, empty
 * fields undefined). A failure names each field's problem as an i18n key (the schema's messages).
 */
export function parseForm<Schema extends z.ZodTypeAny>(form: FormData, schema: Schema): Parsed<z.output<Schema>> {
  const submission = parseWithZod(form, { schema });
  if (submission.status === "success") return { ok: true, value: submission.value };
  const fieldErrors: Record<string, string[]> = {};
  for (const [name, errors] of Object.entries(submission.error ?? {})) if (errors) fieldErrors[name === "" ? "form" : name] = errors;
  const intent = form.get("intent");
  return { ok: false, error: "validation", fieldErrors, ...(typeof intent === "string" ? { intent } : {}) };
}
