import type { AttachmentDto, AttachmentLinkDto, ChatContactDto, ChatDto, ChatHistoryDto, ChatMessageDto, ChatSearchHitDto } from '@tp/shared';
import { http, refreshSession } from '$lib/api/http.js';
import { ApiError } from '$lib/api/errors.js';
import { getAccessToken } from '$lib/api/token.js';

/** The chat endpoints (sending, reading marks and typing go over the socket). */
export const chatApi = {
  list: () => http.get<ChatDto[]>('/api/chats'),
  get: (chatId: string) => http.get<ChatDto>(`/api/chats/${chatId}`),
  history: (chatId: string, page: { before?: number; after?: number; around?: number; limit?: number }) => http.get<ChatHistoryDto>(`/api/chats/${chatId}/messages`, page),
  openDirect: (userId: string) => http.post<ChatDto>('/api/chats/direct', { userId }),
  contacts: () => http.get<ChatContactDto[]>('/api/chats/contacts'),
  presence: () => http.get<{ online: string[] }>('/api/presence'),
  search: (q: string, chatId?: string) => http.get<ChatSearchHitDto[]>('/api/chats/search', { q, chatId }),
  edit: (chatId: string, messageId: string, text: string) => http.patch<ChatMessageDto>(`/api/chats/${chatId}/messages/${messageId}`, { text }),
  link: (attachmentId: string) => http.get<AttachmentLinkDto>(`/api/attachments/${attachmentId}/link`),
  /** Multipart upload of one file into a chat. */
  upload: (chatId: string, file: File) => upload(chatId, file),
  /** Whether the group's students may message each other 1:1 (the group's teacher changes it). */
  chatSettings: (groupId: string) => http.get<{ studentsDirect: boolean }>(`/api/groups/${groupId}/chat-settings`),
  setChatSettings: (groupId: string, studentsDirect: boolean) => http.put<{ studentsDirect: boolean }>(`/api/groups/${groupId}/chat-settings`, { studentsDirect }),
  remove: (chatId: string, messageId: string) => http.delete<ChatMessageDto>(`/api/chats/${chatId}/messages/${messageId}`),
};

/** Multipart is the one body the JSON client does not send; a 401 refreshes the session once. */
async function upload(chatId: string, file: File, retried = false): Promise<AttachmentDto> {
  const form = new FormData();
  form.append('file', file, file.name);
  const token = getAccessToken();
  let response: Response;
  try {
    response = await fetch(`/api/attachments?chatId=${encodeURIComponent(chatId)}`, { method: 'POST', body: form, credentials: 'include', headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError('network/offline', 'The server cannot be reached', 0);
  }
  if (response.status === 401 && !retried && (await refreshSession())) return upload(chatId, file, true);
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | AttachmentDto | null;
  if (!response.ok || !body || 'error' in body) {
    const error = body && 'error' in body ? body.error : undefined;
    throw new ApiError((error?.code ?? 'internal/error') as never, error?.message ?? 'Upload failed', response.status);
  }
  return body as AttachmentDto;
}
