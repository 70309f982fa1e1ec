import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

/** JSON lines on stdout, one object per event; pipe through `pino-pretty` to read them by eye. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
