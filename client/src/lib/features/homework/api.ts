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
export type QuestionWrite = { question: TeacherQuestionDto; regraded?: number };

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
  publish: (id: string) => http.post<One>(`${base(id)}/publish`).then(one),
  close: (id: string) => http.post<One>(`${base(id)}/close`).then(one),
  releaseResults: (id: string) => http.post<One>(`${base(id)}/release`).then(one),

  addQuestion: (id: string, question: QuestionBody) => http.post<QuestionWrite>(`${base(id)}/questions`, question),
  /** Once students have answered, the server regrades every submitted attempt and says how many. */
  updateQuestion: (id: string, questionId: string, question: QuestionBody) => http.put<QuestionWrite>(`${base(id)}/questions/${questionId}`, question),
  duplicateQuestion: (id: string, questionId: string) => http.post<QuestionWrite>(`${base(id)}/questions/${questionId}/duplicate`),
  deleteQuestion: (id: string, questionId: string) => http.delete<void>(`${base(id)}/questions/${questionId}`),
  reorder: (id: string, questionIds: string[]) => http.put<{ questions: TeacherQuestionDto[] }>(`${base(id)}/questions/order`, { questionIds }).then((body) => body.questions),

  importGift: (homeworkId: string, gift: string) => http.post<{ imported: number; questions: TeacherQuestionDto[] }>('/api/homework/import/gift', { homeworkId, gift }),
  exportGift: (id: string) => downloadText(`${base(id)}/export/gift`),

  submissions: (id: string) => http.get<Submissions>(`${base(id)}/submissions`),
  studentAttempts: (id: string, studentId: string) => http.get<{ attempts: AttemptDto[] }>(`${base(id)}/students/${studentId}/attempts`).then((body) => body.attempts),
  setOverride: (id: string, studentId: string, body: OverrideBody) => http.put<{ row: SubmissionRowDto }>(`${base(id)}/overrides/${studentId}`, body).then((r) => r.row),

  start: (id: string) => http.post<{ attempt: AttemptDto }>(`${base(id)}/attempts`).then((body) => body.attempt),
  saveAnswer: (attemptId: string, questionId: string, answer: Answer | unknown) => http.put<{ questionId: string; savedAt: string }>(`/api/attempts/${attemptId}/answers/${questionId}`, { answer }),
  submit: (attemptId: string) => http.post<SubmitResult>(`/api/attempts/${attemptId}/submit`),
  grade: (attemptId: string, body: { questionId: string; points: number; comment?: string }) =>
    http.post<{ attempt: AttemptDto }>(`/api/attempts/${attemptId}/grades`, body).then((r) => r.attempt),
};

/** The GIFT export is plain text, not JSON: fetched with the same token, then offered as a file. */
async function downloadText(path: string): Promise<string> {
  const token = getAccessToken();
  const response = await fetch(path, { credentials: 'include', headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) return http.get<string>(path);
  return response.text();
}
