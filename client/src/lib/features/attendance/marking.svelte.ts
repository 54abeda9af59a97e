import type { AttendanceSettingsDto, LessonAttendanceDto } from '@tp/shared';
import { onResync, onSocket } from '$lib/api/socket.js';
import { attendanceApi, STATUSES, type AttendanceStatus } from './api.js';

/** One student's line: what is saved, what the meeting suggests, what the teacher has typed. */
export interface MarkRow {
  id: string;
  name: string;
  saved: { status: AttendanceStatus; comment: string } | null;
  suggestion: LessonAttendanceDto['suggestions'][number] | null;
  status: AttendanceStatus | null;
  comment: string;
}

/** Keys that set a status: P L E A by their place on the keyboard (any layout), or 1–4. */
const STATUS_BY_CODE: Record<string, AttendanceStatus> = {
  KeyP: 'present',
  KeyL: 'late',
  KeyE: 'excused',
  KeyA: 'absent',
  Digit1: 'present',
  Digit2: 'late',
  Digit3: 'excused',
  Digit4: 'absent',
  Numpad1: 'present',
  Numpad2: 'late',
  Numpad3: 'excused',
  Numpad4: 'absent',
};
export function statusForKey(code: string): AttendanceStatus | null {
  return STATUS_BY_CODE[code] ?? null;
}

/**
 * The marking view of one lesson: rows in roster order, a cursor for the keyboard, the teacher's
 * unsaved edits, and the actions (everyone present, confirm suggestions, save).
 */
export class MarkingState {
  data = $state<LessonAttendanceDto | null>(null);
  rows = $state<MarkRow[]>([]);
  cursor = $state(0);
  error = $state<unknown>(null);
  busy = $state<'save' | 'assign' | 'settings' | null>(null);
  savedAt = $state<number | null>(null);

  constructor(private eventId: string) {}

  /** Rows whose status or comment differ from what is saved. */
  readonly changed = $derived(this.rows.filter((row) => row.status !== null && (row.status !== row.saved?.status || row.comment.trim() !== (row.saved?.comment ?? ''))));
  /** Unmarked students the meeting has an opinion about. */
  readonly pendingSuggestions = $derived(this.rows.filter((row) => !row.saved && row.suggestion));
  readonly canEdit = $derived(this.data?.canEdit ?? false);

