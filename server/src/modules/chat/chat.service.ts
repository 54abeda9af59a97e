import { randomUUID } from 'node:crypto';
import {
  LIMITS,
  rooms,
  type AttachmentDto,
  type ChatDto,
  type ChatContactDto,
  type ChatHistoryDto,
  type ChatMessageDto,
  type ChatSearchHitDto,
  type ChatSendPayload,
  type Role,
  type SendAckDto,
} from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { Limiter } from '../../infra/rate-limit.js';
import { MicroBatcher } from '../../infra/micro-batcher.js';
import type { GroupsService } from '../groups/groups.service.js';
import { ChatRepository, type ChatAudience, type MessageRow } from './chat.repository.js';
import { ChatPeopleRepository } from './people.repository.js';
import { fullName, presentChat, presentMessage } from './chat.presenter.js';
import type { AttachmentsService } from './attachments.service.js';
import { toDto } from './attachments.repository.js';
import { ChatSendRepository, type SendInput, type SendOutcome } from './send.repository.js';

export interface Actor {
  userId: string;
  role: Role;
}

/** A new message was stored and delivered (for notices to members who are away). */
export type MessageListener = (sent: { audience: ChatAudience; message: MessageRow }) => Promise<void>;
/** A member's read position moved (`unread` is what is left for them in that chat). */
export type ReadListener = (read: { userId: string; chatId: string; unread: number }) => Promise<void>;

/** Whether someone is online now (the presence tracker); chats only read it. */
export type OnlineCheck = (userIds: string[]) => Promise<Set<string>>;

/**
 * Group chats (members follow the group, read at every call, so a removal cuts access at once), 1:1
 * chats, messages numbered per chat with the sender's client id for idempotency, read positions.
 */
export class ChatService {
  readonly repo: ChatRepository;
  readonly people: ChatPeopleRepository;
  private readonly sendLimiter: Limiter;
  private online: OnlineCheck = async () => new Set();
  private attachments: AttachmentsService | null = null;
  private readonly messageListeners: MessageListener[] = [];
  private readonly readListeners: ReadListener[] = [];
  /** Sends arriving while a batch is being stored go together in the next one (one round trip, one commit). */
  private readonly sends: MicroBatcher<SendInput, SendOutcome>;
  /** Chats known to be 1:1 (a chat's kind never changes): their sends check the pair before the batch. */
  private readonly directChats = new Set<string>();

  constructor(
    private readonly infra: Pick<Infra, 'orm' | 'broadcaster' | 'logger' | 'clock' | 'limiter' | 'env'>,
    private readonly groups: Pick<GroupsService, 'get'>,
  ) {
    this.repo = new ChatRepository(infra.orm);
    this.people = new ChatPeopleRepository(infra.orm);
    this.sendLimiter = infra.limiter('chat-send', infra.env.CHAT_SEND_BURST ?? LIMITS.chat.burst, LIMITS.chat.burstSeconds);
    const sendRepo = new ChatSendRepository(infra.orm);
    this.sends = new MicroBatcher((inputs) => sendRepo.store(inputs), { maxInFlight: 4 });
  }

  /** Set by the composition root: files sent with messages. */
  useAttachments(attachments: AttachmentsService): void {
    this.attachments = attachments;
  }

  /** Set by the composition root: new messages are told to the notices. */
  onMessage(listener: MessageListener): void {
    this.messageListeners.push(listener);
  }
  onRead(listener: ReadListener): void {
    this.readListeners.push(listener);
  }

  /** Set by the composition root: presence answers who is online. */
  readOnlineFrom(check: OnlineCheck): void {
    this.online = check;
  }

  async list(actor: Actor): Promise<ChatDto[]> {
    await this.repo.ensureGroupChats(actor.userId);
    return this.present(actor, await this.repo.list(actor.userId));
  }

  async get(actor: Actor, chatId: string): Promise<ChatDto> {
    const [row] = await this.repo.list(actor.userId, chatId);
    if (!row) throw new AppError('chat/not-found', 'Chat not found');
    return (await this.present(actor, [row]))[0]!;
  }

