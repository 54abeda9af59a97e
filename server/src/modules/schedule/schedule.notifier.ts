import { rooms, type CalendarEventDto } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { GroupChange } from '../groups/groups.service.js';
import type { CalendarReader } from './calendar.js';

const DAY_MS = 86_400_000;
/** Rule changes are pushed for the span open calendars most likely show. */
const WINDOW_BEFORE_DAYS = 14;
const WINDOW_AFTER_DAYS = 56;

/**
 * Pushes `calendar:changed` to the teacher's and the group's rooms (and single students). Admins read
 * every teacher's calendar, so whatever the teacher's room gets, the admins' room gets too.
 */
export class ScheduleNotifier {
  constructor(
    private readonly infra: Infra,
    private readonly reader: CalendarReader,
  ) {}

  window(): { from: Date; to: Date } {
    const now = this.infra.clock.now().getTime();
    return { from: new Date(now - WINDOW_BEFORE_DAYS * DAY_MS), to: new Date(now + WINDOW_AFTER_DAYS * DAY_MS) };
  }

  async emit(teacherId: string, groupId: string, events: CalendarEventDto[], removedIds: string[]): Promise<void> {
    if (!events.length && !removedIds.length) return;
    const payload = { events, removedIds };
    await Promise.all([this.toTeacher(teacherId, payload), this.infra.broadcaster.emit(rooms.group(groupId), 'calendar:changed', payload)]);
  }

  private async toTeacher(teacherId: string, payload: { events: CalendarEventDto[]; removedIds: string[] }): Promise<void> {
    await Promise.all([
      this.infra.broadcaster.emit(rooms.teacher(teacherId), 'calendar:changed', payload),
      this.infra.broadcaster.emit(rooms.role('admin'), 'calendar:changed', payload),
    ]);
  }

  /**
   * After a teacher's week anchor moved, alternating rules fall on other weeks: every open calendar
   * of the teacher and of their groups gets the window's new events and loses the old ones.
   */
  async anchorChanged(teacherId: string, before: CalendarEventDto[]): Promise<void> {
    const { from, to } = this.window();
    const after = await this.reader.events({ teacherId, includeArchived: false }, from, to);
    const current = new Set(after.map((e) => e.id));
    const removed = before.filter((e) => !current.has(e.id));
    const groupIds = new Set([...before, ...after].map((e) => e.groupId));
    await Promise.all(
      [...groupIds].map((groupId) =>
        this.infra.broadcaster.emit(rooms.group(groupId), 'calendar:changed', {
          events: after.filter((e) => e.groupId === groupId),
          removedIds: removed.filter((e) => e.groupId === groupId).map((e) => e.id),
        }),
      ),
    );
    await this.toTeacher(teacherId, { events: after, removedIds: removed.map((e) => e.id) });
  }

  /** Keeps open calendars right when a group's membership, name or archive state changes. */
  async groupChanged(change: GroupChange): Promise<void> {
    const { from, to } = this.window();
    const { broadcaster } = this.infra;
    if (change.kind === 'membership') {
      const events = await this.reader.events({ groupId: change.groupId, includeArchived: false }, from, to);
      const payload = change.joined ? { events, removedIds: [] } : { events: [], removedIds: events.map((e) => e.id) };
      if (events.length) await broadcaster.emit(rooms.user(change.studentId), 'calendar:changed', payload);
      return;
    }
    const teacherView = await this.reader.events({ groupId: change.groupId, includeArchived: true }, from, to);
    if (change.archived) {
      // Archived: students lose everything; the teacher keeps stored lessons, occurrences go.
      const everything = await this.reader.events({ groupId: change.groupId, includeArchived: true, expandArchived: true }, from, to);
      const kept = new Set(teacherView.map((e) => e.id));
      const occurrences = everything.filter((e) => !kept.has(e.id)).map((e) => e.id);
      await this.toTeacher(change.teacherId, { events: teacherView, removedIds: occurrences });
      if (everything.length) await broadcaster.emit(rooms.group(change.groupId), 'calendar:changed', { events: [], removedIds: everything.map((e) => e.id) });
      return;
    }
    await this.emit(change.teacherId, change.groupId, teacherView, []);
  }
}
