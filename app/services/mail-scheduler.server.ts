import type { AppDatabase } from "../../db/client";
import * as outbox from "../../db/queries/outbox";
import { stockholmLocalTime } from "../../db/school-calendar";
import { oneTimeSecretKinds, type Delivery, type SmtpSender } from "./mail-delivery.server";
import { getTalkRecipients } from "./talk-days.server";
import { queueTalkMessageTo, REMINDER_LEAD_MS } from "./talk-mail.server";

/**
 * The mail scheduler: one per server process, started with it and stopped with it. It sends what
 * is queued in the outbox through SMTP, retries a failed send with back-off (base, 2×, 4×, …) and
 * after the last attempt marks the message failed (the admin can send it again); and it queues the
 * reminders two days before each talk. Everything it does is stored — a message's state, attempts
 * and next attempt, each reminder per guardian and talk time — so a restart picks up where it
 * stopped and never sends a reminder twice. A message is claimed in SQLite before it is sent, so
 * two ticks (or two processes on one database) never send the same one. Messages with a one-time
 * secret never come here (see the rule in mail-delivery.server.ts).
 */

export interface MailSchedulerOptions {
  db: AppDatabase;
  /** The SMTP side; without it nothing is sent, and reminders still go to the outbox to be read. */
  sender: SmtpSender | null;
  /** The app's address for links in scheduled messages (reminders): PUBLIC_URL. */
  appUrl: () => string;
  /** How often it looks for due messages and reminders. */
  tickMs: number;
  /** The wait before the first retry; each later one waits twice as long. */
  retryBaseMs: number;
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  onError?: (error: unknown) => void;
}

/** Messages sent per round; the rest wait for the next (a talk day's invitations are a few hundred). */
const BATCH = 50;
/**
 * Sends under way at once: as many as the SMTP pool keeps connections (nodemailer's default, 5).
 * One at a time, a talk day's invitations waited on each other's round trips, and a reminder
 * queued behind them waited for them all.
 */
const SENDS_AT_ONCE = 5;

export class MailScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  constructor(private readonly options: MailSchedulerOptions) {}

  /** Messages leave through SMTP (queued here) or wait in the outbox. */
  get delivery(): Delivery {
    return this.options.sender ? "smtp" : "outbox";
  }

  /**
   * Starts ticking. Messages a stopped process had taken go back in the queue first; a one-time
   * link it was sending is marked failed instead (its secret was never stored: a new link is asked for).
   */
  start(): void {
    outbox.requeueUnfinished(this.options.db, new Date(), oneTimeSecretKinds);
    this.schedule(0);
  }

  /**
   * Something was queued, or a talk changed: look now rather than at the next tick. Reminders are
   * queued here at once too: a round still sending (a backlog, a slow mail server) must not hold
   * back the reminder a moved talk now needs.
   */
  wake(): void {
    if (this.stopped) return;
    try {
      this.queueReminders(new Date());
    } catch (error) {
      this.options.onError?.(error);
    }
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops ticking and waits for a round under way (so a message is never left half sent). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round: queue due reminders, then send what is due. Never two at once. */
  async tick(now = new Date()): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        this.queueReminders(now);
        await this.sendDue();
      } catch (error) {
        this.options.onError?.(error);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().then(() => {
        // Woken while busy: look again at once; otherwise at the next tick or due retry.
        const delay = this.again ? 0 : this.nextDelay();
        this.again = false;
        this.schedule(delay);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Until the next tick, or sooner when a retry is due before it. */
  private nextDelay(): number {
    const due = this.options.sender ? outbox.getNextDueAt(this.options.db) : null;
    const untilDue = due ? Math.max(0, due.getTime() - Date.now()) : Infinity;
    return Math.min(this.options.tickMs, untilDue);
  }

  /**
   * Reminders for talks starting within the lead time (two days), one per guardian and talk time:
   * the row is written first, so a second tick, a restart or another process finds it and skips.
   * An invitation or change sent inside the lead time wrote that row itself (queueTalkMessageTo).
   */
  queueReminders(now: Date): number {
    const { db } = this.options;
    const talks = outbox.getTalksStartingBetween(db, stockholmLocalTime(now), stockholmLocalTime(new Date(now.getTime() + REMINDER_LEAD_MS)));
    const reminded = outbox.getRemindedGuardians(db, talks);
    let queued = 0;
    for (const talk of talks) {
      for (const guardian of getTalkRecipients(db, talk.id)) {
        if (!guardian.email || reminded.has(`${talk.id}:${guardian.id}`)) continue;
        db.transaction((tx) => {
          const txdb = tx as unknown as AppDatabase;
          const reminder = { talkId: talk.id, guardianId: guardian.id, startsAt: talk.startsAt };
          if (!outbox.insertReminder(txdb, { ...reminder, createdAt: now })) return;
          const stored = queueTalkMessageTo(txdb, talk.id, guardian, "talk-reminder", { appUrl: this.options.appUrl(), delivery: this.delivery, now });
          if (stored) {
            outbox.setReminderMessage(txdb, reminder, stored.id);
            queued++;
          }
        });
      }
    }
    return queued;
  }

  private async sendDue(): Promise<void> {
    const { db } = this.options;
    if (!this.options.sender) return;
    for (;;) {
      const ids = outbox.getDueMessageIds(db, new Date(), BATCH);
      if (ids.length === 0 || this.stopped) return;
      const sendInTurn = async () => {
        for (let id = ids.shift(); id !== undefined && !this.stopped; id = ids.shift()) {
          if (outbox.claimMessage(db, id)) await this.send(id);
        }
      };
      // Every lane finishes before the round ends (stop() waits for the round: nothing half sent).
      const lanes = await Promise.allSettled(Array.from({ length: SENDS_AT_ONCE }, sendInTurn));
      const failed = lanes.find((lane): lane is PromiseRejectedResult => lane.status === "rejected");
      if (failed) throw failed.reason;
    }
  }

  private async send(id: string): Promise<void> {
    const { db, maxAttempts, retryBaseMs, sender } = this.options;
    const message = outbox.getOutboxMessageById(db, id);
    if (!message || !sender) return;
    const attempts = message.attempts + 1;
    const result = await sender.send(message);
    if (result.ok) return outbox.markOutboxMessageSent(db, id, new Date(), attempts);
    const retryAt = attempts < maxAttempts ? new Date(Date.now() + retryBaseMs * 2 ** (attempts - 1)) : null;
    outbox.markOutboxAttemptFailed(db, id, result.reason, attempts, retryAt);
  }
}
