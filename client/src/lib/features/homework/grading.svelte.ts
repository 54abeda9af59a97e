import type { AttemptDto, SubmissionRowDto, TeacherQuestionDto } from '@tp/shared';
import { homeworkApi } from './api.js';

/**
 * The teacher goes through the students who submitted, one at a time, and grades their free-text
 * answers (points and a comment). The attempt shown is the one that counts.
 */
export class FreeTextGrading {
  questions = $state<TeacherQuestionDto[]>([]);
  rows = $state<SubmissionRowDto[]>([]);
  index = $state(0);
  attempt = $state<AttemptDto | null>(null);
  title = $state('');
  loading = $state(true);
  error = $state<unknown>(null);
  row = $derived(this.rows[this.index] ?? null);

  constructor(readonly id: string) {}

  async load(studentId: string | null): Promise<void> {
    try {
      const [view, submissions] = await Promise.all([homeworkApi.teacherView(this.id), homeworkApi.submissions(this.id)]);
      this.title = view.homework.title;
      this.questions = [...(view.questions ?? [])].filter((q) => q.type === 'free_text').sort((a, b) => a.position - b.position);
      const withWork = submissions.rows.filter((r) => r.attemptId);
      // Those waiting for a grade first, then the rest, each by name.
      this.rows = withWork.sort((a, b) => Number(b.pendingManual > 0) - Number(a.pendingManual > 0) || a.lastName.localeCompare(b.lastName));
      const wanted = studentId ? this.rows.findIndex((r) => r.studentId === studentId) : -1;
      await this.show(Math.max(0, wanted));
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async show(index: number): Promise<void> {
    this.index = Math.min(Math.max(0, index), Math.max(0, this.rows.length - 1));
    const row = this.rows[this.index];
    const attempts = row?.attemptId ? await homeworkApi.studentAttempts(this.id, row.studentId) : [];
    this.attempt = attempts.find((a) => a.id === row?.attemptId) ?? null;
  }

  async grade(questionId: string, points: number, comment: string): Promise<void> {
    const attempt = this.attempt;
    if (!attempt) return;
    this.attempt = await homeworkApi.grade(attempt.id, { questionId, points, comment: comment.trim() || undefined });
    const row = this.rows[this.index];
    if (row) this.rows[this.index] = { ...row, pendingManual: this.attempt.pendingManual, score: this.attempt.score };
  }
}
