import { randomUUID } from 'node:crypto';
import { occurrenceId, type CalendarEventDto, type Role } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { ScheduledJobRef, Scheduler } from '../jobs/scheduler.js';
import type { ChatAudience, MessageRow, Person } from '../chat/chat.repository.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { HomeworkService } from '../homework/homework.service.js';
import type { LessonChangeListener, ScheduleService } from '../schedule/schedule.service.js';
import type { RuleChangeListener } from '../schedule/rules.service.js';
import type { NotificationsService } from './notifications.service.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** The reminder goes this long before a lesson starts. */
export const REMIND_BEFORE_MS = 15 * MINUTE_MS;
/** Reminders of rule occurrences (not stored, so nothing schedules them on a write) are placed this far ahead. */
export const LOOKAHEAD_MS = 24 * HOUR_MS;
/** "Due tomorrow" goes this long before the due time. */
const DUE_NOTICE_BEFORE_MS = 24 * HOUR_MS;
/** At most one chat digest an hour per user. */
export const DIGEST_GAP_MS = HOUR_MS;
/** A job that fires a little early (clock skew between processes) still counts as on time. */
const EARLY_SLACK_MS = MINUTE_MS;
const EXCERPT_CHARS = 140;

/** Queue jobs at a moment (run by `notifications.jobs.ts`). */
export const LESSON_REMINDER: ScheduledJobRef<{ eventId: string }> = { name: 'notification-lesson-reminder' };
export const HOMEWORK_DUE_SOON: ScheduledJobRef<{ homeworkId: string; dueAt: string; studentId?: string }> = { name: 'notification-homework-due' };
export const CHAT_DIGEST: ScheduledJobRef<{ userId: string }> = { name: 'notification-chat-digest' };

/** Reads lessons as the system does (everyone's), never on a user's behalf. */
const SYSTEM = { userId: '00000000-0000-0000-0000-000000000000', role: 'admin' as Role };

/** A stored occurrence keeps its rule's key, so materialising it moves the same reminder. */
export const eventKey = (event: Pick<CalendarEventDto, 'id' | 'ruleId' | 'occurrenceDate'>): string =>
  event.ruleId && event.occurrenceDate ? occurrenceId(event.ruleId, event.occurrenceDate) : event.id;

