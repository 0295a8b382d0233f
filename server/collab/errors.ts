import { CloseCode } from "../../app/shared/collab-protocol";

/**
 * Something a client sent that ends its connection: the connection is let go of at once and
 * closed with `code`. The message says what was wrong, never what the client wrote.
 */
export class Refusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Not part of the protocol, or not of the shape the protocol and the document allow (4400). */
export class ProtocolError extends Refusal {
  constructor(message: string) {
    super(CloseCode.Malformed, message);
  }
}

/** A document change from a connection that may only read (4403). */
export class ReadOnlyViolation extends Refusal {
  constructor() {
    super(CloseCode.ReadOnly, "read-only: changes are not accepted");
  }
}

/** A document change after the plan was locked for signing (4423). */
export class PlanLockedViolation extends Refusal {
  constructor() {
    super(CloseCode.PlanLocked, "the plan is locked");
  }
}

/** More awareness client ids, or a larger state, than a tab of the app uses (4429). */
export class PresenceLimitExceeded extends Refusal {
  constructor(message: string) {
    super(CloseCode.PresenceLimit, message);
  }
}
