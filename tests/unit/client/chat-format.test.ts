import { describe, expect, it } from 'vitest';
import { formatMessage, plainText, snippetParts } from '../../../client/src/lib/features/chat/message-format.js';

describe('message text formatting', () => {
  it('makes http(s) links, **bold**, *italic*, _italic_ and `code` segments; the rest stays text', () => {
    expect(formatMessage('See https://example.com/a?b=1. **Now** *please* _or_ `x * y`')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. ' },
      { kind: 'bold', text: 'Now' },
      { kind: 'text', text: ' ' },
      { kind: 'italic', text: 'please' },
      { kind: 'text', text: ' ' },
      { kind: 'italic', text: 'or' },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'x * y' },
    ]);
  });

  it('never makes markup or script links: tags stay text, javascript: is not a link, snake_case is not italic', () => {
    const segments = formatMessage('<img src=x onerror=alert(1)> javascript:alert(1) my_var_name');
    expect(segments).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)> javascript:alert(1) my_var_name' }]);
  });

  it('splits search snippets into highlighted runs', () => {
    expect(snippetParts('Завтра \u0002контрольная\u0003 по')).toEqual([
      { text: 'Завтра ', hit: false },
      { text: 'контрольная', hit: true },
      { text: ' по', hit: false },
    ]);
  });

  it('gives a list preview as plain text: the Markdown marks go, the words and links stay', () => {
    expect(plainText('**Важно**: завтра контрольная, _повторите_ `past simple`. https://example.com/hw')).toBe('Важно: завтра контрольная, повторите past simple. https://example.com/hw');
    expect(plainText('2 * 3 = 6, snake_case')).toBe('2 * 3 = 6, snake_case');
  });
});
