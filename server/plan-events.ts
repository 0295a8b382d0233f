import { EventEmitter } from "node:events";

/** What changed in a plan outside its shared text; views reload what they may see. "talk" = the
 * talk's clock, agenda position or teacher calls. */
export type PlanChange = "assessment" | "comments" | "status" | "talk";
/** What changed for one person wherever they are in the app: "calls" = a pupil called them (or
 * a call they were told of was answered). */
export type PersonChange = "calls";

/**
 * Tells open views of a plan that something stored in SQL changed (an assessment, a comment).
 * Events carry no content: each view reloads through its own loader, so what a person may see is
 * decided in one place. In-process for now; several server processes would relay these through
 * Redis pub/sub under the same interface.
 */
export class ChangeBus<Change extends string> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open view of a plan; a busy talk evening has hundreds.
    this.emitter.setMaxListeners(0);
  }

  publish(key: string, change: Change): void {
    this.emitter.emit(key, change);
  }

  subscribe(key: string, listener: (change: Change) => void): () => void {
    this.emitter.on(key, listener);
    return () => this.emitter.off(key, listener);
  }

  listenerCount(): number {
    return this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
  }
}

/** Keyed by plan id. */
export class PlanEvents extends ChangeBus<PlanChange> {}
/** Keyed by person id. */
export class PersonEvents extends ChangeBus<PersonChange> {}

/** A session ended: signed out, replaced at sign-in, revoked or expired. */
export type SessionChange = "ended";
/** What a person may do with a pupil's data may have changed (consent, custody, duties, a lock). */
export type AccessChange = "changed";

/**
 * Keyed by session id. Whatever was opened with a session (collaboration sockets, event streams)
 * listens here and ends when the session does. In-process now; with several server processes
 * this is a Redis channel like the others.
 */
export class SessionEvents extends ChangeBus<SessionChange> {}
/**
 * Keyed by pupil id. Open sockets and event streams of that pupil's plans re-decide their rights
 * when told; whoever changes a relation to a pupil (consent, a roster import) publishes here.
 */
export class AccessEvents extends ChangeBus<AccessChange> {}