  /** The 1:1 chat with `userId`, made on first use if the two may talk. */
  async openDirect(actor: Actor, userId: string): Promise<ChatDto> {
    if (!(await this.people.mayTalk(actor.userId, userId))) throw new AppError('chat/not-allowed', 'You cannot message this person');
    return this.get(actor, await this.repo.directChatId(actor.userId, userId));
  }

  /** The group chat of a group the actor is in (its teacher or a student). */
  async groupChat(actor: Actor, groupId: string): Promise<ChatDto> {
    await this.groups.get(actor, groupId);
    return this.get(actor, await this.repo.groupChatId(groupId));
  }

  async contacts(actor: Actor): Promise<ChatContactDto[]> {
    const people = await this.people.contacts(actor.userId, actor.role === 'admin');
    const online = await this.online(people.map((p) => p.id));
    return people.map((p) => ({ id: p.id, name: fullName(p), role: p.role, online: online.has(p.id) }));
  }

  async history(actor: Actor, chatId: string, page: { before?: number; after?: number; around?: number; limit: number }): Promise<ChatHistoryDto> {
    await this.member(actor, chatId);
    if (page.around !== undefined) {
      const { items, hasMore, hasNewer } = await this.repo.historyAround(chatId, page.around, page.limit);
      return { chatId, items: await this.presentMessages(items), hasMore, hasNewer };
    }
    const { items, hasMore } = await this.repo.history(chatId, page);
    return { chatId, items: await this.presentMessages(items), hasMore };
  }

  /**
   * Stores and delivers a message. A retry with a client id already used answers with the first
   * message (nothing is stored or counted again), so a client may resend until it gets an ack.
   * Plain text in a group chat goes straight to the send batch, which checks membership itself;
   * files and 1:1 chats are checked first (uploads are the sender's; the pair may no longer talk).
   */
  async send(actor: Actor, input: ChatSendPayload): Promise<SendAckDto> {
    try {
      await this.sendLimiter.consume(actor.userId, 'Too many messages; wait a few seconds');
    } catch (error) {
      // Past the limit a resend of a stored message is still answered, so it never shows as failed.
      const earlier = await this.repo.messageByClientId(actor.userId, input.clientId);
      if (earlier) return this.ackFor(earlier, input.chatId);
      throw error;
    }
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    const draft = { id: randomUUID(), chatId: input.chatId, senderId: actor.userId, clientId: input.clientId, text: input.text, replyTo: input.replyTo ?? null, at: this.infra.clock.now() };
    const checkFirst = attachmentIds.length > 0 || this.directChats.has(input.chatId);
    if (checkFirst) {
      const earlier = await this.checkBeforeSend(actor, input, attachmentIds);
      if (earlier) return earlier;
    }
    let outcome = await this.sends.submit({ ...draft, directChecked: checkFirst });
    if (outcome.status === 'direct') {
      if (this.directChats.size >= 10_000) this.directChats.clear();
      this.directChats.add(input.chatId);
      const earlier = await this.checkBeforeSend(actor, input, attachmentIds);
      if (earlier) return earlier;
      outcome = await this.sends.submit({ ...draft, directChecked: true });
    }
    if (outcome.status === 'earlier') return this.ackFor(outcome, input.chatId);
    if (outcome.status === 'not-found') throw new AppError('chat/not-found', 'Chat not found');
    if (outcome.status === 'read-only') throw new AppError('chat/read-only', 'The group is archived');
    if (outcome.status !== 'stored') {
      // Two sends of one client id at once: the other one's message is the answer.
      const first = await this.repo.messageByClientId(actor.userId, input.clientId);
      if (!first) throw new AppError('internal/error', 'The message could not be stored');
      return this.ackFor(first, input.chatId);
    }
    // The audience and the sender's name come back with the stored message: no second trip.
    const { audience } = outcome;
    const sender = audience.members.find((m) => m.id === actor.userId)!;
    const message: MessageRow = { id: draft.id, chatId: draft.chatId, seq: outcome.seq, clientId: draft.clientId, text: draft.text, createdAt: draft.at, editedAt: null, deletedAt: null, sender, replyTo: outcome.replyTo };
    const attached = attachmentIds.length && this.attachments ? await this.attachments.repo.attach(attachmentIds, actor.userId, input.chatId, message.id) : [];
    this.deliver(audience, message, attached.map(toDto));
    for (const listener of this.messageListeners) void listener({ audience, message }).catch((error: unknown) => this.infra.logger.warn({ err: String(error) }, 'message listener failed'));
    return { id: message.id, seq: message.seq, createdAt: message.createdAt.toISOString() };
  }

