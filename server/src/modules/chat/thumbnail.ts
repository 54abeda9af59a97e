import sharp from 'sharp';
import { LIMITS } from '@tp/shared';
import { AppError } from '../../infra/errors.js';

export const THUMBNAIL_MIME = 'image/webp';

// Every upload is a new image: libvips' operation cache would only hold memory, never be hit.
sharp.cache(false);

/**
 * A small WebP preview of an uploaded image (the longer side at most LIMITS.chat.thumbnailPx), turned
 * upright by its EXIF orientation. An image that would decode to more than LIMITS.chat.imagePixels
 * (a decompression bomb: a few kilobytes that unpack to gigabytes) or that does not decode at all is
 * refused. Only the first frame of an animation is used. Runs on libvips' own threads.
 */
export async function makeThumbnail(data: Buffer): Promise<Buffer> {
  try {
    return await sharp(data, { limitInputPixels: LIMITS.chat.imagePixels, failOn: 'error', animated: false })
      .rotate()
      .resize(LIMITS.chat.thumbnailPx, LIMITS.chat.thumbnailPx, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) throw new AppError('attachment/refused', 'This image is too large to open (over 40 megapixels)');
    throw new AppError('attachment/refused', 'This image is damaged or not really an image');
  }
}
