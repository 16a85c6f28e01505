import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

/** `auto`: readable lines when stdout is a terminal (outside production), JSON otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';

type PrettyFactory = (options: Record<string, unknown>) => NodeJS.WritableStream;

/** pino-pretty, when installed (a production install without it still logs JSON). */
function prettyStream(destination?: NodeJS.WritableStream): NodeJS.WritableStream | undefined {
  try {
    const factory = createRequire(import.meta.url)('pino-pretty') as PrettyFactory | { default: PrettyFactory };
    const create = typeof factory === 'function' ? factory : factory.default;
    // A stream in this thread (no transport worker): lines come out in order with the process's other output.
    return create({
      colorize: !destination && Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      sync: true,
      ...(destination ? { destination } : {}),
    });
  } catch {
    return undefined;
  }
}

/** Whether to print readable lines: never in production; `pretty` or a terminal otherwise. */
export function wantsPretty(format: LogFormat, env: string, isTTY = Boolean(process.stdout.isTTY)): boolean {
  if (env === 'production') return false;
  return format === 'pretty' || (format === 'auto' && isTTY);
}

/**
 * Structured logger: JSON lines (production, files, tests) or readable lines at a terminal.
 * Free text of a referral never goes into a log line; the redact list is a second line of
 * defence for fields that could carry personal data by mistake, and applies to both formats.
 * Output goes to `destination` (default stdout), as JSON unless `pretty`.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, pretty = false): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'schakel' },
    redact: {
      paths: ['*.name', '*.email', '*.phone', '*.address', '*.text', '*.answers', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  };
  const stream = (pretty ? prettyStream(destination) : undefined) ?? destination;
  return stream ? pino(options, stream as pino.DestinationStream) : pino(options);
}
