import type { HomeworkDto, HomeworkSubmissionPayload, SubmissionRowDto } from '@tp/shared';
import { rooms } from '@tp/shared/constants';
import { onResync, onSocket, trackRoom } from '$lib/api/socket.js';
import { homeworkApi } from './api.js';

const byName = (a: SubmissionRowDto, b: SubmissionRowDto) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName);

/**
 * The teacher's submissions table of one homework: a snapshot, then every row change pushed to the
 * teacher's room (`homework:submitted`, `homework:attempt-updated`); a gap or reconnect reloads.
 */
export class SubmissionsLive {
  homework = $state<HomeworkDto | null>(null);
  rows = $state<SubmissionRowDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  submitted = $derived(this.rows.filter((r) => ['submitted', 'graded'].includes(r.state)).length);

  constructor(
    readonly id: string,
    private readonly teacherId: string,
  ) {}

  async load(): Promise<void> {
    try {
      const [view, submissions] = await Promise.all([homeworkApi.teacherView(this.id), homeworkApi.submissions(this.id)]);
      this.homework = view.homework;
      this.rows = [...submissions.rows].sort(byName);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  follow(): () => void {
    void this.load();
    const apply = (event: HomeworkSubmissionPayload) => {
      if (event.homeworkId === this.id) this.put(event.row);
    };
    const stops = [
      trackRoom(rooms.teacher(this.teacherId), () => void this.load()),
      onSocket('homework:submitted', apply),
      onSocket('homework:attempt-updated', apply),
      onResync(({ reconnect }) => {
        if (reconnect) void this.load();
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }

  async release(): Promise<void> {
    this.homework = await homeworkApi.releaseResults(this.id);
    await this.load();
  }

  async setExcused(studentId: string, excused: boolean): Promise<void> {
    this.put(await homeworkApi.setOverride(this.id, studentId, { excused }));
  }

  async extend(studentId: string, dueAt: string | null): Promise<void> {
    this.put(await homeworkApi.setOverride(this.id, studentId, { dueAt }));
  }

  put(row: SubmissionRowDto): void {
    this.rows = [...this.rows.filter((r) => r.studentId !== row.studentId), row].sort(byName);
  }
}
