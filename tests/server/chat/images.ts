import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A real JPEG, wide × high as stored, whose EXIF says to show it turned a quarter clockwise (orientation 6). */
export function sidewaysJpeg(wide: number, high: number): Promise<Buffer> {
  return sharp({ create: { width: wide, height: high, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 0, g: 120, b: 255, alpha: 1 } } }).png().toBuffer();
}

/**
 * A decompression bomb: a few bytes of PNG whose header claims `side` × `side` pixels (the header's
 * checksum made right, so only the size gives it away).
 */
export async function pngClaiming(side: number): Promise<Buffer> {
  const png = Buffer.from(await tinyPng());
  // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
  png.writeUInt32BE(side, 16);
  png.writeUInt32BE(side, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}
