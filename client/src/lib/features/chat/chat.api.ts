import type { ChatContactDto, ChatDto, ChatHistoryDto, ChatMessageDto, ChatSearchHitDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** The chat endpoints (sending, reading marks and typing go over the socket). */
export const chatApi = {
  list: () => http.get<ChatDto[]>('/api/chats'),
  get: (chatId: string) => http.get<ChatDto>(`/api/chats/${chatId}`),
  history: (chatId: string, page: { before?: number; after?: number; limit?: number }) => http.get<ChatHistoryDto>(`/api/chats/${chatId}/messages`, page),
  openDirect: (userId: string) => http.post<ChatDto>('/api/chats/direct', { userId }),
  contacts: () => http.get<ChatContactDto[]>('/api/chats/contacts'),
  presence: () => http.get<{ online: string[] }>('/api/presence'),
  search: (q: string, chatId?: string) => http.get<ChatSearchHitDto[]>('/api/chats/search', { q, chatId }),
  edit: (chatId: string, messageId: string, text: string) => http.patch<ChatMessageDto>(`/api/chats/${chatId}/messages/${messageId}`, { text }),
  remove: (chatId: string, messageId: string) => http.delete<ChatMessageDto>(`/api/chats/${chatId}/messages/${messageId}`),
};