  async edit(actor: Actor, chatId: string, messageId: string, text: string): Promise<ChatMessageDto> {
    const audience = await this.member(actor, chatId);
    await this.requireWritable(actor, audience);
    if (!(await this.repo.editMessage(chatId, messageId, actor.userId, text, this.infra.clock.now()))) {
      throw new AppError('message/not-found', 'No message of yours to edit');
    }
    return this.deliverStored(audience, chatId, messageId);
  }

  /** The sender deletes their own message; the group's teacher deletes any in the group chat. */
  async delete(actor: Actor, chatId: string, messageId: string): Promise<ChatMessageDto> {
    const audience = await this.member(actor, chatId);
    const moderates = audience.kind === 'group' && audience.teacherId === actor.userId;
    if (!(await this.repo.deleteMessage(chatId, messageId, moderates ? null : actor.userId, this.infra.clock.now()))) {
      throw new AppError('message/not-found', 'No message to delete');
    }
    return this.deliverStored(audience, chatId, messageId);
  }

  /** Moves the actor's read position; their other tabs learn the new unread count, a 1:1 peer the read mark. */
  async read(actor: Actor, chatId: string, seq: number): Promise<{ seq: number; unread: number }> {
    const audience = await this.member(actor, chatId);
    const position = await this.repo.markRead(chatId, actor.userId, seq);
    const unread = await this.repo.unread(chatId, actor.userId);
    const { broadcaster } = this.infra;
    broadcaster.emitToRooms([rooms.user(actor.userId)], 'chat:read', { chatId, userId: actor.userId, seq: position, unread });
    for (const listener of this.readListeners) void listener({ userId: actor.userId, chatId, unread }).catch((error: unknown) => this.infra.logger.warn({ err: String(error) }, 'read listener failed'));
    if (audience.kind === 'direct') {
      const peers = audience.members.filter((m) => m.id !== actor.userId).map((m) => rooms.user(m.id));
      broadcaster.emitToRooms(peers, 'chat:read', { chatId, userId: actor.userId, seq: position });
    }
    return { seq: position, unread };
  }

  async typing(actor: Actor, chatId: string): Promise<void> {
    const audience = await this.member(actor, chatId);
    const me = audience.members.find((m) => m.id === actor.userId)!;
    const others = audience.members.filter((m) => m.id !== actor.userId).map((m) => rooms.user(m.id));
    this.infra.broadcaster.emitToRooms(others, 'chat:typing', { chatId, userId: actor.userId, name: fullName(me) });
  }

  async search(actor: Actor, query: string, chatId?: string): Promise<ChatSearchHitDto[]> {
    if (chatId) await this.member(actor, chatId);
    const hits = await this.repo.search(actor.userId, query, chatId, 50);
    if (!hits.length) return [];
    const titles = new Map((await this.list(actor)).map((chat) => [chat.id, chat.title]));
    return hits.map((hit) => ({ chatId: hit.message.chatId, chatTitle: titles.get(hit.message.chatId) ?? '', message: presentMessage(hit.message), snippet: hit.snippet }));
  }

