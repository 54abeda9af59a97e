import type { AttemptDto, HomeworkDto, StudentHomeworkDto } from '@tp/shared';
import { onResync, onSocket } from '$lib/api/socket.js';
import { homeworkApi } from './api.js';
import { AnswerAutosave } from './autosave.svelte.js';

type Answers = Record<string, Record<string, unknown>>;

/**
 * A student's homework: their standing, their attempts, and the attempt being taken, whose answers
 * are autosaved as they change. A grade arrives live (`homework:graded`) and replaces the attempt.
 */
export class HomeworkTake {
  homework = $state<HomeworkDto | null>(null);
  student = $state<StudentHomeworkDto | null>(null);
  attempts = $state<AttemptDto[]>([]);
  /** The attempt in progress, if any. */
  current = $state<AttemptDto | null>(null);
  answers = $state<Answers>({});
  saver = $state<AnswerAutosave | null>(null);
  loading = $state(true);
  error = $state<unknown>(null);
  /** Set when a grade came in while the page was open (for a short notice). */
  gradedLive = $state(false);
  /** The attempt to show results of: the latest submitted one. */
  latest = $derived([...this.attempts].filter((a) => a.state !== 'in_progress').sort((a, b) => b.number - a.number)[0] ?? null);
  attemptsLeft = $derived(this.homework ? Math.max(0, this.homework.attemptsAllowed - this.attempts.length) : 0);
  canStart = $derived(
    !this.current && this.attemptsLeft > 0 && !!this.student && ['todo', 'in_progress', 'submitted', 'graded', 'backlog'].includes(this.student.state) && this.homework?.status === 'published',
  );

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    try {
      const view = await homeworkApi.studentView(this.id);
      this.homework = view.homework;
      this.student = view.student;
      this.attempts = view.attempts ?? [];
      const open = this.attempts.find((a) => a.state === 'in_progress') ?? null;
      if (open && open.id !== this.current?.id) this.takeUp(open);
      if (!open) this.putDown();
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async start(): Promise<void> {
    const attempt = await homeworkApi.start(this.id);
    this.attempts = [...this.attempts.filter((a) => a.id !== attempt.id), attempt];
    this.takeUp(attempt);
  }

  change(questionId: string, answer: Record<string, unknown>): void {
    this.answers[questionId] = answer;
    this.saver?.change(questionId, answer);
  }

  /** Sends what is not saved yet, then submits; the answer carries the score when results are visible. */
  async submit(): Promise<void> {
    const attempt = this.current;
    if (!attempt || !this.saver) return;
    await this.saver.flush();
    const result = await homeworkApi.submit(attempt.id);
    this.putAttempt(result.attempt);
    this.putDown();
    // The standing (state, counted score) changed too.
    const view = await homeworkApi.studentView(this.id).catch(() => null);
    if (view) this.student = view.student;
  }

  follow(): () => void {
    void this.load();
    const retry = () => this.saver?.retryNow();
    window.addEventListener('online', retry);
    const stops = [
      onSocket('homework:graded', (event) => {
        if (event.homeworkId !== this.id) return;
        this.putAttempt(event.attempt);
        this.student = event.homework;
        this.gradedLive = true;
      }),
      onSocket('homework:published', ({ homework }) => {
        if (homework.id === this.id) this.student = homework;
      }),
      onResync(({ reconnect }) => {
        if (!reconnect) return;
        retry();
        void this.load();
      }),
    ];
    return () => {
      window.removeEventListener('online', retry);
      stops.forEach((stop) => stop());
      this.saver?.dispose();
    };
  }

  /** Opens an attempt for answering: the server's answers, overlaid by any this browser still owes it. */
  private takeUp(attempt: AttemptDto): void {
    this.saver?.dispose();
    this.current = attempt;
    this.putAttempt(attempt);
    const saver = new AnswerAutosave(attempt.id, (questionId, answer) => homeworkApi.saveAnswer(attempt.id, questionId, answer).then(() => undefined));
    this.answers = { ...(attempt.answers as Answers), ...(saver.leftovers() as Answers) };
    this.saver = saver;
    saver.resume();
  }

  private putDown(): void {
    this.saver?.dispose();
    this.saver = null;
    this.current = null;
  }

  private putAttempt(attempt: AttemptDto): void {
    this.attempts = [...this.attempts.filter((a) => a.id !== attempt.id), attempt].sort((a, b) => a.number - b.number);
    if (this.current?.id === attempt.id && attempt.state !== 'in_progress') this.putDown();
  }
}
