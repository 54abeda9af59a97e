/**
 * The type of an uploaded file from its first bytes, never from its name or the browser's word.
 * Only these types are accepted; anything else (executables, HTML, SVG with scripts, archives) is refused.
 */
export interface Sniffed {
  mime: string;
  /** Shown inline in the conversation (with a thumbnail) rather than as a card. */
  image: boolean;
}

const startsWith = (data: Buffer, bytes: number[], offset = 0) => bytes.every((b, i) => data[offset + i] === b);

export function sniff(data: Buffer): Sniffed | null {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', image: true };
  if (startsWith(data, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', image: true };
  if (startsWith(data, [0x47, 0x49, 0x46, 0x38])) return { mime: 'image/gif', image: true };
  if (startsWith(data, [0x52, 0x49, 0x46, 0x46]) && startsWith(data, [0x57, 0x45, 0x42, 0x50], 8)) return { mime: 'image/webp', image: true };
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: 'application/pdf', image: false };
  // Office files of 1997–2003 (compound file binary).
  if (startsWith(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { mime: 'application/x-ole-storage', image: false };
  // Office Open XML and OpenDocument are ZIP files that name their content inside.
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) {
    const head = data.subarray(0, Math.min(data.length, 64 * 1024)).toString('latin1');
    if (head.includes('word/')) return { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', image: false };
    if (head.includes('xl/')) return { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', image: false };
    if (head.includes('ppt/')) return { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', image: false };
    const odf = /mimetypeapplication\/vnd\.oasis\.opendocument\.(text|spreadsheet|presentation)/.exec(head);
    if (odf) return { mime: `application/vnd.oasis.opendocument.${odf[1]}`, image: false };
  }
  return null;
}