  /** The group's teacher allows or forbids 1:1 chats between its students. */
  async setStudentsDirect(actor: Actor, groupId: string, allowed: boolean): Promise<{ studentsDirect: boolean }> {
    const group = await this.groups.get(actor, groupId);
    if (group.teacherId !== actor.userId) throw new AppError('auth/forbidden', 'Only the group’s teacher decides');
    await this.people.setStudentsDirect(groupId, allowed);
    return { studentsDirect: allowed };
  }

  async studentsDirect(actor: Actor, groupId: string): Promise<{ studentsDirect: boolean }> {
    await this.groups.get(actor, groupId);
    return { studentsDirect: await this.people.studentsDirect(groupId) };
  }

  private async present(actor: Actor, rows: Awaited<ReturnType<ChatRepository['list']>>): Promise<ChatDto[]> {
    const last = await this.repo.lastMessages(rows.map((row) => row.id));
    return Promise.all(
      rows.map(async (row) =>
        presentChat(row, {
          lastMessage: last.get(row.id) ?? null,
          canSend: row.kind === 'group' ? !row.archived : row.peer !== null && (await this.people.mayTalk(actor.userId, row.peer.id)),
          canModerate: row.kind === 'group' && row.teacherId === actor.userId,
        }),
      ),
    );
  }

  /** The chat if the actor is in it now; anyone else sees no such chat. */
  private async member(actor: Actor, chatId: string): Promise<ChatAudience> {
    const audience = await this.repo.audience(chatId);
    if (!audience || !audience.members.some((m) => m.id === actor.userId)) throw new AppError('chat/not-found', 'Chat not found');
    return audience;
  }

  private async requireWritable(actor: Actor, audience: ChatAudience): Promise<void> {
    if (audience.kind === 'group' && audience.archived) throw new AppError('chat/read-only', 'The group is archived');
    if (audience.kind === 'direct') {
      const peer = audience.members.find((m) => m.id !== actor.userId);
      if (!peer || !(await this.people.mayTalk(actor.userId, peer.id))) throw new AppError('chat/read-only', 'You can no longer message this person');
    }
  }

  /** The checks of a send that the batch does not make; a resend of a stored message is answered at once. */
  private async checkBeforeSend(actor: Actor, input: ChatSendPayload, attachmentIds: string[]): Promise<SendAckDto | null> {
    const earlier = await this.repo.messageByClientId(actor.userId, input.clientId);
    if (earlier) return this.ackFor(earlier, input.chatId);
    await this.requireWritable(actor, await this.member(actor, input.chatId));
    if (attachmentIds.length) await this.attachments?.checkUsable(actor, input.chatId, attachmentIds);
    return null;
  }

  private ackFor(message: Pick<MessageRow, 'id' | 'chatId' | 'seq' | 'createdAt'>, chatId: string): SendAckDto {
    if (message.chatId !== chatId) throw new AppError('request/invalid', 'This client id was used for another chat', { fields: { clientId: 'already used' } });
    return { id: message.id, seq: message.seq, createdAt: message.createdAt.toISOString() };
  }

  private async presentMessages(rows: MessageRow[]): Promise<ChatMessageDto[]> {
    const files = (await this.attachments?.repo.forMessages(rows.map((row) => row.id))) ?? new Map<string, AttachmentDto[]>();
    return rows.map((row) => presentMessage(row, files.get(row.id)));
  }

  private async deliverStored(audience: ChatAudience, chatId: string, messageId: string): Promise<ChatMessageDto> {
    const row = (await this.repo.message(chatId, messageId))!;
    const [message] = await this.presentMessages([row]);
    return this.deliver(audience, row, message!.attachments);
  }

  /** To every member's user room, in one publish: whoever is in the chat now, on whichever node. */
  private deliver(audience: ChatAudience, row: MessageRow, attachments: AttachmentDto[] = []): ChatMessageDto {
    const message = presentMessage(row, attachments);
    this.infra.broadcaster.emitToRooms(audience.members.map((m) => rooms.user(m.id)), 'chat:message', { chatId: audience.id, message });
    return message;
  }
}
