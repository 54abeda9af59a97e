import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/** Our own instance, so no other code's `marked.use()` changes how homework renders. */
const parser = new Marked({ gfm: true, breaks: true, async: false });

/** Tags a teacher's Markdown may produce; anything else (script, iframe, style, forms, images with handlers) is dropped. */
const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img'];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'start', 'align'];

let hooked = false;
function hookLinks(): void {
  if (hooked) return;
  hooked = true;
  // Links open in a new tab and cannot reach back into ours.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/**
 * A teacher's Markdown as safe HTML: raw HTML in the source is parsed by marked and then stripped by
 * DOMPurify to a small allow-list (no scripts, handlers, `javascript:` URLs or styles).
 */
export function renderMarkdown(source: string): string {
  if (!source.trim()) return '';
  hookLinks();
  const html = parser.parse(source) as string;
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/|#)/i });
}
