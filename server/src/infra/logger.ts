import { pino, type Logger } from 'pino';

export type { Logger };

const pad = (value: number, width = 2) => String(Math.trunc(value)).padStart(width, '0');

/** The local time with its UTC offset (2026-12-02T03:05:00.123+03:00), so every log line says its zone. */
export function localIsoTime(date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return `${day}T${time}${sign}${pad(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`;
}

export function createLogger(level: string, name = 'teaching-panel'): Logger {
  return pino({
    name,
    level,
    timestamp: () => `,"time":"${localIsoTime()}"`,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.clientSecret', '*.credentials'],
      censor: '[redacted]',
    },
  });
}
