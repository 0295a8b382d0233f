import nodemailer from "nodemailer";
import type { AppDatabase } from "../../db/client";
import * as outbox from "../../db/queries/outbox";
import type { OutboxKind, OutboxMessage, outboxMessages } from "../../db/schema";

/**
 * How a message the app made leaves. One rule for every kind of mail:
 *
 * - Without SMTP nothing leaves: every message is stored whole and waits in the outbox
 *   (/admin/outbox), where the school's admin reads it and passes it on.
 * - With SMTP, a message that carries a one-time secret (a password link, a guest's link to a talk:
 *   `oneTimeSecretKinds`) is sent once, at once, and stored only with the secret masked. It never
 *   goes through the scheduler, which would have to keep the secret to send it later or again. If
 *   that one send fails, the message is marked failed and the person (or staff) asks for a new link.
 * - Every other message is stored whole and sent by the mail scheduler (mail-scheduler.server.ts):
 *   retried with back-off, resent on request, and the reminders.
 *
 * Callers store with `storeMessage` (inside their own transaction) and, once it has committed, hand
 * what they stored to `dispatch`.
 */

/** Kinds of message that carry a one-time secret (a link that sets a password or opens a talk). */
export const oneTimeSecretKinds = ["password-invitation", "password-reset", "guest-link"] as const satisfies readonly OutboxKind[];

export function carriesOneTimeSecret(kind: OutboxKind): boolean {
  return (oneTimeSecretKinds as readonly OutboxKind[]).includes(kind);
}

/** Messages leave through SMTP, or wait in the outbox to be read. */
export type Delivery = "smtp" | "outbox";

/** What the server hands the app (context.mail): created once per process in server/app.ts. */
export interface MailDelivery {
  readonly delivery: Delivery;
  /** Ordinary messages were stored: the scheduler looks now rather than at its next tick. */
  wake(): void;
  /** The immediate path: sends each message once, with the given body (the one with the secret). */
  sendNow(messages: ReadonlyArray<{ id: string; body: string }>): Promise<void>;
}

/**
 * A message to store. One that carries a one-time secret gives its text twice: `body` with the
 * secret masked (what is kept once it is sent) and `secretBody` with it (what is sent).
 */
export type NewMessage = Omit<typeof outboxMessages.$inferInsert, "id" | "status" | "attempts" | "nextAttemptAt" | "transport" | "sentAt" | "error"> & {
  secretBody?: string;
};

/** A stored message as `dispatch` takes it: with the body to send at once, or null for the scheduler (or the outbox). */
export interface StoredMessage {
  id: string;
  sendNow: string | null;
}

/** Stores a message in its first state, by the rule above (call it inside the caller's transaction). */
export function storeMessage(db: AppDatabase, delivery: Delivery, message: NewMessage, now = new Date()): StoredMessage {
  const { secretBody, ...stored } = message;
  const secret = carriesOneTimeSecret(message.kind);
  if (secret !== (secretBody !== undefined)) throw new Error(`a ${message.kind} message ${secret ? "needs" : "takes no"} secretBody`);
  if (delivery === "outbox") {
    // The outbox is the only way to the person: it keeps the message whole.
    const id = outbox.insertOutboxMessage(db, { ...stored, body: secretBody ?? stored.body, transport: "outbox", status: "outbox" });
    return { id, sendNow: null };
  }
  if (secretBody !== undefined) {
    // Taken by the immediate path from the start ("sending"): the scheduler never picks it up.
    const id = outbox.insertOutboxMessage(db, { ...stored, transport: "outbox", status: "sending" });
    return { id, sendNow: secretBody };
  }
  const id = outbox.insertOutboxMessage(db, { ...stored, transport: "outbox", status: "queued", nextAttemptAt: now });
  return { id, sendNow: null };
}

/** After the transaction that stored them: one-time messages are sent at once, the scheduler is woken for the rest. */
export function dispatch(mail: MailDelivery, stored: readonly StoredMessage[]): void {
  if (mail.delivery !== "smtp" || stored.length === 0) return;
  const now = stored.flatMap((m) => (m.sendNow === null ? [] : [{ id: m.id, body: m.sendNow }]));
  // Sending never holds up the answer (and its time says nothing about whether an address exists).
  if (now.length > 0) void mail.sendNow(now);
  if (now.length < stored.length) mail.wake();
}

/**
 * A talk day's invitations are hundreds of messages at once: they go over a few kept-open
 * connections (nodemailer's pool) rather than one new connection per message. `SMTP_URL` may
 * still say otherwise (`?pool=false`).
 */
function pooled(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has("pool")) url.searchParams.set("pool", "true");
  // A mail server that stops answering holds a send for a minute, not nodemailer's ten.
  if (!url.searchParams.has("socketTimeout")) url.searchParams.set("socketTimeout", "60000");
  return url.toString();
}

/** The SMTP side of one process: one transport, shared by the scheduler and the immediate path. */
export class SmtpSender {
  private readonly transport: nodemailer.Transporter;

  constructor(
    smtpUrl: string,
    private readonly from = "no-reply@localhost",
  ) {
    this.transport = nodemailer.createTransport(pooled(smtpUrl));
  }

  /** Sends a stored message (with `body` in place of the stored one); the reason of a failure without address or content. */
  async send(message: OutboxMessage, body = message.body): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: message.toAddress,
        subject: message.subject,
        text: body,
        ...(message.calendar ? { icalEvent: { filename: "invite.ics", method: "PUBLISH", content: message.calendar } } : {}),
      });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: smtpReason(error) };
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The reason without the address or the content: a code, or the SMTP reply's number. */
function smtpReason(error: unknown): string {
  if (error && typeof error === "object") {
    const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
    if (typeof responseCode === "number") return `${typeof code === "string" ? code : "SMTP"} ${responseCode}`;
    if (typeof code === "string") return code;
  }
  return "send-failed";
}

/**
 * The immediate path for one-time messages: each is sent once and marked sent or failed, never
 * retried (its secret is not stored). `settled()` waits for sends under way (at shutdown).
 */
export class ImmediateMail {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: AppDatabase,
    private readonly sender: SmtpSender,
    private readonly onError: (error: unknown) => void,
  ) {}

  send(messages: ReadonlyArray<{ id: string; body: string }>): Promise<void> {
    const run = (async () => {
      try {
        for (const { id, body } of messages) {
          const message = outbox.getOutboxMessageById(this.db, id);
          if (!message || message.status !== "sending") continue;
          const result = await this.sender.send(message, body);
          if (result.ok) outbox.markOutboxMessageSent(this.db, id, new Date(), 1);
          else outbox.markOutboxAttemptFailed(this.db, id, result.reason, 1, null);
        }
      } catch (error) {
        this.onError(error);
      }
    })();
    this.pending.add(run);
    void run.then(() => this.pending.delete(run));
    return run;
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
