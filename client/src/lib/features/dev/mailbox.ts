import { http } from '$lib/api/http.js';

export interface DevMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: string | null;
}

type RawMail = { id?: unknown; to?: unknown; subject?: unknown; text?: unknown; body?: unknown; html?: unknown; sentAt?: unknown; at?: unknown; date?: unknown; createdAt?: unknown };

/** Mail the local server "sent" (`GET /api/dev/mailbox`, development only), newest first. */
export async function loadMailbox(): Promise<DevMail[]> {
  const body = await http.get<RawMail[] | { messages?: RawMail[]; items?: RawMail[] }>('/api/dev/mailbox');
  const list = Array.isArray(body) ? body : (body.messages ?? body.items ?? []);
  const mails = list.map((raw, index) => ({
    id: String(raw.id ?? index),
    to: Array.isArray(raw.to) ? raw.to.join(', ') : String(raw.to ?? ''),
    subject: String(raw.subject ?? ''),
    text: String(raw.text ?? raw.body ?? stripTags(String(raw.html ?? ''))),
    sentAt: [raw.sentAt, raw.at, raw.date, raw.createdAt].find((v): v is string => typeof v === 'string') ?? null,
  }));
  return mails.sort((a, b) => (b.sentAt ?? '').localeCompare(a.sentAt ?? ''));
}

/** Splits text into plain parts and links; links to our own pages stay on this origin. */
export function linkify(text: string): Array<{ text: string; href?: string }> {
  const parts: Array<{ text: string; href?: string }> = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')]+/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], href: localHref(match[0]) });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

function localHref(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname.startsWith('/api/') ? url : `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function stripTags(html: string): string {
  return html.replace(/<a [^>]*href="([^"]+)"[^>]*>/g, ' $1 ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}
