import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every message received so far, oldest first. */
  received: ReceivedMail[];
  /** The most messages that were being received at the same time (over separate connections). */
  readonly mostAtOnce: number;
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server, the nodemailer project's) as the tests and tools need it: no
 * login or TLS, quiet, with the handlers given. A client that goes away mid-session (the app's
 * process killed with its kept-open connection) is the app's business, not an error of the test.
 */
export function testSmtpServer(handlers: Pick<SMTPServerOptions, "onRcptTo" | "onData"> = {}): SMTPServer {
  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS"], logger: false, ...handlers });
  smtp.on("error", () => {});
  return smtp;
}

/**
 * A real SMTP server on a free local port that keeps what it receives, so tests can read the
 * mails the app sends through SMTP_URL.
 */
export async function startTestSmtp(options: { holdFirstUntilAnother?: boolean } = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let receiving = 0;
  let mostAtOnce = 0;
  let anotherArrived: () => void = () => {};
  const another = new Promise<void>((resolve) => (anotherArrived = resolve));
  const smtp = testSmtpServer({
    onData(stream, session, callback) {
      receiving++;
      mostAtOnce = Math.max(mostAtOnce, receiving);
      if (receiving > 1) anotherArrived();
      // With holdFirstUntilAnother, the first message is answered only once a second one is being
      // received (or after 5 s): a sender that waits for each answer never gets there.
      const first = received.length === 0 && mostAtOnce === 1;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const answer = () => {
          receiving--;
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        };
        if (options.holdFirstUntilAnother && first) void Promise.race([another, new Promise((resolve) => setTimeout(resolve, 5_000))]).then(answer);
        else answer();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get mostAtOnce() {
      return mostAtOnce;
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
