import type { EntityManager } from '@mikro-orm/postgresql';
import type { AttachmentDto } from '@tp/shared';
import type { Orm } from '../../infra/db.js';

type Row = Record<string, unknown>;

export interface AttachmentRow extends Omit<AttachmentDto, 'thumbnail'> {
  chatId: string;
  uploaderId: string;
  messageId: string | null;
  storageKey: string;
  /** The image's preview in the storage, if it is an image. */
  thumbKey: string | null;
}

const toRow = (row: Row): AttachmentRow => ({
  id: String(row.id),
  chatId: String(row.chat_id),
  uploaderId: String(row.uploader_id),
  messageId: (row.message_id as string | null) ?? null,
  name: String(row.name),
  size: Number(row.size),
  mime: String(row.mime),
  storageKey: String(row.storage_key),
  thumbKey: (row.thumb_key as string | null) ?? null,
});
export const toDto = (row: AttachmentRow): AttachmentDto => ({ id: row.id, name: row.name, size: row.size, mime: row.mime, thumbnail: row.thumbKey !== null });

/** SQL of chat attachments. */
export class AttachmentsRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[]): Promise<Row[]> {
    const em = this.orm.em.fork() as EntityManager;
    return em.getConnection().execute(sql, params, 'all');
  }

  async insert(row: Omit<AttachmentRow, 'messageId'> & { at: Date }): Promise<void> {
    await this.run(
      `insert into chat_attachments (id, chat_id, uploader_id, name, size, mime, storage_key, thumb_key, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.chatId, row.uploaderId, row.name, row.size, row.mime, row.storageKey, row.thumbKey, row.at],
    );
  }

  async find(id: string): Promise<AttachmentRow | null> {
    const rows = await this.run(`select * from chat_attachments where id = ?`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** How many of `ids` the uploader may still put on a message in this chat. */
  async countUsable(ids: string[], uploaderId: string, chatId: string): Promise<number> {
    const rows = await this.run(`select count(*)::int as n from chat_attachments where id in (?) and uploader_id = ? and chat_id = ? and message_id is null`, [ids, uploaderId, chatId]);
    return Number(rows[0]!.n);
  }

  async attach(ids: string[], uploaderId: string, chatId: string, messageId: string): Promise<AttachmentRow[]> {
    const rows = await this.run(
      `update chat_attachments set message_id = ? where id in (?) and uploader_id = ? and chat_id = ? and message_id is null returning *`,
      [messageId, ids, uploaderId, chatId],
    );
    return rows.map(toRow);
  }

  async forMessages(messageIds: string[]): Promise<Map<string, AttachmentDto[]>> {
    const byMessage = new Map<string, AttachmentDto[]>();
    if (!messageIds.length) return byMessage;
    const rows = await this.run(`select * from chat_attachments where message_id in (?) order by created_at, id`, [messageIds]);
    for (const row of rows.map(toRow)) byMessage.set(row.messageId!, [...(byMessage.get(row.messageId!) ?? []), toDto(row)]);
    return byMessage;
  }
}
