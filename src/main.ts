import { ConfigError, loadConfig } from './config.js';
import { createLogger, wantsPretty } from './log.js';
import { startSchakel } from './app.js';

/** Process entry point: config, start, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, undefined, wantsPretty(config.logFormat, config.env));
  const schakel = await startSchakel(config, log);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: finishing in-flight turns');
    schakel.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: { message: (err as Error).message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    log.error({ err: { message: reason instanceof Error ? reason.message : String(reason) } }, 'unhandled rejection');
  });
}

void main();
