import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logger. Free text of a referral never goes into a log line; the redact list
 * is a second line of defence for fields that could carry personal data by mistake.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
      level,
      base: { service: 'schakel' },
      redact: {
        paths: ['*.name', '*.email', '*.phone', '*.address', '*.text', '*.answers', 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
