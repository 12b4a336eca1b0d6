// One JSON line per event on stderr, which systemd puts in the journal. Synchronous writes: a
// daemon that exits right after logging why must not lose that line in a buffer.
import pino from 'pino';
import type { LogLevel } from './config/schema.js';

export type Logger = pino.Logger;

export function createLogger(level: LogLevel | 'silent' = 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
