import { http } from '$lib/api/http.js';
import { getAccessToken } from '$lib/api/token.js';
import type {
  ControlPointScoresDto,
  CreateControlPointBody,
  GradebookDashboardDto,
  GradebookDto,
  GradebookSettingsBody,
  GradebookSettingsDto,
  MyGradeGroupsDto,
  PutScoresBody,
  StudentProgressDto,
  UpdateControlPointBody,
} from '@tp/shared';

export type ExportFormat = 'csv' | 'xlsx';

const groupBase = (groupId: string) => `/api/groups/${groupId}`;

/** The gradebook API, typed; every call rejects with an ApiError on refusal. */
export const gradebookApi = {
  snapshot: (groupId: string) => http.get<GradebookDto>(`${groupBase(groupId)}/gradebook`),
  myGrades: (groupId: string) => http.get<GradebookDto>('/api/me/grades', { groupId }),
  myGroups: () => http.get<MyGradeGroupsDto>('/api/me/grades').then((body) => body.groups),
  dashboard: (groupId: string) => http.get<GradebookDashboardDto>(`${groupBase(groupId)}/gradebook/dashboard`),
  progress: (groupId: string, studentId: string) => http.get<StudentProgressDto>(`${groupBase(groupId)}/gradebook/students/${studentId}/progress`),
  settings: (groupId: string) => http.get<GradebookSettingsDto>(`${groupBase(groupId)}/gradebook-settings`),
  saveSettings: (groupId: string, body: GradebookSettingsBody) => http.put<GradebookSettingsDto>(`${groupBase(groupId)}/gradebook-settings`, body),

  createControlPoint: (groupId: string, body: CreateControlPointBody) => http.post<unknown>(`${groupBase(groupId)}/control-points`, body),
  updateControlPoint: (id: string, body: UpdateControlPointBody) => http.patch<unknown>(`/api/control-points/${id}`, body),
  deleteControlPoint: (id: string) => http.delete<void>(`/api/control-points/${id}`),
  scores: (id: string) => http.get<ControlPointScoresDto>(`/api/control-points/${id}/scores`),
  saveScores: (id: string, scores: PutScoresBody['scores']) => http.put<unknown>(`/api/control-points/${id}/scores`, { scores }),

  download: (groupId: string, format: ExportFormat) => download(`${groupBase(groupId)}/gradebook/export?format=${format}`, `gradebook.${format}`),
};

/** A file from the API saved under the name the server gives it (the group and the date). */
async function download(path: string, fallbackName: string): Promise<void> {
  const token = getAccessToken();
  const response = await fetch(path, { credentials: 'include', headers: token ? { authorization: `Bearer ${token}` } : {} });
  // A refusal goes through the one HTTP client, which turns it into an ApiError (and refreshes a stale token).
  if (!response.ok) {
    await http.get<unknown>(path);
    return;
  }
  const blob = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : (plain ?? fallbackName);
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
