import { randomUUID } from 'node:crypto';
import { LIMITS, type AttachmentDto, type AttachmentLinkDto } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import { randomToken } from '../../infra/crypto.js';
import { createStorage, type FileStorage, type StoredFile } from '../../infra/storage.js';
import { AttachmentsRepository, toDto } from './attachments.repository.js';
import type { Actor } from './chat.service.js';
import { sniff } from './sniff.js';
import { makeThumbnail, THUMBNAIL_MIME } from './thumbnail.js';

/** What a sealed file link names: the attachment, which of its files, and until when. */
interface LinkClaim {
  id: string;
  /** The preview rather than the original. */
  thumb?: true;
  exp: number;
}

/** Checks that the actor is in the chat now (the chat service's rule), throwing as it does. */
export type MembershipCheck = (actor: Actor, chatId: string) => Promise<unknown>;

/**
 * Files in chats: uploaded by a member into a chat (type sniffed from the content, ≤ 20 MB), kept in
 * the storage, handed out as signed links that expire, and only to the chat's members.
 */
export class AttachmentsService {
  readonly repo: AttachmentsRepository;
  private readonly storage: FileStorage;

  constructor(
    private readonly infra: Pick<Infra, 'orm' | 'clock' | 'secretBox' | 'env'>,
    private readonly member: MembershipCheck,
    storage?: FileStorage,
  ) {
    this.repo = new AttachmentsRepository(infra.orm);
    this.storage = storage ?? createStorage(infra.env);
  }

  async upload(actor: Actor, chatId: string, name: string, data: Buffer): Promise<AttachmentDto> {
    await this.member(actor, chatId);
    if (!data.length) throw new AppError('request/invalid', 'The file is empty', { fields: { file: 'empty' } });
    if (data.length > LIMITS.chat.attachmentBytes) throw new AppError('request/too-large', 'Files are limited to 20 MB');
    const type = sniff(data);
    if (!type) throw new AppError('attachment/refused', 'Only images, PDF and office documents can be attached');
    // Made before anything is stored, so a refused image (a decompression bomb) leaves nothing behind.
    const thumbnail = type.image ? await makeThumbnail(data) : null;
    const id = randomUUID();
    const storageKey = randomToken(24);
    // The preview sits next to the original under a key derived from it.
    const thumbKey = thumbnail ? `${storageKey}-thumb` : null;
    const row = { id, chatId, uploaderId: actor.userId, name: cleanName(name), size: data.length, mime: type.mime, storageKey, thumbKey };
    try {
      await this.storage.put(storageKey, data);
      if (thumbnail && thumbKey) await this.storage.put(thumbKey, thumbnail);
      await this.repo.insert({ ...row, at: this.infra.clock.now() });
    } catch (error) {
      // Nothing half-written: files no row names would never be read or deleted.
      await Promise.all([storageKey, thumbKey].map((key) => key && this.storage.remove(key).catch(() => undefined)));
      throw error;
    }
    return toDto({ ...row, messageId: null });
  }

  /** Links to the file (and its preview) for a member of its chat; they work for LIMITS.chat.fileLinkMinutes. */
  async link(actor: Actor, attachmentId: string): Promise<AttachmentLinkDto> {
    const row = await this.repo.find(attachmentId);
    if (!row) throw new AppError('attachment/not-found', 'No such file');
    await this.member(actor, row.chatId).catch(() => {
      throw new AppError('attachment/not-found', 'No such file');
    });
    const expiresAt = this.infra.clock.now().getTime() + LIMITS.chat.fileLinkMinutes * 60_000;
    const seal = (claim: LinkClaim) => `/api/files/${Buffer.from(this.infra.secretBox.seal(JSON.stringify(claim))).toString('base64url')}`;
    return {
      url: seal({ id: row.id, exp: expiresAt }),
      thumbnailUrl: row.thumbKey ? seal({ id: row.id, thumb: true, exp: expiresAt }) : null,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /** The file behind a signed link, if the link is genuine and not expired. */
  async open(token: string): Promise<StoredFile & { mime: string; name: string }> {
    let claim: Partial<Record<keyof LinkClaim, unknown>>;
    try {
      claim = JSON.parse(this.infra.secretBox.open(Buffer.from(token, 'base64url').toString())) as typeof claim;
    } catch {
      throw new AppError('attachment/not-found', 'This link is not valid');
    }
    if (typeof claim.id !== 'string' || typeof claim.exp !== 'number' || claim.exp < this.infra.clock.now().getTime()) {
      throw new AppError('attachment/not-found', 'This link has expired');
    }
    const row = await this.repo.find(claim.id);
    const key = claim.thumb === true ? row?.thumbKey : row?.storageKey;
    const file = row && key && (await this.storage.read(key));
    if (!row || !file) throw new AppError('attachment/not-found', 'No such file');
    if (claim.thumb === true) return { ...file, mime: THUMBNAIL_MIME, name: `${row.name.replace(/\.[^.]*$/, '')}-preview.webp` };
    return { ...file, mime: row.mime, name: row.name };
  }

  /** Refuses ids the sender did not upload into this chat or already used. */
  async checkUsable(actor: Actor, chatId: string, ids: string[]): Promise<void> {
    if (ids.length && (await this.repo.countUsable(ids, actor.userId, chatId)) !== new Set(ids).size) {
      throw new AppError('attachment/not-found', 'An attachment is missing or already sent');
    }
  }
}

/** A file name safe to show and to put in a header: no paths, no control characters, bounded. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean || 'file';
}
