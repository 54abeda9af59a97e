/** One run of a message's text as it is shown: plain, bold, italic, code, or a link. */
export interface Segment {
  kind: 'text' | 'bold' | 'italic' | 'code' | 'link';
  text: string;
  href?: string;
}

// `code` first (nothing inside it is formatted), then links, **bold**, *italic* or _italic_.
const TOKEN = /`([^`\n]+)`|(https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]])|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|(?<![\p{L}\p{N}])_([^_\n]+)_(?![\p{L}\p{N}])/gu;

/**
 * Splits a message into segments for the page to render as elements — never as HTML, so nothing a
 * sender types can become markup. Only http(s) links are made clickable.
 */
export function formatMessage(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const at = match.index;
    if (at > last) segments.push({ kind: 'text', text: text.slice(last, at) });
    const [, code, link, bold, italic, underscored] = match;
    if (code !== undefined) segments.push({ kind: 'code', text: code });
    else if (link !== undefined) segments.push({ kind: 'link', text: link, href: link });
    else if (bold !== undefined) segments.push({ kind: 'bold', text: bold });
    else segments.push({ kind: 'italic', text: (italic ?? underscored)! });
    last = at + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** A message as plain text (a list preview): the Markdown marks dropped, links kept as written. */
export function plainText(text: string): string {
  return formatMessage(text)
    .map((segment) => segment.text)
    .join('');
}

/** A file's size as people read it: KB below a megabyte, MB with one decimal above. */
export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A search snippet's highlighted runs (the server marks them with \u0002 … \u0003). */
const [HIT_START, HIT_END] = [String.fromCharCode(2), String.fromCharCode(3)];
const HIT = new RegExp(`(${HIT_START}[^${HIT_END}]*${HIT_END})`);

export function snippetParts(snippet: string): Array<{ text: string; hit: boolean }> {
  return snippet
    .split(HIT)
    .filter(Boolean)
    .map((part) => (part.startsWith(HIT_START) ? { text: part.slice(1, -1), hit: true } : { text: part, hit: false }));
}

/** The calendar day of an instant in a zone, for the separators between days. */
export function dayKey(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.parse(iso));
}
