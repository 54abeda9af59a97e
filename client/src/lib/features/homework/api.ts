import type {
  Answer,
  AttemptDto,
  CreateHomeworkBody,
  HomeworkDto,
  OverrideBody,
  QuestionBody,
  StudentHomeworkDto,
  SubmissionRowDto,
  TeacherQuestionDto,
  UpdateHomeworkBody,
} from '@tp/shared';
import { getAccessToken } from '$lib/api/token.js';
import { http } from '$lib/api/http.js';

/** `GET /api/homework/:id` as a teacher sees it (questions with their keys). */
export interface TeacherHomework {
  homework: HomeworkDto;
  questions: TeacherQuestionDto[];
}
/** `GET /api/homework/:id` as a student sees it: own standing and attempts, never a key before release. */
export interface StudentHomework {
  homework: HomeworkDto;
  student: StudentHomeworkDto;
  attempts: AttemptDto[];
}
export interface SubmitResult {
  id: string;
  state: AttemptDto['state'];
  score: number | null;
  maxScore: number;
  attempt: AttemptDto;
}
export interface Submissions {
  homeworkId: string;
  rows: SubmissionRowDto[];
  at: string;
}
export type QuestionWrite = { question: TeacherQuestionDto; homework?: HomeworkDto; regraded?: number };

const base = (id: string) => `/api/homework/${id}`;
type One = { homework: HomeworkDto };
const one = (body: One) => body.homework;

/** The homework API, typed; every call rejects with an ApiError on refusal. */
export const homeworkApi = {
  list: (groupId?: string) => http.get<{ homework: (HomeworkDto | StudentHomeworkDto)[] }>('/api/homework', { groupId }).then((body) => body.homework),
  teacherView: (id: string) => http.get<TeacherHomework>(base(id)),
  studentView: (id: string) => http.get<StudentHomework>(base(id)),
  create: (body: Partial<CreateHomeworkBody> & Pick<CreateHomeworkBody, 'groupId' | 'title'>) => http.post<One>('/api/homework', body).then(one),
  update: (id: string, changes: UpdateHomeworkBody) => http.patch<One>(base(id), changes).then(one),
  remove: (id: string) => http.delete<void>(base(id)),
  publish: (id: string, body: { lessonId?: string; dueAt?: string } = {}) => http.post<One>(`${base(id)}/publish`, body).then(one),
  close: (id: string) => http.post<One>(`${base(id)}/close`).then(one),
  releaseResults: (id: string) => http.post<One>(`${base(id)}/release`).then(one),

  addQuestion: (id: string, question: QuestionBody) => http.post<QuestionWrite>(`${base(id)}/questions`, question),
  updateQuestion: (id: string, questionId: string, question: QuestionBody) => http.put<QuestionWrite>(`${base(id)}/questions/${questionId}`, question),
  deleteQuestion: (id: string, questionId: string) => http.delete<void>(`${base(id)}/questions/${questionId}`),
  reorder: (id: string, questionIds: string[]) => http.put<void>(`${base(id)}/questions/order`, { questionIds }),

  importGift: (homeworkId: string, gift: string) => http.post<{ imported: number; questions: TeacherQuestionDto[] }>('/api/homework/import/gift', { homeworkId, gift }),
  exportGift: (id: string) => downloadText(`${base(id)}/export/gift`),

  submissions: (id: string) => http.get<Submissions>(`${base(id)}/submissions`),
  setOverride: (id: string, studentId: string, body: OverrideBody) => http.put<unknown>(`${base(id)}/overrides/${studentId}`, body),

  start: (id: string) => http.post<AttemptDto | { attempt: AttemptDto }>(`${base(id)}/attempts`).then(unwrapAttempt),
  attempt: (attemptId: string) => http.get<AttemptDto | { attempt: AttemptDto }>(`/api/attempts/${attemptId}`).then(unwrapAttempt),
  saveAnswer: (attemptId: string, questionId: string, answer: Answer | unknown) => http.put<unknown>(`/api/attempts/${attemptId}/answers/${questionId}`, { answer }),
  submit: (attemptId: string) => http.post<SubmitResult>(`/api/attempts/${attemptId}/submit`),
  grade: (attemptId: string, body: { questionId: string; points: number; comment?: string }) =>
    http.post<AttemptDto | { attempt: AttemptDto }>(`/api/attempts/${attemptId}/grades`, body).then(unwrapAttempt),
};

function unwrapAttempt(body: AttemptDto | { attempt: AttemptDto }): AttemptDto {
  return 'attempt' in body && typeof body.attempt === 'object' && body.attempt !== null && !('homeworkId' in body) ? body.attempt : (body as AttemptDto);
}

/** The GIFT export is plain text, not JSON: fetched with the same token, then offered as a file. */
async function downloadText(path: string): Promise<string> {
  const token = getAccessToken();
  const response = await fetch(path, { credentials: 'include', headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) return http.get<string>(path);
  return response.text();
}