  async load(): Promise<void> {
    try {
      this.adopt(await attendanceApi.lesson(this.eventId), false);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  /**
   * Keeps the suggestions current while the view is open: a student opening the demo meeting, a Zoom
   * participant report or the lesson going live re-reads the lesson (typed, unsaved lines stay as they are). Returns the stop.
   */
  follow(): () => void {
    const mine = (lessonId: string) => lessonId === this.data?.lesson.lessonId;
    const refresh = () =>
      attendanceApi.lesson(this.eventId).then(
        (data) => this.adopt(data, true),
        () => undefined,
      );
    const stops = [
      onSocket('meeting:joined', ({ lessonId }) => void (mine(lessonId) && refresh())),
      onSocket('lesson:live', ({ lessonId }) => void (mine(lessonId) && refresh())),
      onSocket('attendance:changed', ({ lessonId, reason }) => void (reason === 'participants' && lessonId && mine(lessonId) && refresh())),
      onResync(({ reconnect }) => void (reconnect && refresh())),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Takes a fresh answer; with `keepEdits`, lines the teacher has changed and not saved stay as typed. */
  private adopt(data: LessonAttendanceDto, keepEdits: boolean): void {
    const previous = Object.fromEntries(this.rows.map((row) => [row.id, row]));
    const marks = Object.fromEntries(data.marks.map((m) => [m.studentId, m]));
    const suggestions = Object.fromEntries(data.suggestions.map((s) => [s.studentId, s]));
    this.data = data;
    this.rows = data.roster.map((student) => {
      const mark = marks[student.id];
      const saved = mark ? { status: mark.status, comment: mark.comment ?? '' } : null;
      const suggestion = suggestions[student.id] ?? null;
      const before = previous[student.id];
      const edited = keepEdits && before && before.status !== null && (before.status !== before.saved?.status || before.comment.trim() !== (before.saved?.comment ?? ''));
      return {
        id: student.id,
        name: student.name,
        saved,
        suggestion,
        status: edited ? before.status : (saved?.status ?? null),
        comment: edited ? before.comment : (saved?.comment ?? ''),
      };
    });
    this.cursor = Math.min(this.cursor, Math.max(0, this.rows.length - 1));
  }

  /** The status shown: the teacher's (saved or typed), else the meeting's suggestion. */
  shown(row: MarkRow): { status: AttendanceStatus | null; suggested: boolean } {
    if (row.status) return { status: row.status, suggested: false };
    return { status: row.suggestion?.status ?? null, suggested: Boolean(row.suggestion) };
  }

  /**
   * What the meeting now suggests when it differs from a saved mark the teacher has not retyped —
   * e.g. confirmed absent, then the student joined late.
   */
  differingSuggestion(row: MarkRow): AttendanceStatus | null {
    const suggested = row.suggestion?.status;
    if (!row.saved || !suggested || suggested === row.saved.status || row.status !== row.saved.status) return null;
    return suggested;
  }

  /** One click: the meeting's differing suggestion replaces the saved mark, saved at once. */
  async acceptSuggestion(index: number): Promise<void> {
    const row = this.rows[index];
    const status = row && this.canEdit ? this.differingSuggestion(row) : null;
    if (row && status) await this.write([{ studentId: row.id, status, comment: row.comment.trim() || null }]);
  }

  move(by: number): void {
    if (!this.rows.length) return;
    this.cursor = Math.max(0, Math.min(this.rows.length - 1, this.cursor + by));
  }

  /** Sets a line's status; the keyboard then moves on to the next line. */
  set(index: number, status: AttendanceStatus, advance = false): void {
    const row = this.rows[index];
    if (!row || !this.canEdit) return;
    row.status = status;
    this.savedAt = null;
    if (advance) this.move(1);
  }

  setComment(index: number, comment: string): void {
    const row = this.rows[index];
    if (!row || !this.canEdit) return;
    row.comment = comment;
    if (row.status === null) row.status = this.shown(row).status ?? 'present';
    this.savedAt = null;
  }

  /** Every line present (typed, not saved yet: the teacher still saves). */
  everyonePresent(): void {
    for (let i = 0; i < this.rows.length; i += 1) this.set(i, 'present');
  }

  async save(): Promise<void> {
    const marks = this.changed.map((row) => ({ studentId: row.id, status: row.status!, comment: row.comment.trim() || null }));
    if (marks.length) await this.write(marks);
  }

  /** One click: every unmarked line takes the meeting's suggestion, saved at once. */
  async confirmSuggestions(): Promise<void> {
    const marks = this.rows.flatMap((row) => {
      const status = row.saved ? null : (row.status ?? row.suggestion?.status ?? null);
      return status ? [{ studentId: row.id, status, comment: row.comment.trim() || null }] : [];
    });
    if (marks.length) await this.write(marks);
  }

  private async write(marks: Array<{ studentId: string; status: AttendanceStatus; comment: string | null }>): Promise<void> {
    this.busy = 'save';
    this.error = null;
    try {
      const answer = await attendanceApi.save(this.eventId, marks);
      // An occurrence is stored by its first mark: keep addressing it by the stored id.
      if (answer.lesson.lessonId) this.eventId = answer.lesson.lessonId;
      this.adopt(answer, true);
      this.savedAt = Date.now();
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = null;
    }
  }

  async assign(participantKey: string, studentId: string | null): Promise<void> {
    this.busy = 'assign';
    try {
      this.adopt(await attendanceApi.assign(this.eventId, participantKey, studentId), true);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = null;
    }
  }

  async saveSettings(settings: AttendanceSettingsDto): Promise<void> {
    if (!this.data) return;
    this.busy = 'settings';
    try {
      await attendanceApi.saveSettings(this.data.lesson.groupId, settings);
      this.adopt(await attendanceApi.lesson(this.eventId), true);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = null;
    }
  }
}

export { STATUSES };
