// E-mail over SMTP with nodemailer: `smtp://user:pass@host:587` (STARTTLS when the server
// offers it) or `smtps://…:465`. The URL holds the credentials: it comes from the
// configuration, never from a notebook, and is never logged.
import nodemailer from "nodemailer";
import type { MailMessage } from "./deliver";

export interface SmtpOptions {
  url: string;
  from: string;
  /** Refuse a server whose certificate does not verify (default true; false for a loopback test server). */
  verifyTls?: boolean;
}

export function smtpSender(options: SmtpOptions): (message: MailMessage) => Promise<void> {
  const transport = nodemailer.createTransport(options.url, { tls: { rejectUnauthorized: options.verifyTls ?? true }, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return async (message) => {
    await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
  };
}
