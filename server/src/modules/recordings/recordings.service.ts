import { rooms, type LessonRecordingsDto, type Role } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import { RecordingsRepository } from './recordings.repository.js';
import { presentRecording } from './recordings.presenter.js';

export interface Actor {
  userId: string;
  role: Role;
}

/** Lesson recordings: listed to the lesson's teacher, its group's students and admins; announced live. */
export class RecordingsService {
  private readonly repo: RecordingsRepository;

  constructor(
    private readonly infra: Pick<Infra, 'orm' | 'broadcaster' | 'logger'>,
    private readonly groups: Pick<GroupsService, 'canRead'>,
  ) {
    this.repo = new RecordingsRepository(infra.orm);
  }

  async list(actor: Actor, lessonId: string): Promise<LessonRecordingsDto> {
    const lesson = await this.repo.lessonAudience(lessonId);
    // Someone else's lesson looks exactly like a missing one.
    const allowed = lesson && (actor.role === 'admin' || lesson.teacherId === actor.userId || (actor.role === 'student' && (await this.groups.canRead(actor, lesson.groupId))));
    if (!allowed) throw new AppError('lesson/not-found', 'Lesson not found');
    return { lessonId, items: (await this.repo.list(lessonId)).map(presentRecording) };
  }

  /**
   * Pushes recordings that were just stored (provider ids) to everyone who may list them: the
   * teacher's room, the group's room (its students) and the admins. A failed push is logged only.
   */
  async announce(lessonId: string, recordingIds: string[]): Promise<void> {
    if (!recordingIds.length) return;
    try {
      const lesson = await this.repo.lessonAudience(lessonId);
      if (!lesson) return;
      const recordings = (await this.repo.list(lessonId, recordingIds)).map(presentRecording);
      if (!recordings.length) return;
      const payload = { lessonId, groupId: lesson.groupId, recordings };
      const { broadcaster } = this.infra;
      await Promise.all([
        broadcaster.emit(rooms.teacher(lesson.teacherId), 'recording:added', payload),
        broadcaster.emit(rooms.group(lesson.groupId), 'recording:added', payload),
        broadcaster.emit(rooms.role('admin'), 'recording:added', payload),
      ]);
    } catch (error) {
      this.infra.logger.warn({ err: String(error), lessonId }, 'recording notice failed');
    }
  }
}
