import { DateTime } from 'luxon';
import type { CapacityWarningDto, ForecastDto, ForecastOverloadDto, HeatmapDto, OccupancyDto } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { ScheduleService } from '../schedule/schedule.service.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { bucketise, coverage, coveredAt, type Interval } from './intervals.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SAMPLE_MS = 5 * MINUTE;

/** The pool seen over time: what it did (occupancy, saturation) and what the calendar will ask of it. */
export class AnalyticsService {
  private readonly repo: AnalyticsRepository;

  constructor(
    private readonly infra: Infra,
    private readonly schedule: () => ScheduleService,
  ) {
    this.repo = new AnalyticsRepository(infra.orm);
  }

  async occupancy(range: '24h' | '7d'): Promise<OccupancyDto> {
    const bucketMinutes = range === '24h' ? 15 : 60;
    const bucketMs = bucketMinutes * MINUTE;
    const now = this.infra.clock.now().getTime();
    const to = Math.ceil(now / bucketMs) * bucketMs;
    const from = to - (range === '24h' ? DAY : 7 * DAY);
    const [capacity, spans] = await Promise.all([this.repo.capacity(), this.repo.leaseSpans(new Date(from), new Date(to), new Date(now))]);
    const points = bucketise(spans, from, to, bucketMs).map((p) => ({ at: new Date(p.at).toISOString(), busy: p.busy, peak: p.peak }));
    return { range, bucketMinutes, capacity, points };
  }

  async heatmap(weeks: number, timezone = 'UTC'): Promise<HeatmapDto> {
    const now = this.infra.clock.now().getTime();
    const to = Math.floor(now / SAMPLE_MS) * SAMPLE_MS;
    const from = to - weeks * 7 * DAY;
    const [capacity, spans] = await Promise.all([this.repo.capacity(), this.repo.leaseSpans(new Date(from), new Date(to), new Date(now))]);
    const segments = coverage(spans);
    const saturated = grid();
    const samples = grid();
    for (let at = from; at < to; at += SAMPLE_MS) {
      const local = DateTime.fromMillis(at, { zone: timezone });
      const row = saturated[local.weekday - 1]!;
      samples[local.weekday - 1]![local.hour]! += 1;
      if (capacity > 0 && coveredAt(segments, at) >= capacity) row[local.hour]! += 1;
    }
    const cells = saturated.map((row, d) => row.map((count, h) => (samples[d]![h] ? Math.round((count / samples[d]![h]!) * 1000) / 1000 : 0)));
    return { weeks, timezone, capacity, cells };
  }

  /** For the next `days` days: the daily peak of simultaneous lessons and every slot above capacity. */
  async forecast(days: number, timezone = 'UTC'): Promise<ForecastDto> {
    const now = this.infra.clock.now();
    const start = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
    const end = start.plus({ days });
    const [capacity, intervals] = await Promise.all([this.repo.capacity(), this.intervals(now, end.toJSDate())]);
    const segments = coverage(intervals.map((i) => ({ start: i.start, end: i.end })));

    const dayRows: ForecastDto['days'] = [];
    for (let day = start; day < end; day = day.plus({ days: 1 })) {
      const dayStart = day.toMillis();
      const dayEnd = day.plus({ days: 1 }).toMillis();
      const peak = segments.filter((s) => s.start < dayEnd && s.end > dayStart).reduce((max, s) => Math.max(max, s.count), 0);
      dayRows.push({ date: day.toISODate()!, peak, capacity, overloaded: peak > capacity });
    }

    const overloads: ForecastOverloadDto[] = [];
    for (const segment of segments) {
      if (segment.count <= capacity) continue;
      const members = segment.members.map((m) => intervals[m]!);
      const last = overloads[overloads.length - 1];
      if (last && Date.parse(last.endAt) === segment.start) {
        last.endAt = new Date(segment.end).toISOString();
        last.scheduled = Math.max(last.scheduled, segment.count);
        for (const member of members) {
          if (last.lessonIds.includes(member.lessonId)) continue;
          last.lessonIds.push(member.lessonId);
          last.lessons.push(overloadLesson(member));
        }
      } else {
        overloads.push({
          startAt: new Date(segment.start).toISOString(),
          endAt: new Date(segment.end).toISOString(),
          scheduled: segment.count,
          capacity,
          lessonIds: members.map((m) => m.lessonId),
          lessons: members.map(overloadLesson),
        });
      }
    }
    for (const overload of overloads) overload.lessons.sort((a, b) => a.startAt.localeCompare(b.startAt));
    return { from: start.toUTC().toISO()!, to: end.toUTC().toISO()!, timezone, capacity, days: dayRows, overloads };
  }

  /** A warning (never a refusal) when [startAt, endAt) would need more rooms than the pool has. */
  async capacityWarning(startAt: Date, endAt: Date): Promise<CapacityWarningDto | null> {
    const [capacity, intervals] = await Promise.all([this.repo.capacity(), this.intervals(startAt, endAt)]);
    const peak = coverage(intervals).reduce((max, s) => Math.max(max, s.count), 0);
    if (peak <= capacity) return null;
    return { startAt: startAt.toISOString(), endAt: endAt.toISOString(), scheduled: peak, capacity };
  }

  private async intervals(from: Date, to: Date): Promise<ScheduledInterval[]> {
    const scheduled = await this.schedule().scheduledIntervals(from, to);
    return scheduled.map((s) => ({ ...s, start: s.startAt.getTime(), end: s.endAt.getTime() }));
  }
}

type ScheduledInterval = Interval & Awaited<ReturnType<ScheduleService['scheduledIntervals']>>[number];

function overloadLesson(lesson: ScheduledInterval): ForecastOverloadDto['lessons'][number] {
  const { lessonId: id, title, groupName, teacherName, startAt, endAt } = lesson;
  return { id, title, groupName, teacherName, startAt: startAt.toISOString(), endAt: endAt.toISOString() };
}

function grid(): number[][] {
  return Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
}
