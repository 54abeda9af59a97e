import { rooms } from '@tp/shared/constants';
import type { CalendarChangedPayload, CalendarEventDto, GroupDto, Role } from '@tp/shared';
import { http } from '$lib/api/http.js';
import { onResync, onSocket, trackRoom } from '$lib/api/socket.js';
import { scheduleApi, type LessonChanges, type LessonWrite, type RuleChanges, type RuleInput, type RuleWrite } from './api.js';

/**
 * The events of the visible calendar range, kept live: `calendar:changed` pushes are merged in,
 * and a reconnect or a skipped sequence number reloads the range (the push alone may have been lost).
 */
export class CalendarState {
  events = $state<CalendarEventDto[]>([]);
  groups = $state<GroupDto[]>([]);
  loading = $state(false);
  error = $state<unknown>(null);
  /** Bumped on every change, so the FullCalendar view knows to re-read `events`. */
  version = $state(0);
  /** The start of the range `events` belong to (ISO), once loaded. */
  loadedFrom: string | null = null;
  private range: { from: string; to: string } | null = null;
  private aborter: AbortController | null = null;

  constructor(
    private readonly userId: string,
    readonly role: Role,
  ) {}

  get canEdit(): boolean {
    return this.role === 'teacher';
  }

  /** Groups the viewer schedules for (teacher) or belongs to (student), archived ones left out. */
  async loadGroups(): Promise<void> {
    const { groups } = await http.get<{ groups: GroupDto[] }>('/api/groups');
    this.groups = groups.filter((group) => !group.archived);
  }

  /** Shows [from, to); loads when it differs from what is loaded. */
  setRange(from: Date, to: Date): void {
    const next = { from: from.toISOString(), to: to.toISOString() };
    if (this.range && this.range.from === next.from && this.range.to === next.to) return;
    this.range = next;
    void this.reload();
  }

  async reload(): Promise<void> {
    if (!this.range) return;
    this.aborter?.abort();
    const aborter = (this.aborter = new AbortController());
    const { from, to } = this.range;
    this.loading = true;
    try {
      const events = await scheduleApi.events(from, to, aborter.signal);
      if (aborter.signal.aborted) return;
      this.events = events;
      this.loadedFrom = from;
      this.error = null;
      this.version += 1;
    } catch (error) {
      if (!aborter.signal.aborted) this.error = error;
    } finally {
      if (this.aborter === aborter) this.loading = false;
    }
  }

  /** Merges a push: removed ids go, changed events replace their previous versions. */
  apply(change: Pick<CalendarChangedPayload, 'events' | 'removedIds'>): void {
    const gone = [...change.removedIds, ...change.events.map((event) => event.id)];
    const inRange = change.events.filter((event) => this.inRange(event));
    this.events = [...this.events.filter((event) => !gone.includes(event.id)), ...inRange];
    this.version += 1;
  }

  /** Loads groups and follows live changes; returns the cleanup (an `$effect` return value). */
  follow(): () => void {
    const stops: Array<() => void> = [
      onSocket('calendar:changed', (change) => this.apply(change)),
      onSocket('lesson:live', ({ lessonId }) => this.patch(lessonId, { live: true, status: 'live' })),
      onSocket('lesson:ended', ({ lessonId }) => this.patch(lessonId, { live: false, status: 'completed' })),
      // Every (re)connect: the range may have changed while no socket listened.
      onResync(() => void this.reload()),
    ];
    const gap = () => void this.reload();
    stops.push(trackRoom(rooms.user(this.userId), gap));
    if (this.role === 'teacher') stops.push(trackRoom(rooms.teacher(this.userId), gap));
    if (this.role === 'admin') stops.push(trackRoom(rooms.role('admin'), gap));
    void this.loadGroups()
      .then(() => {
        if (this.role === 'student') for (const group of this.groups) stops.push(trackRoom(rooms.group(group.id), gap));
      })
      .catch((error: unknown) => (this.error = error));
    return () => {
      this.aborter?.abort();
      stops.forEach((stop) => stop());
    };
  }

  // Writes. Each applies the server's answer at once (the push that follows is then a no-op).

  async createLesson(body: { groupId: string; title: string; startAt: string; endAt: string }): Promise<LessonWrite> {
    return this.applied(await scheduleApi.createLesson(body));
  }

  /** Edits a stored lesson or materialises an occurrence (its `rule:` id is replaced by the stored one). */
  async updateLesson(id: string, changes: LessonChanges): Promise<LessonWrite> {
    const result = await scheduleApi.updateLesson(id, changes);
    this.apply({ events: [result.event], removedIds: id === result.event.id ? [] : [id] });
    return result;
  }

  async cancelLesson(id: string): Promise<LessonWrite> {
    const result = await scheduleApi.cancelLesson(id);
    this.apply({ events: [result.event], removedIds: id === result.event.id ? [] : [id] });
    return result;
  }

  /** Rule writes change many occurrences: the range is reloaded (pushes arrive too). */
  async createRule(body: RuleInput): Promise<RuleWrite> {
    const result = await scheduleApi.createRule(body);
    await this.reload();
    return result;
  }

  async updateRule(id: string, changes: RuleChanges): Promise<RuleWrite> {
    const result = await scheduleApi.updateRule(id, changes);
    await this.reload();
    return result;
  }

  async deleteRule(id: string, fromDate?: string): Promise<void> {
    await scheduleApi.deleteRule(id, fromDate);
    await this.reload();
  }

  find(id: string): CalendarEventDto | undefined {
    return this.events.find((event) => event.id === id);
  }

  private applied(result: LessonWrite): LessonWrite {
    this.apply({ events: [result.event], removedIds: [] });
    return result;
  }

  private patch(id: string, fields: Partial<CalendarEventDto>): void {
    if (!this.events.some((event) => event.id === id)) return;
    this.events = this.events.map((event) => (event.id === id ? { ...event, ...fields } : event));
    this.version += 1;
  }

  private inRange(event: CalendarEventDto): boolean {
    if (!this.range) return false;
    return Date.parse(event.endAt) > Date.parse(this.range.from) && Date.parse(event.startAt) < Date.parse(this.range.to);
  }
}