/** A reminder is told once per lesson and start: a moved lesson is reminded of again. */
const reminderSubject = (event: CalendarEventDto): string => `${eventKey(event)}@${event.startAt}`;
const lessonData = (event: CalendarEventDto) => ({ title: event.title, groupName: event.groupName, startAt: event.startAt });
const chatLink = (chatId: string) => `/app/chats?c=${chatId}`;
const name = (p: Pick<Person, 'firstName' | 'lastName'>) => `${p.firstName} ${p.lastName}`.trim();
const points = (h: number) => String(Math.round(h) / 100);
const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "@Имя" or "@Имя Фамилия", any case, not followed by more letters. */
export function mentions(text: string, person: Pick<Person, 'firstName'>): boolean {
  if (!person.firstName) return false;
  return new RegExp(`@${escapeRegExp(person.firstName)}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/**
 * Turns what happens in the schedule, homework and chat into notices: reminders at a moment through
 * the scheduler, moved and cancelled lessons, homework assigned, graded and due, chat messages to
 * people who are away (mailed in an hourly digest).
 */
export class NotificationTriggers {
  constructor(
    private readonly infra: Pick<Infra, 'clock' | 'logger'>,
    private readonly deps: {
      centre: NotificationsService;
      schedule: ScheduleService;
      groups: Pick<GroupsService, 'recipients'>;
      homework: Pick<HomeworkService, 'owing'>;
      scheduler: Scheduler;
      online: (userIds: string[]) => Promise<Set<string>>;
    },
  ) {
    deps.centre.scheduleDigestsWith((userId) => this.scheduleDigest(userId));
  }

  private now(): number {
    return this.infra.clock.now().getTime();
  }

  private async studentsOf(groupId: string): Promise<string[]> {
    return (await this.deps.groups.recipients(groupId)).map((s) => s.id);
  }

  // ---------------------------------------------------------------- lessons

  readonly lessonChanged: LessonChangeListener = async ({ before, after }) => {
    const key = eventKey(after);
    if (after.status === 'scheduled') await this.placeReminder(after);
    else if (after.status === 'cancelled') await this.deps.scheduler.cancel(LESSON_REMINDER, key);
    if (!before) return;
    const moved = before.startAt.getTime() !== Date.parse(after.startAt);
    // A stale "starts in 15 minutes" turns read; a moved lesson's own reminder (if due already) stays.
    if (after.status === 'cancelled') await this.deps.centre.markRemindersRead(key, null);
    else if (moved) await this.deps.centre.markRemindersRead(key, reminderSubject(after));
    if (Date.parse(after.endAt) <= this.now()) return;
    if (after.status === 'cancelled' && before.status !== 'cancelled') {
      await this.deps.centre.notify(await this.studentsOf(after.groupId), { kind: 'lesson_cancelled', subject: key, data: lessonData(after), link: '/app/calendar' });
    } else if (after.status === 'scheduled' && moved) {
      const data = { ...lessonData(after), previousStartAt: before.startAt.toISOString() };
      await this.deps.centre.notify(await this.studentsOf(after.groupId), { kind: 'lesson_moved', subject: `${key}@${after.startAt}`, data, link: '/app/calendar' });
    }
  };

  /**
   * A series moved or cut short: its students hear once (not once per lesson), and the reminder of
   * its next lesson, if already out, turns read. Each change is news of its own, so its subject is
   * new every time (a direct write, never retried).
   */
  readonly ruleChanged: RuleChangeListener = async ({ kind, rule, groupName, fromDate, previous, next }) => {
    await this.deps.centre.markRemindersRead(previous.key, next?.key === previous.key ? `${next.key}@${next.startAt}` : null);
    const data = {
      title: rule.title,
      groupName,
      series: true,
      fromDate,
      ...(next ? { startAt: next.startAt, previousStartAt: previous.startAt } : {}),
      ...(next && rule.weekType !== 'ALL' ? { weekType: rule.weekType } : {}),
    };
    const notice = { kind: kind === 'moved' ? ('lesson_moved' as const) : ('lesson_cancelled' as const), subject: `series:${rule.id}:${randomUUID()}`, data, link: '/app/calendar' };
    await this.deps.centre.notify(await this.studentsOf(rule.groupId), notice);
  };

  /** One waiting reminder per lesson; placing it again moves it. */
  private async placeReminder(event: CalendarEventDto): Promise<void> {
    const start = Date.parse(event.startAt);
    if (start <= this.now()) return;
    await this.deps.scheduler.schedule(LESSON_REMINDER, eventKey(event), new Date(start - REMIND_BEFORE_MS), { eventId: eventKey(event) });
  }

  /** The reminder job: the lesson is read again, so a moved, cancelled or started lesson is not announced. */
  async remindLesson(eventId: string): Promise<number> {
    const event = await this.deps.schedule.getEvent(SYSTEM, eventId).then((found) => found.event, () => null);
    if (!event || event.status !== 'scheduled') return 0;
    const start = Date.parse(event.startAt);
    const now = this.now();
    if (start <= now) return 0;
    if (start - REMIND_BEFORE_MS > now + EARLY_SLACK_MS) {
      await this.placeReminder(event);
      return 0;
    }
    const people = [event.teacherId, ...(await this.studentsOf(event.groupId))];
    return this.deps.centre.notify(people, { kind: 'lesson_starting', subject: reminderSubject(event), data: lessonData(event), link: '/app' });
  }

  /**
   * The periodic duty: every lesson of the next 24 h (rule occurrences included) has its reminder
   * waiting at the right moment; one already inside its 15 minutes is announced now (idempotent).
   */
  async placeUpcomingReminders(): Promise<void> {
    const now = this.now();
    const events = await this.deps.schedule.reader.events({ includeArchived: false }, new Date(now), new Date(now + LOOKAHEAD_MS));
    for (const event of events) {
      const start = Date.parse(event.startAt);
      if (event.status !== 'scheduled' || start <= now) continue;
      if (start - REMIND_BEFORE_MS <= now) {
        await this.remindLesson(eventKey(event));
        continue;
      }
      const waiting = await this.deps.scheduler.scheduledAt(LESSON_REMINDER, eventKey(event));
      if (!waiting || Math.abs(waiting.getTime() - (start - REMIND_BEFORE_MS)) > EARLY_SLACK_MS) await this.placeReminder(event);
    }
  }

  // ---------------------------------------------------------------- homework

  async homeworkPublished(homework: { id: string; title: string; groupId: string; groupName: string; dueAt: Date }): Promise<void> {
    const data = { title: homework.title, groupName: homework.groupName, dueAt: homework.dueAt.toISOString() };
    await this.deps.centre.notify(await this.studentsOf(homework.groupId), { kind: 'homework_assigned', subject: homework.id, data, link: `/app/homework/${homework.id}` });
  }

  async homeworkGraded(graded: { homeworkId: string; title: string; attemptId: string; studentId: string; scoreH: number | null; maxH: number }): Promise<void> {
    const data = { title: graded.title, ...(graded.scoreH === null ? {} : { score: `${points(graded.scoreH)} / ${points(graded.maxH)}` }) };
    await this.deps.centre.notify([graded.studentId], { kind: 'homework_graded', subject: graded.attemptId, data, link: `/app/homework/${graded.homeworkId}` });
  }

  /** A due time set or moved: "due tomorrow" waits for 24 h before it (none when that is already past). */
  async dueMomentSet(homeworkId: string, dueAt: Date, studentId?: string): Promise<void> {
    const key = studentId ? `${homeworkId}:${studentId}` : homeworkId;
    const at = dueAt.getTime() - DUE_NOTICE_BEFORE_MS;
    if (at <= this.now()) await this.deps.scheduler.cancel(HOMEWORK_DUE_SOON, key);
    else await this.deps.scheduler.schedule(HOMEWORK_DUE_SOON, key, new Date(at), { homeworkId, dueAt: dueAt.toISOString(), ...(studentId ? { studentId } : {}) });
  }

  /** The "due tomorrow" job: students who have handed in nothing and whose due time is still this one. */
  async remindDue(job: { homeworkId: string; dueAt: string; studentId?: string }): Promise<number> {
    const owing = await this.deps.homework.owing(job.homeworkId);
    const due = Date.parse(job.dueAt);
    const now = this.now();
    if (!owing || owing.status !== 'published' || due <= now || due - now > DUE_NOTICE_BEFORE_MS + EARLY_SLACK_MS) return 0;
    const students = owing.students.filter((s) => s.dueAt?.getTime() === due && (!job.studentId || s.studentId === job.studentId)).map((s) => s.studentId);
    const data = { title: owing.title, groupName: owing.groupName, dueAt: job.dueAt };
    return this.deps.centre.notify(students, { kind: 'homework_due', subject: `${job.homeworkId}@${job.dueAt}`, data, link: `/app/homework/${job.homeworkId}` });
  }

  // ---------------------------------------------------------------- chat

  /** A 1:1 message, or an @mention in a group chat, to members who are not online. */
  async messageSent({ audience, message }: { audience: ChatAudience; message: MessageRow }): Promise<void> {
    if (message.deletedAt || !message.text) return;
    const others = audience.members.filter((m) => m.id !== message.sender.id);
    const direct = audience.kind === 'direct' ? others : [];
    const mentioned = audience.kind === 'group' ? others.filter((m) => mentions(message.text, m)) : [];
    if (!direct.length && !mentioned.length) return;
    const online = await this.deps.online([...direct, ...mentioned].map((m) => m.id));
    const away = (people: Person[]) => people.filter((p) => !online.has(p.id)).map((p) => p.id);
    const excerpt = message.text.length > EXCERPT_CHARS ? `${message.text.slice(0, EXCERPT_CHARS - 1)}…` : message.text;
    const data = { senderName: name(message.sender), excerpt, ...(audience.groupName ? { groupName: audience.groupName } : {}) };
    const link = chatLink(audience.id);
    if (direct.length) await this.deps.centre.notify(away(direct), { kind: 'chat_direct', subject: message.id, data, link });
    if (mentioned.length) await this.deps.centre.notify(away(mentioned), { kind: 'chat_mention', subject: message.id, data, link });
  }

  /** A member who read a chat to its end has seen its messages: their chat notices turn read. */
  async chatRead({ userId, chatId, unread }: { userId: string; chatId: string; unread: number }): Promise<void> {
    if (unread === 0) await this.deps.centre.markChatRead(userId, chatLink(chatId));
  }

  /** The first missed message asks for a digest an hour after the last one (or now); later ones wait for it. */
  async scheduleDigest(userId: string): Promise<void> {
    if (await this.deps.scheduler.scheduledAt(CHAT_DIGEST, userId)) return;
    const last = await this.deps.centre.repo.lastDigestAt(userId);
    const at = new Date(Math.max(this.now(), (last?.getTime() ?? 0) + DIGEST_GAP_MS));
    await this.deps.scheduler.schedule(CHAT_DIGEST, userId, at, { userId }).catch(async (error: unknown) => {
      // A concurrent message placed it first: that digest carries this message too.
      if (!(await this.deps.scheduler.scheduledAt(CHAT_DIGEST, userId))) throw error;
    });
  }

  /** The digest job; when run inside the hour (a repeat, a race) it only waits for the hour's end. */
  async sendDigest(userId: string): Promise<void> {
    const again = await this.deps.centre.sendDigest(userId, DIGEST_GAP_MS);
    if (again) await this.deps.scheduler.schedule(CHAT_DIGEST, userId, again, { userId });
  }
}
