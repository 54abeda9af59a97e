import type { StudentHomeworkDto } from '@tp/shared';
import { onResync, onSocket } from '$lib/api/socket.js';
import { homeworkApi } from './api.js';

const TODO = new Set(['todo', 'in_progress']);
const DONE = new Set(['submitted', 'graded']);
const byDue = (a: StudentHomeworkDto, b: StudentHomeworkDto) => (a.myDueAt ?? '9999').localeCompare(b.myDueAt ?? '9999');

/** A student's homework in three piles (to do, done, backlog), kept live by publish and grade events. */
export class StudentHomeworkList {
  items = $state<StudentHomeworkDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  todo = $derived(this.items.filter((h) => TODO.has(h.state) && h.status === 'published').sort(byDue));
  done = $derived(this.items.filter((h) => DONE.has(h.state)).sort((a, b) => byDue(b, a)));
  backlog = $derived(this.items.filter((h) => h.state === 'backlog').sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0)));

  async load(): Promise<void> {
    try {
      this.items = (await homeworkApi.list()) as StudentHomeworkDto[];
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  follow(): () => void {
    void this.load();
    const stops = [
      onSocket('homework:published', ({ homework }) => this.put(homework)),
      onSocket('homework:graded', ({ homework }) => this.put(homework)),
      onResync(({ reconnect }) => {
        if (reconnect) void this.load();
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }

  private put(homework: StudentHomeworkDto): void {
    this.items = [...this.items.filter((h) => h.id !== homework.id), homework];
  }
}
