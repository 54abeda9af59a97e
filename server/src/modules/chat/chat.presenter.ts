import type { AttachmentDto, ChatDto, ChatMessageDto } from '@tp/shared';
import type { ChatListRow, MessageRow, Person } from './chat.repository.js';

export const fullName = (person: Pick<Person, 'firstName' | 'lastName'>) => `${person.firstName} ${person.lastName}`.trim();
const presentPerson = (person: Person) => ({ id: person.id, name: fullName(person), role: person.role });

export function presentMessage(row: MessageRow, attachments: AttachmentDto[] = []): ChatMessageDto {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    chatId: row.chatId,
    seq: row.seq,
    clientId: row.clientId,
    sender: presentPerson(row.sender),
    text: deleted ? '' : row.text,
    replyTo: row.replyTo
      ? { id: row.replyTo.id, seq: row.replyTo.seq, senderName: row.replyTo.senderName, text: row.replyTo.deleted ? '' : row.replyTo.text.slice(0, 200), deleted: row.replyTo.deleted }
      : null,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deleted,
    attachments: deleted ? [] : attachments,
  };
}

export function presentChat(row: ChatListRow, extra: { lastMessage: MessageRow | null; canSend: boolean; canModerate: boolean }): ChatDto {
  return {
    id: row.id,
    kind: row.kind,
    title: row.kind === 'group' ? (row.groupName ?? '') : row.peer ? fullName(row.peer) : '',
    unread: row.unread,
    lastMessage: extra.lastMessage ? presentMessage(extra.lastMessage) : null,
    lastSeq: row.lastSeq,
    lastReadSeq: row.lastReadSeq,
    groupId: row.groupId,
    peer: row.peer ? presentPerson(row.peer) : null,
    peerReadSeq: row.kind === 'direct' ? (row.peerReadSeq ?? 0) : null,
    canSend: extra.canSend,
    canModerate: extra.canModerate,
  };
}
