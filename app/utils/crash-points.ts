/**
 * Named steps of locking, signing and unlocking a plan, and of telling families of talks, at which a test can make the server
 * process die (SIGKILL), to show that a crash anywhere leaves the whole step or none of it
 * (tests/integration/faults.test.ts). Only a server started with FAULT_INJECTION (never in
 * production) can be asked to; otherwise `reached` does nothing.
 */
export const crashPoints = [
  /** The live document refuses updates; nothing is stored yet. */
  "lock:frozen",
  /** Inside the lock's transaction: the record, the plan's status and the log row written, not committed. */
  "lock:recorded",
  /** The lock is committed; the document's compaction and the writers' closing are still to come. */
  "lock:committed",
  /** Inside a signature's transaction: the signature and log row written (and the plan marked signed, if it was the last), not committed. */
  "sign:recorded",
  /** The signature is committed; nobody has been told yet. */
  "sign:committed",
  /** Inside the unlock's transaction: the version voided and the plan a draft again, not committed. */
  "unlock:recorded",
  /** The unlock is committed; the live document still refuses updates. */
  "unlock:committed",
  /** Inside the transaction of a talk change families are told of (the invitations, a move, a correction): the change and its messages written, not committed. */
  "talk-mail:stored",
  /** Inside the transaction adding an interpreter (or making a new link) with the mail of the link: both written, not committed. */
  "guest-mail:stored",
] as const;

export type CrashPoint = (typeof crashPoints)[number];

export interface CrashPoints {
  /** The step `point` has been reached: the process dies here if a test asked it to. */
  reached(point: CrashPoint): void;
}
