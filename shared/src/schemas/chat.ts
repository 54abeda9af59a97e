import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { text, uuid } from './common.js';

export const CHAT_KINDS = ['group', 'direct'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

/** A message's position in its chat: the server numbers each chat's messages 1, 2, 3, … */
const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const messageText = text(LIMITS.chat.messageChars);
/** The sender's own id for a message, so a retried send finds the first one instead of making a second. */
const clientId = text(LIMITS.chat.clientIdChars, { trim: false }).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

export const chatParams = z.strictObject({ id: uuid });
export const chatMessageParams = z.strictObject({ id: uuid, messageId: uuid });

/**
 * `GET /api/chats/:id/messages`: newest page by default; `before` pages back, `after` catches up, `around`
 * is the page with that message in its middle (a search result shown in context). All by seq.
 */
export const chatHistoryQuery = z
  .strictObject({
    before: seq.optional(),
    after: seq.optional(),
    around: seq.optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.chat.page.max).default(LIMITS.chat.page.default),
  })
  .refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, { message: 'give one of before, after and around', path: ['before'] });

/** `GET /api/chats/search?q=&chatId=`: full-text search in one chat or across the caller's chats. */
export const chatSearchQuery = z.strictObject({ q: text(LIMITS.chat.queryChars), chatId: uuid.optional() });

/** `POST /api/chats/direct`: open (or find) the 1:1 chat with someone. */
export const openDirectChatBody = z.strictObject({ userId: uuid });
export const editMessageBody = z.strictObject({ text: messageText });
/** `PUT /api/groups/:id/chat-settings`: the group's teacher allows or forbids students' 1:1 chats. */
export const groupChatSettingsBody = z.strictObject({ studentsDirect: z.boolean() });
export const groupChatSettingsParams = z.strictObject({ id: uuid });

/** Socket `chat:send`. */
export const chatSendPayload = z
  .strictObject({
    chatId: uuid,
    clientId,
    /** May be empty when the message carries attachments. */
    text: text(LIMITS.chat.messageChars, { min: 0 }),
    replyTo: uuid.optional(),
    attachmentIds: z.array(uuid).max(LIMITS.chat.attachmentsPerMessage).optional(),
  })
  .refine((m) => m.text.length > 0 || (m.attachmentIds?.length ?? 0) > 0, { message: 'must not be empty', path: ['text'] });
export type ChatSendPayload = z.infer<typeof chatSendPayload>;
/** Socket `chat:read`: the member saw everything up to `seq`. */
export const chatReadPayload = z.strictObject({ chatId: uuid, seq });
/** Socket `chat:typing`. */
export const chatTypingPayload = z.strictObject({ chatId: uuid });
/** Socket `chat:edit` / `chat:delete`. */
export const chatEditPayload = z.strictObject({ chatId: uuid, messageId: uuid, text: messageText });
export const chatDeletePayload = z.strictObject({ chatId: uuid, messageId: uuid });

/** `POST /api/attachments?chatId=` (multipart, one file in `file`). */
export const uploadAttachmentQuery = z.strictObject({ chatId: uuid });
export const attachmentParams = z.strictObject({ id: uuid });
export const fileTokenParams = z.strictObject({ token: text(2000, { min: 10, trim: false }) });
export const attachmentDto = z.object({
  id: uuid,
  name: z.string(),
  size: z.number().int(),
  mime: z.string(),
  /** An image with a small preview (the link carries `thumbnailUrl`). */
  thumbnail: z.boolean(),
});
export type AttachmentDto = z.infer<typeof attachmentDto>;
/** A signed link to the file, working for a while for whoever holds it. */
export const attachmentLinkDto = z.object({ url: z.string(), thumbnailUrl: z.string().nullable(), expiresAt: z.string() });
export type AttachmentLinkDto = z.infer<typeof attachmentLinkDto>;

const person = z.object({ id: uuid, name: z.string(), role: z.enum(['student', 'teacher', 'admin']) });

export const chatMessageDto = z.object({
  id: uuid,
  chatId: uuid,
  seq: z.number().int(),
  clientId: z.string(),
  sender: person,
  /** Empty once deleted. */
  text: z.string(),
  replyTo: z.object({ id: uuid, seq: z.number().int(), senderName: z.string(), text: z.string(), deleted: z.boolean() }).nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
  attachments: z.array(attachmentDto),
});
export type ChatMessageDto = z.infer<typeof chatMessageDto>;

export const chatDto = z.object({
  id: uuid,
  kind: z.enum(CHAT_KINDS),
  title: z.string(),
  /** Messages of others after the caller's read position (not deleted). */
  unread: z.number().int(),
  lastMessage: chatMessageDto.nullable(),
  lastSeq: z.number().int(),
  lastReadSeq: z.number().int(),
  groupId: uuid.nullable(),
  /** The other person of a direct chat. */
  peer: person.nullable(),
  /** How far the other person of a direct chat has read (read marks). */
  peerReadSeq: z.number().int().nullable(),
  /** False when the caller may read but not write (archived group, no longer each other's). */
  canSend: z.boolean(),
  /** The caller may delete anyone's messages here (the group's teacher). */
  canModerate: z.boolean(),
});
export type ChatDto = z.infer<typeof chatDto>;

export const chatHistoryDto = z.object({
  chatId: uuid,
  items: z.array(chatMessageDto),
  /** More in the direction paged (older for the newest page, `before` and `around`; newer for `after`). */
  hasMore: z.boolean(),
  /** `around` only: messages newer than the page exist. */
  hasNewer: z.boolean().optional(),
});
export type ChatHistoryDto = z.infer<typeof chatHistoryDto>;

export const chatSearchHitDto = z.object({ chatId: uuid, chatTitle: z.string(), message: chatMessageDto, snippet: z.string() });
export type ChatSearchHitDto = z.infer<typeof chatSearchHitDto>;

/** People the caller may start a 1:1 chat with. */
export const chatContactDto = person.extend({ online: z.boolean() });
export type ChatContactDto = z.infer<typeof chatContactDto>;

export const sendAckDto = z.object({ id: uuid, seq: z.number().int(), createdAt: z.string() });
export type SendAckDto = z.infer<typeof sendAckDto>;
