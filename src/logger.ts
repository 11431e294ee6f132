import { inspect } from 'node:util';
import type { Logger, LogLevel } from '@slack/bolt';
import { systemClock } from './clock.js';
import type { LogLevelName } from './config.js';

const ORDER: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Slack tokens look like xoxb-…, xoxp-…, xapp-…; they must never reach a log line, whatever
// object a library hands us.
const TOKEN_PATTERN = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+/g;

export function redact(text: string): string {
  return text.replace(TOKEN_PATTERN, '$1-[redacted]');
}

function render(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.stack ?? `${part.name}: ${part.message}`;
  return inspect(part, { depth: 4, breakLength: Infinity });
}

export interface AppLogger extends Logger {
  /** A logger for a part of the app; `atLeast` raises its level (never lowers it). */
  child(name: string, atLeast?: LogLevelName): AppLogger;
}

/**
 * A small console logger that satisfies Bolt's Logger interface, so Bolt and the app share one
 * output, one level and one redaction rule.
 */
export function createLogger(
  level: LogLevelName,
  name = 'alliance',
  write: (line: string, isError: boolean) => void = defaultWrite,
): AppLogger {
  let current: LogLevelName = level;
  let label = name;
  const emit = (at: LogLevelName, parts: unknown[]) => {
    if (ORDER[at] < ORDER[current]) return;
    const line =
      `${systemClock.now().toISOString()} ${at.toUpperCase().padEnd(5)} [${label}] ` + `${parts.map(render).join(' ')}`;
    write(redact(line), ORDER[at] >= ORDER.warn);
  };
  return {
    debug: (...msg: unknown[]) => emit('debug', msg),
    info: (...msg: unknown[]) => emit('info', msg),
    warn: (...msg: unknown[]) => emit('warn', msg),
    error: (...msg: unknown[]) => emit('error', msg),
    setLevel: (next: LogLevel) => {
      current = next as LogLevelName;
    },
    getLevel: () => current as LogLevel,
    setName: (next: string) => {
      label = next;
    },
    child: (childName: string, atLeast?: LogLevelName) =>
      createLogger(atLeast && ORDER[atLeast] > ORDER[current] ? atLeast : current, `${label}:${childName}`, write),
  };
}

function defaultWrite(line: string, isError: boolean): void {
  if (isError) process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
