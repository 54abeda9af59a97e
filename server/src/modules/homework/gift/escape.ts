/** GIFT's special characters; a backslash makes them literal. */
const SPECIAL = ['~', '=', '#', '{', '}', ':', '\\'];
const BASE = 0xe000;

/** Replaces `\x` escapes with private-use characters so the grammar can split on the bare ones. */
export function hideEscapes(text: string): string {
  return text.replace(/\\(.)/gs, (whole, char: string) => {
    if (char === 'n') return '\n';
    const index = SPECIAL.indexOf(char);
    return index < 0 ? whole : String.fromCharCode(BASE + index);
  });
}

/** Turns hidden escapes back into the characters they stand for. */
export function revealEscapes(text: string): string {
  return text.replace(/[\ue000-\ue006]/g, (char) => SPECIAL[char.charCodeAt(0) - BASE]);
}

/** Escapes text for writing into a GIFT file. */
export function escapeGift(text: string): string {
  return text.replace(/[~=#{}:\\]/g, (char) => `\\${char}`).replace(/\r?\n/g, '\\n');
}
