import { EventEmitter } from "node:events";

/** What changed in a plan outside its shared text; views reload what they may see. */
export type PlanChange = "assessment" | "comments" | "status";

/**
 * Tells open views of a plan that something stored in SQL changed (an assessment, a comment).
 * Events carry no content: each view reloads through its own loader, so what a person may see is
 * decided in one place. In-process for now; several server processes would relay these through
 * Redis pub/sub under the same interface.
 */
export class PlanEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open view of a plan; a busy talk evening has hundreds.
    this.emitter.setMaxListeners(0);
  }

  publish(planId: string, change: PlanChange): void {
    this.emitter.emit(planId, change);
  }

  subscribe(planId: string, listener: (change: PlanChange) => void): () => void {
    this.emitter.on(planId, listener);
    return () => this.emitter.off(planId, listener);
  }

  listenerCount(): number {
    return this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
  }
}
