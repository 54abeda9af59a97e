import type { ControlPointDto, CreateControlPointBody, PutScoresBody } from '@tp/shared';
import type { TestApp } from '../setup/app.js';
import type { BuiltGroup } from './groups.js';

const teacherOf = (built: BuiltGroup) => ({ userId: built.teacher.user.id, role: 'teacher' as const });

/** A control point of the group's teacher through the service (an exam out of 100, weight 1, by default). */
export function buildControlPoint(app: TestApp, built: BuiltGroup, overrides: Partial<CreateControlPointBody> = {}): Promise<ControlPointDto> {
  return app.ctx.services.gradebook.controlPoints.create(teacherOf(built), built.group.id, { title: 'Exam', kind: 'exam', maxPoints: 100, weight: 1, ...overrides });
}

/** Scores given by the group's teacher: `[studentIndex, points]` pairs, or full score inputs. */
export async function scoreControlPoint(app: TestApp, built: BuiltGroup, controlPointId: string, scores: Array<[number, number | null] | PutScoresBody['scores'][number]>): Promise<void> {
  const list = scores.map((s) => (Array.isArray(s) ? { studentId: built.students[s[0]]!.user.id, points: s[1] } : s));
  await app.ctx.services.gradebook.controlPoints.putScores(teacherOf(built), controlPointId, { scores: list });
}

/** Attendance marks of a stored lesson by the group's teacher: `[studentIndex, status]` pairs. */
export async function markAttendance(app: TestApp, built: BuiltGroup, lessonId: string, marks: Array<[number, 'present' | 'late' | 'excused' | 'absent']>): Promise<void> {
  await app.ctx.services.attendance.saveMarks(
    teacherOf(built),
    lessonId,
    marks.map(([i, status]) => ({ studentId: built.students[i]!.user.id, status })),
  );
}

/** The student hands in the homework with every answer right (through the services, as the routes do). */
export async function submitHomework(app: TestApp, built: BuiltGroup, studentIndex: number, homeworkId: string, answers: Record<string, unknown>): Promise<void> {
  const actor = { userId: built.students[studentIndex]!.user.id, role: 'student' as const };
  const attempts = app.ctx.services.homework.attempts;
  const attempt = await attempts.start(actor, homeworkId);
  for (const [questionId, answer] of Object.entries(answers)) await attempts.saveAnswer(actor, attempt.id, questionId, answer);
  await attempts.submit(actor, attempt.id);
}
