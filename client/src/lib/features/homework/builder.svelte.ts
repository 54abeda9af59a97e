import type { HomeworkDto, TeacherQuestionDto, UpdateHomeworkBody } from '@tp/shared';
import { homeworkApi } from './api.js';
import { stripIds, type Draft } from './question-model.js';

/** What the question list shows in the place of a question being edited (or a new one at the end). */
export type Editing = { id: string | null; draft: Draft } | null;

/**
 * One homework as its teacher builds it: settings, the ordered questions with their keys, and the
 * question open in the editor. Every change goes to the server at once; the list shows what it stored.
 */
export class HomeworkBuilder {
  homework = $state<HomeworkDto | null>(null);
  questions = $state<TeacherQuestionDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  editing = $state<Editing>(null);
  /** Students have attempts: a key change regrades them, so the builder asks first. */
  hasAttempts = $state(false);
  /** How many attempts the last key change regraded (shown once). */
  regraded = $state<number | null>(null);

  private ordering: Promise<unknown> = Promise.resolve();
  private reorders = 0;

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    try {
      const view = await homeworkApi.teacherView(this.id);
      this.homework = view.homework;
      this.questions = sortQuestions(view.questions ?? []);
      this.error = null;
      if (view.homework.status !== 'draft') await this.checkAttempts();
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async checkAttempts(): Promise<void> {
    const { rows } = await homeworkApi.submissions(this.id).catch(() => ({ rows: [] }));
    this.hasAttempts = rows.some((row) => row.attempts > 0);
  }

  async saveSettings(changes: UpdateHomeworkBody): Promise<void> {
    this.homework = await homeworkApi.update(this.id, changes);
  }

  /** Saves the editor's draft as a new question or over the one edited; closes the editor. */
  async saveDraft(draft: Draft): Promise<void> {
    const editing = this.editing;
    const body = stripIds(draft);
    const write = editing?.id ? await homeworkApi.updateQuestion(this.id, editing.id, body) : await homeworkApi.addQuestion(this.id, body);
    this.put(write.question);
    this.regraded = typeof write.regraded === 'number' && write.regraded > 0 ? write.regraded : null;
    this.editing = null;
    await this.refreshTotals();
  }

  /** The server copies the question (fresh part ids) to the end; it is moved right under its original. */
  async duplicate(question: TeacherQuestionDto): Promise<void> {
    const write = await homeworkApi.duplicateQuestion(this.id, question.id);
    const order = [...this.questions.filter((q) => q.id !== write.question.id)];
    order.splice(order.findIndex((q) => q.id === question.id) + 1, 0, write.question);
    await this.reorder(order);
    await this.refreshTotals();
  }

  async remove(questionId: string): Promise<void> {
    await homeworkApi.deleteQuestion(this.id, questionId);
    this.questions = this.questions.filter((q) => q.id !== questionId);
    await this.refreshTotals();
  }

  /**
   * Shows the new order at once and stores it; quick successive moves are sent one after another, and
   * only the answer to the latest is applied. A refusal reloads what the server has.
   */
  async reorder(questions: TeacherQuestionDto[]): Promise<void> {
    this.questions = questions.map((q, position) => ({ ...q, position }));
    const ids = questions.map((q) => q.id);
    const ticket = ++this.reorders;
    const sent = this.ordering.then(() => homeworkApi.reorder(this.id, ids));
    this.ordering = sent.catch(() => undefined);
    try {
      const stored = await sent;
      if (ticket === this.reorders) this.questions = sortQuestions(stored);
    } catch (error) {
      await this.load();
      throw error;
    }
  }

  async publish(): Promise<void> {
    this.homework = await homeworkApi.publish(this.id);
  }

  async close(): Promise<void> {
    this.homework = await homeworkApi.close(this.id);
  }

  async importGift(gift: string): Promise<number> {
    const result = await homeworkApi.importGift(this.id, gift);
    await this.load();
    return result.imported;
  }

  exportGift(): Promise<string> {
    return homeworkApi.exportGift(this.id);
  }

  private put(question: TeacherQuestionDto): void {
    const exists = this.questions.some((q) => q.id === question.id);
    this.questions = exists ? this.questions.map((q) => (q.id === question.id ? question : q)) : [...this.questions, question];
  }

  /** The question count and maximum score live on the homework; the server computed them. */
  private async refreshTotals(): Promise<void> {
    const view = await homeworkApi.teacherView(this.id).catch(() => null);
    if (view) this.homework = view.homework;
  }
}

const sortQuestions = (questions: TeacherQuestionDto[]) => [...questions].sort((a, b) => a.position - b.position);
