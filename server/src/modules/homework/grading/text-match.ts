/** How a typed answer is compared with an accepted one (Moodle's short answer, plus our normalisation). */
export interface TextMatchOptions {
  caseSensitive: boolean;
  /** `ё` counts as `е` (Russian texts often drop the dots). */
  yoAsYe: boolean;
}

/** Trimmed, inner whitespace collapsed to one space, NFC; optionally lower-cased and ё → е. */
export function normaliseText(value: string, options: TextMatchOptions): string {
  let text = value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (options.yoAsYe) text = text.replace(/ё/g, 'е').replace(/Ё/g, 'Е');
  return options.caseSensitive ? text : text.toLowerCase();
}

const patternCache = new Map<string, RegExp>();

/** `*` matches any run of characters (even none); `\*` is a literal star; everything else is literal. */
export function wildcardPattern(accepted: string, options: TextMatchOptions): RegExp {
  const key = `${options.caseSensitive ? 1 : 0}${options.yoAsYe ? 1 : 0}${accepted}`;
  const cached = patternCache.get(key);
  if (cached) return cached;
  const text = normaliseText(accepted, options);
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && text[i + 1] === '*') {
      source += '\\*';
      i++;
    } else if (char === '*') source += '.*';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const pattern = new RegExp(`^${source}$`, 'su');
  if (patternCache.size > 5_000) patternCache.clear();
  patternCache.set(key, pattern);
  return pattern;
}

/** Index of the first accepted answer the text matches, or -1; an empty answer matches nothing. */
export function firstTextMatch(typed: string, accepted: Array<{ text: string }>, options: TextMatchOptions): number {
  const text = normaliseText(typed, options);
  if (!text) return -1;
  return accepted.findIndex((answer) => wildcardPattern(answer.text, options).test(text));
}
