import type { GroupDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

type One = { group: GroupDto };
const one = (body: One) => body.group;

/** The groups API, typed; every call rejects with an ApiError on refusal. */
export const groupsApi = {
  list: () => http.get<{ groups: GroupDto[] }>('/api/groups').then((body) => body.groups),
  get: (id: string) => http.get<One>(`/api/groups/${id}`).then(one),
  create: (name: string) => http.post<One>('/api/groups', { name }).then(one),
  update: (id: string, changes: { name?: string; archived?: boolean }) => http.patch<One>(`/api/groups/${id}`, changes).then(one),
  addStudent: (id: string, email: string) => http.post<One>(`/api/groups/${id}/students`, { email }).then(one),
  removeStudent: (id: string, studentId: string) => http.delete<One>(`/api/groups/${id}/students/${studentId}`).then(one),
  regenerateInvite: (id: string) => http.post<One>(`/api/groups/${id}/invite-code`).then(one),
  join: (code: string) => http.post<One>('/api/groups/join', { code }).then(one),
};
