import { en } from './en.js';
import { ru, type MessageKey } from './ru.js';

export type { MessageKey } from './ru.js';
export type Locale = 'ru' | 'en';
export const LOCALES: readonly Locale[] = ['ru', 'en'];

const STORAGE_KEY = 'tp_locale';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { ru, en };

function stored(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'ru' || value === 'en' ? value : null;
  } catch {
    return null;
  }
}

const state = $state<{ locale: Locale }>({ locale: stored() ?? 'ru' });
/** The signed-in user's profile timezone: every time on screen is shown in it (else the browser's). */
const display = $state<{ zone: string | undefined }>({ zone: undefined });

export function setDisplayTimezone(zone: string | undefined): void {
  display.zone = zone;
}

/** The current locale; reading it inside a template or `$derived` makes that code follow changes. */
export function locale(): Locale {
  return state.locale;
}

/** True when the visitor picked a language in this browser (that choice beats the profile's). */
export function hasStoredLocale(): boolean {
  return stored() !== null;
}

/** Switches the UI language and remembers it in this browser. */
export function setLocale(next: Locale, remember = true): void {
  state.locale = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }
}

/** Translates a key, filling `{param}` placeholders. Reactive to the locale. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[state.locale][key] ?? ru[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match)) : text;
}

/** Dates and times in the viewer's timezone and the UI language. */
export function formatDateTime(iso: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(state.locale === 'ru' ? 'ru-RU' : 'en-GB', { timeZone: display.zone, ...options }).format(Date.parse(iso));
}

if (typeof document !== 'undefined') document.documentElement.lang = state.locale;
