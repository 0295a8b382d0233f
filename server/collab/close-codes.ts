/**
 * Websocket close codes of /collab (4000–4999 are ours). The client shows a message for each
 * and does not reconnect for the final ones.
 */
export const CloseCode = {
  /** A message could not be decoded or is not part of the protocol. */
  Malformed: 4400,
  /** A read-only connection sent a document change. Final. */
  ReadOnly: 4403,
  /** The person's rights on the plan changed (consent withdrawn, plan locked); reconnect to get the new ones. */
  AccessChanged: 4409,
  /** The plan has been locked for signing: nothing more is accepted. Final. */
  PlanLocked: 4423,
  /** The plan could not be stored; reconnect and the client resends what is missing. */
  StorageFailed: 4500,
  /** The server is shutting down; reconnect shortly. */
  GoingAway: 1001,
  /** ws closes with this itself when a message is larger than maxPayload. */
  TooLarge: 1009,
} as const;
