import type { CreateHomeworkBody, HomeworkDto, QuestionBody, TeacherQuestionDto } from '@tp/shared';
import { questionBody } from '@tp/shared';
import type { TestApp } from '../setup/app.js';
import type { BuiltGroup } from './groups.js';

/** One question of every type, each with its key (as a teacher would build them). */
export function sampleQuestions(): QuestionBody[] {
  const raw: unknown[] = [
    { type: 'single_choice', points: 1, prompt: 'Capital of France?', options: [{ text: 'Paris', credit: 1 }, { text: 'Lyon', credit: 0 }, { text: 'Nice', credit: -0.5 }] },
    { type: 'multiple_response', points: 2, prompt: 'Prime numbers?', options: [{ text: 'two', credit: 0.5 }, { text: 'three', credit: 0.5 }, { text: 'four' }, { text: 'six' }] },
    { type: 'true_false', points: 1, prompt: 'The Earth is round.', correct: true },
    { type: 'short_answer', points: 1, prompt: 'Name the author of "War and Peace".', answers: [{ text: 'Tolstoy', credit: 1 }, { text: 'Tolst*', credit: 0.5 }] },
    { type: 'numeric', points: 1, prompt: 'Pi to two places?', answers: [{ value: '3.14', tolerance: '0.005', credit: 1 }, { value: '3', tolerance: '0.2', credit: 0.5 }] },
    { type: 'matching', points: 2, prompt: 'Match capitals.', pairs: [{ stem: 'France', choice: 'Paris' }, { stem: 'Italy', choice: 'Rome' }], distractors: [{ text: 'Berlin' }] },
    { type: 'ordering', points: 1, prompt: 'Order the numbers.', items: [{ text: 'one' }, { text: 'two' }, { text: 'three' }], grading: 'relative_to_correct_position' },
    {
      type: 'cloze',
      points: 3,
      prompt: 'Fill in the gaps.',
      text: 'Water boils at {{1}} degrees; its formula is {{2}}; it is {{3}}.',
      gaps: [
        { rule: { kind: 'numeric', answers: [{ value: '100', tolerance: '0', credit: 1 }] } },
        { rule: { kind: 'short_answer', answers: [{ text: 'H2O', credit: 1 }] } },
        { rule: { kind: 'choice', options: [{ text: 'wet', credit: 1 }, { text: 'dry', credit: 0 }] } },
      ],
    },
    { type: 'free_text', points: 5, prompt: 'Describe your summer.', wordLimit: 200 },
  ];
  return raw.map((q) => questionBody.parse(q));
}

export interface BuiltHomework {
  homework: HomeworkDto;
  questions: TeacherQuestionDto[];
}

const actorOf = (built: BuiltGroup) => ({ userId: built.teacher.user.id, role: 'teacher' as const });

/** A homework of the group's teacher through the service, with the given questions (every type by default), published unless `publish: false`. */
export async function buildHomework(
  app: TestApp,
  built: BuiltGroup,
  overrides: Partial<CreateHomeworkBody> & { questions?: QuestionBody[]; publish?: boolean } = {},
): Promise<BuiltHomework> {
  const service = app.ctx.services.homework;
  const { questions = sampleQuestions(), publish = true, ...fields } = overrides;
  const actor = actorOf(built);
  const dueAt = fields.dueAt ?? new Date(app.clock.now().getTime() + 3 * 86_400_000).toISOString();
  let homework = await service.create(actor, { groupId: built.group.id, title: 'Homework', attemptsAllowed: 1, gradeBy: 'best', releaseResults: 'immediately', ...fields, dueAt });
  for (const question of questions) await service.addQuestion(actor, homework.id, question);
  if (publish) homework = await service.publish(actor, homework.id);
  const full = await service.get(actor, homework.id);
  return { homework: full.homework, questions: full.questions as TeacherQuestionDto[] };
}

/** Full-credit answers to the sample questions, worked out from the teacher's keys (free text: a sentence). */
export function rightAnswers(questions: TeacherQuestionDto[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    switch (q.type) {
      case 'single_choice':
        answers[q.id] = { optionId: q.options.find((o) => o.credit === 1)!.id };
        break;
      case 'multiple_response':
        answers[q.id] = { optionIds: q.options.filter((o) => (o.credit ?? 0) > 0).map((o) => o.id) };
        break;
      case 'true_false':
        answers[q.id] = { value: q.correct };
        break;
      case 'short_answer':
        answers[q.id] = { text: q.answers.find((a) => a.credit === 1)!.text.replace(/\*/g, '') };
        break;
      case 'numeric':
        answers[q.id] = { text: q.answers.find((a) => a.credit === 1)!.value.replace('.', ',') };
        break;
      case 'matching':
        answers[q.id] = { pairs: Object.fromEntries(q.pairs.map((p) => [p.id, p.choiceId])) };
        break;
      case 'ordering':
        answers[q.id] = { order: q.items.map((i) => i.id) };
        break;
      case 'cloze':
        answers[q.id] = {
          gaps: Object.fromEntries(
            q.gaps.map((g) => [g.id, g.rule.kind === 'choice' ? g.rule.options.find((o) => o.credit === 1)!.id : g.rule.kind === 'numeric' ? g.rule.answers[0].value : g.rule.answers[0].text]),
          ),
        };
        break;
      case 'free_text':
        answers[q.id] = { text: 'I swam in the sea every day.' };
        break;
    }
  }
  return answers;
}
