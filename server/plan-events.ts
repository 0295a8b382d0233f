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
  /** How many changes each key has had since the process started: a page compares the number it
   * loaded with the one its stream opens with, and reloads when a change fell in between. */
  private readonly sequences = new Map<string, number>();

  constructor() {
    // One listener per open view of a plan; a busy talk evening has hundreds.
    this.emitter.setMaxListeners(0);
  }

  publish(key: string, change: Change): void {
    this.sequences.set(key, (this.sequences.get(key) ?? 0) + 1);
    this.emitter.emit(key, change);
  }

  /** The number of changes published under the key so far. */
  sequence(key: string): number {
    return this.sequences.get(key) ?? 0;
  }

  subscribe(key: string, listener: (change: Change) => void): () => void {
    this.emitter.on(key, listener);
    return () => this.emitter.off(key, listener);
  }

  /** Whether anyone listens under the key (a person with a page of the app open). */
  hasListeners(key: string): boolean {
    return this.emitter.listenerCount(key) > 0;
  }

  listenerCount(): number {
    return this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
  }
}

/** Who hears of a change in a plan: everyone who may read it, or only the pupil's staff (a
 * staff-only comment thread — the others must not learn that something happened in one). */
export type PlanAudience = "everyone" | "staff";

const keyOf = (planId: string, audience: PlanAudience) => (audience === "staff" ? `staff:${planId}` : planId);

/** Keyed by plan id, per audience. */
export class PlanEvents extends ChangeBus<PlanChange> {
  override publish(planId: string, change: PlanChange, audience: PlanAudience = "everyone"): void {
    super.publish(keyOf(planId, audience), change);
  }

  /** Listens to the plan's changes for the given audiences (the plan policy decides which a reader hears). */
  override subscribe(planId: string, listener: (change: PlanChange) => void, audiences: PlanAudience[] = ["everyone"]): () => void {
    const unsubscribes = audiences.map((audience) => super.subscribe(keyOf(planId, audience), listener));
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }

  /** How many changes a reader hearing these audiences has been told of so far. */
  sequenceFor(planId: string, audiences: PlanAudience[]): number {
    return audiences.reduce((sum, audience) => sum + this.sequence(keyOf(planId, audience)), 0);
  }
}
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
