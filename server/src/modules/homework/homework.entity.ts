import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { GradeBy, HomeworkStatus, QuestionBody, ReleaseResults } from '@tp/shared';

/** The tables of `Migration20261202000009_homework`; the repository reads and writes them with SQL. Points are hundredths. */
@Entity({ tableName: 'homework' })
export class Homework {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) teacherId!: string;
  @Property({ type: 'uuid' }) groupId!: string;
  @Property({ type: 'uuid', nullable: true }) lessonId: string | null = null;
  @Property({ type: 'string', length: 200 }) title!: string;
  @Property({ type: 'text' }) instructions = '';
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) opensAt: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) dueAt: Date | null = null;
  @Property({ type: 'integer' }) attemptsAllowed = 1;
  @Property({ type: 'string', length: 8 }) gradeBy: GradeBy = 'best';
  @Property({ type: 'string', length: 16 }) releaseResults: ReleaseResults = 'immediately';
  @Property({ type: 'string', length: 16 }) status: HomeworkStatus = 'draft';
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) publishedAt: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) closedAt: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) resultsReleasedAt: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt: Date = new Date();
}

@Entity({ tableName: 'homework_questions' })
export class HomeworkQuestion {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) homeworkId!: string;
  @Property({ type: 'integer' }) position!: number;
  @Property({ type: 'string', length: 32 }) type!: string;
  @Property({ type: 'integer', fieldName: 'points_h' }) pointsH!: number;
  @Property({ type: 'json' }) body!: QuestionBody;
}

@Entity({ tableName: 'homework_attempts' })
export class HomeworkAttempt {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) homeworkId!: string;
  @Property({ type: 'uuid' }) studentId!: string;
  @Property({ type: 'integer' }) number!: number;
  @Property({ type: 'string', length: 16 }) state!: string;
  @Property({ type: 'integer' }) seed!: number;
  @Property({ type: 'Date', columnType: 'timestamptz' }) startedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) submittedAt: Date | null = null;
  @Property({ type: 'boolean' }) late = false;
  @Property({ type: 'integer', nullable: true, fieldName: 'score_h' }) scoreH: number | null = null;
  @Property({ type: 'integer', fieldName: 'max_h' }) maxH = 0;
  @Property({ type: 'integer' }) pendingManual = 0;
}

@Entity({ tableName: 'homework_answers' })
export class HomeworkAnswer {
  @PrimaryKey({ type: 'uuid' }) attemptId!: string;
  @PrimaryKey({ type: 'uuid' }) questionId!: string;
  @Property({ type: 'json' }) answer!: unknown;
  @Property({ type: 'Date', columnType: 'timestamptz' }) savedAt!: Date;
  @Property({ type: 'integer', nullable: true, fieldName: 'score_h' }) scoreH: number | null = null;
  @Property({ type: 'text', nullable: true }) feedback: string | null = null;
  @Property({ type: 'text', nullable: true }) comment: string | null = null;
}

@Entity({ tableName: 'homework_students' })
export class HomeworkStudent {
  @PrimaryKey({ type: 'uuid' }) homeworkId!: string;
  @PrimaryKey({ type: 'uuid' }) studentId!: string;
  @Property({ type: 'boolean' }) excused = false;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) dueAtOverride: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) missedAt: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) backlogUntil: Date | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) closedAt: Date | null = null;
}

export const homeworkEntities = [Homework, HomeworkQuestion, HomeworkAttempt, HomeworkAnswer, HomeworkStudent];
