import nodemailer from 'nodemailer';

export interface SmtpSettings {
  host: string;
  port: number;
  /** `tls`: TLS from the first byte (port 465); `starttls`: upgrade required; `none`: plain text. */
  security: 'tls' | 'starttls' | 'none';
  username: string | null;
  password: string | null;
  /** False accepts self-signed server certificates. */
  rejectUnauthorized: boolean;
  timeoutMs: number;
}

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface MailResult {
  ok: boolean;
  /** The server's final reply or the error. */
  detail: string;
  durationMs: number;
}

/** Sends mail. Alerts depend on this interface; unit tests pass a fake. */
export interface MailSender {
  send(smtp: SmtpSettings, message: MailMessage): Promise<MailResult>;
}

/** The real sender: one SMTP connection per message through nodemailer (alerts are rare). */
export class SmtpMailSender implements MailSender {
  async send(smtp: SmtpSettings, message: MailMessage): Promise<MailResult> {
    const started = performance.now();
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      ignoreTLS: smtp.security === 'none',
      auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
      tls: { rejectUnauthorized: smtp.rejectUnauthorized },
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
    });
    try {
      const info = await transport.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text });
      return { ok: true, detail: String(info.response ?? 'accepted').slice(0, 500), durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      return { ok: false, detail: (err as Error).message.slice(0, 500), durationMs: Math.round(performance.now() - started) };
    } finally {
      transport.close();
    }
  }
}
