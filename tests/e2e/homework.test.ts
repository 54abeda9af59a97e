import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildStudent, buildTeacher, type BuiltUser } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  // The server's real clock: with no lesson ahead the due time is a week after publishing, whatever the hour.
  app = await startE2eApp();
  browser = await launchBrowser();
});

async function signIn(page: Page, who: BuiltUser, roleButton: RegExp) {
  await page.goto('/');
  // The first page of a run may wait for a busy machine to serve the client.
  await page.getByRole('button', { name: roleButton }).click({ timeout: 60_000 });
  await page.waitForURL('**/enter');
  await page.getByLabel('Электронная почта').fill(who.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL('**/app');
  await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
}

const INSTRUCTIONS = '**Прочитайте** правило.\n\n<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">';
/** The instructions rendered: the Markdown's formatting, and nothing a script could run from. */
async function expectSafeInstructions(page: Page) {
  const markdown = page.getByTestId('markdown').filter({ hasText: 'правило' });
  await markdown.locator('strong', { hasText: 'Прочитайте' }).waitFor();
  expect(await markdown.locator('script, img[onerror], [onerror]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

const PROMPTS = {
  single: 'Столица Франции?',
  multiple: 'Какие числа простые?',
  trueFalse: 'Земля круглая.',
  short: 'Как по-английски «кошка»?',
  numeric: 'Число пи до сотых?',
  matching: 'Сопоставьте слова.',
  ordering: 'Расставьте по порядку.',
  cloze: 'Заполните пропуск.',
  free: 'Опишите своё лето.',
} as const;

/** Opens a new question of `type`, lets `fill` fill the editor, saves, and waits for it in the list. */
async function addQuestion(page: Page, type: string, prompt: string, fill: (editor: Locator) => Promise<void>) {
  const count = await page.getByTestId('builder-question').count();
  await page.getByTestId('new-question-type').selectOption(type);
  await page.getByRole('button', { name: 'Добавить вопрос' }).click();
  const editor = page.getByTestId('question-editor');
  await editor.getByLabel('Вопрос (Markdown)').fill(prompt);
  await fill(editor);
  await editor.getByRole('button', { name: 'Сохранить вопрос' }).click();
  await expect.poll(() => page.getByTestId('builder-question').count()).toBe(count + 1);
  await editor.waitFor({ state: 'detached' });
}

/** The student's card of a question (questions are shuffled per attempt: found by their prompt). */
const card = (page: Page, prompt: string) => page.getByTestId('question').filter({ hasText: prompt });

/** Puts an ordering question's items in `wanted` order with the move buttons, as a phone user would. */
async function putInOrder(question: Locator, wanted: string[]) {
  for (let target = 0; target < wanted.length; target += 1) {
    const texts = await question.locator('.order-item').allInnerTexts();
    let at = texts.indexOf(wanted[target]!);
    while (at > target) {
      await question.getByTestId('sortable-item').nth(at).getByRole('button', { name: 'Выше' }).click();
      at -= 1;
    }
  }
}

describe('homework from the builder to a live grade', () => {
  it('a teacher builds all nine types and publishes; a student takes it on a phone, reloads midway, submits; the free-text grade appears live', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Анна', lastName: 'Котова', locale: 'ru' });
    const student = await buildStudent(f, { firstName: 'Пётр', lastName: 'Иванов', locale: 'ru' });
    const other = await buildStudent(f, { firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru' });
    await buildGroup(f, { teacher, students: [student, other], name: 'English B1' });

    // ---------------------------------------------------------------- the teacher builds
    const { page: teacherPage } = await newPage(browser, app.url);
    await teacherPage.setViewportSize({ width: 1280, height: 1000 });
    await signIn(teacherPage, teacher, /Я преподаватель/);
    await teacherPage.getByRole('navigation').getByRole('link', { name: 'Домашние задания' }).click();
    const create = teacherPage.getByRole('form', { name: 'Новое задание' });
    await create.getByLabel('Название').fill('Неделя 5');
    await create.getByRole('button', { name: 'Создать' }).click();
    await teacherPage.waitForURL(/\/app\/homework\/[0-9a-f-]{36}$/);
    await teacherPage.getByRole('heading', { name: 'Неделя 5' }).waitFor();

    // Instructions in Markdown: formatting shows, raw HTML and scripts do not.
    await teacherPage.getByLabel('Инструкция (Markdown)').fill(INSTRUCTIONS);
    await teacherPage.getByRole('button', { name: 'Сохранить настройки' }).click();
    await teacherPage.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();

    // A question saved empty is refused at the fields, before anything reaches the server.
    await teacherPage.getByTestId('new-question-type').selectOption('single_choice');
    await teacherPage.getByRole('button', { name: 'Добавить вопрос' }).click();
    const editor = teacherPage.getByTestId('question-editor');
    await editor.getByRole('button', { name: 'Сохранить вопрос' }).click();
    expect(await editor.getByRole('alert').filter({ hasText: 'Заполните поле' }).count()).toBeGreaterThanOrEqual(3);
    // The preview shows what the student will see, as it is typed.
    await editor.getByLabel('Вопрос (Markdown)').fill(`**${PROMPTS.single}**`);
    await editor.getByLabel('Вариант 1').fill('Париж');
    await editor.getByLabel('Вариант 2').fill('Лион');
    await teacherPage.getByTestId('question-preview').locator('strong', { hasText: PROMPTS.single }).waitFor();
    await teacherPage.getByTestId('question-preview').getByText('Лион').waitFor();
    await screenshot(teacherPage, '60-homework-builder-editor');
    await editor.getByRole('button', { name: 'Сохранить вопрос' }).click();
    await editor.waitFor({ state: 'detached' });

    await addQuestion(teacherPage, 'multiple_response', PROMPTS.multiple, async (e) => {
      await e.getByLabel('Вариант 1').fill('2');
      await e.getByLabel('Вариант 2').fill('3');
      await e.getByLabel('Вариант 3').fill('4');
    });
    await addQuestion(teacherPage, 'true_false', PROMPTS.trueFalse, async () => undefined);
    await addQuestion(teacherPage, 'short_answer', PROMPTS.short, async (e) => {
      await e.getByLabel('Принимаемый ответ 1').fill('cat');
    });
    await addQuestion(teacherPage, 'numeric', PROMPTS.numeric, async (e) => {
      await e.getByLabel('Значение 1').fill('3,14');
      await e.getByLabel('Погрешность 1').fill('0.005');
    });
    await addQuestion(teacherPage, 'matching', PROMPTS.matching, async (e) => {
      await e.getByLabel('Левая часть 1').fill('dog');
      await e.getByLabel('Пара к 1').fill('собака');
      await e.getByLabel('Левая часть 2').fill('cat');
      await e.getByLabel('Пара к 2').fill('кошка');
    });
    await addQuestion(teacherPage, 'ordering', PROMPTS.ordering, async (e) => {
      await e.getByLabel('Элемент 1').fill('один');
      await e.getByLabel('Элемент 2').fill('два');
      await e.getByLabel('Элемент 3').fill('три');
    });
    await addQuestion(teacherPage, 'cloze', PROMPTS.cloze, async (e) => {
      await e.getByLabel('Текст с пропусками').fill('I {{1}} a student.');
      await e.getByLabel('Принимаемый ответ 1').fill('am');
    });
    await addQuestion(teacherPage, 'free_text', PROMPTS.free, async (e) => {
      await e.getByLabel('Баллы').fill('5');
    });

    // Duplicate, move and delete: the copy lands under its original; deleting asks first.
    const questions = teacherPage.getByTestId('builder-question');
    await questions.filter({ hasText: PROMPTS.trueFalse }).getByRole('button', { name: 'Копия' }).click();
    await expect.poll(() => questions.count()).toBe(10);
    expect(await questions.nth(3).innerText()).toContain(PROMPTS.trueFalse);
    // The copy moves up twice: dragged by its handle above its original, then by the arrow button.
    const items = teacherPage.getByTestId('sortable-item');
    await items.nth(3).getByRole('button', { name: 'Перетащить' }).dragTo(items.nth(2));
    await expect.poll(() => questions.nth(1).innerText()).toContain(PROMPTS.multiple);
    expect(await questions.nth(2).innerText()).toContain(PROMPTS.trueFalse);
    await teacherPage.getByTestId('sortable-item').nth(2).getByRole('button', { name: 'Выше' }).click();
    await expect.poll(() => questions.nth(1).innerText()).toContain(PROMPTS.trueFalse);
    expect(await questions.nth(2).innerText()).toContain(PROMPTS.multiple);
    await questions.nth(1).getByRole('button', { name: 'Удалить' }).click();
    await teacherPage.getByTestId('confirm-dialog').getByRole('button', { name: 'Удалить' }).click();
    await expect.poll(() => questions.count()).toBe(9);
    expect(await questions.nth(1).innerText()).toContain(PROMPTS.multiple);
    await screenshot(teacherPage, '61-homework-builder-nine-types');

    await teacherPage.getByRole('button', { name: 'Опубликовать' }).click();
    await teacherPage.getByTestId('confirm-dialog').getByRole('button', { name: 'Опубликовать' }).click();
    await teacherPage.getByTestId('homework-status').filter({ hasText: 'Опубликовано' }).waitFor();
    const homeworkUrl = teacherPage.url();
    // The teacher watches the submissions table while the student works.
    await teacherPage.getByRole('link', { name: 'Ответы учеников' }).first().click();
    const row = teacherPage.getByTestId('submission-row').filter({ hasText: 'Иванов' });
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('todo');

    // ---------------------------------------------------------------- the student, on a phone
    const { page: studentPage, context: studentContext } = await newPage(browser, app.url);
    await studentPage.setViewportSize({ width: 390, height: 844 });
    await signIn(studentPage, student, /Я ученик/);
    await studentPage.getByTestId('homework-todo').getByRole('link', { name: 'Неделя 5' }).click();
    await expectSafeInstructions(studentPage);
    await studentPage.getByRole('button', { name: 'Начать' }).click();
    await studentPage.getByTestId('attempt-questions').waitFor();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('in_progress');

    await card(studentPage, PROMPTS.single).getByLabel('Париж').check();
    await card(studentPage, PROMPTS.multiple).getByLabel('2', { exact: true }).check();
    await card(studentPage, PROMPTS.multiple).getByLabel('3', { exact: true }).check();
    await card(studentPage, PROMPTS.trueFalse).getByLabel('Верно', { exact: true }).check();
    await card(studentPage, PROMPTS.short).getByLabel('Ваш ответ').fill('Cat');
    await card(studentPage, PROMPTS.numeric).getByLabel('Ваш ответ').fill('3,14');
    await studentPage.getByTestId('save-status').last().filter({ hasText: 'Сохранено' }).waitFor();
    await expect.poll(() => studentPage.locator('[data-testid="save-status"]:not([data-status="saved"])').count()).toBe(0);
    await screenshot(studentPage, '62-homework-student-phone-midway');

    // A reload loses nothing.
    await studentPage.reload();
    await studentPage.getByTestId('attempt-questions').waitFor();
    expect(await card(studentPage, PROMPTS.single).getByLabel('Париж').isChecked()).toBe(true);
    expect(await card(studentPage, PROMPTS.multiple).getByLabel('2', { exact: true }).isChecked()).toBe(true);
    expect(await card(studentPage, PROMPTS.multiple).getByLabel('4', { exact: true }).isChecked()).toBe(false);
    expect(await card(studentPage, PROMPTS.trueFalse).getByLabel('Верно', { exact: true }).isChecked()).toBe(true);
    expect(await card(studentPage, PROMPTS.short).getByLabel('Ваш ответ').inputValue()).toBe('Cat');
    expect(await card(studentPage, PROMPTS.numeric).getByLabel('Ваш ответ').inputValue()).toBe('3,14');

    await card(studentPage, PROMPTS.matching).getByRole('combobox').nth(0).selectOption({ label: 'собака' });
    await card(studentPage, PROMPTS.matching).getByRole('combobox').nth(1).selectOption({ label: 'кошка' });
    await putInOrder(card(studentPage, PROMPTS.ordering), ['один', 'два', 'три']);
    await card(studentPage, PROMPTS.cloze).getByLabel('Пропуск 1').fill('am');
    // The connection drops while the free text is typed: the answer waits, marked unsaved, and goes
    // out by itself when the connection is back.
    await studentContext.setOffline(true);
    await card(studentPage, PROMPTS.free).getByLabel('Ваш ответ').fill('Летом я <b>читал</b> книги.');
    expect(await studentPage.locator('b', { hasText: 'читал' }).count()).toBe(0);
    await studentPage.locator('[data-testid="save-status"][data-status="retrying"]').first().waitFor({ timeout: 10_000 });
    await screenshot(studentPage, '62b-homework-student-offline');
    await studentContext.setOffline(false);
    await expect.poll(() => studentPage.locator('[data-testid="save-status"]:not([data-status="saved"])').count(), { timeout: 20_000 }).toBe(0);

    await studentPage.getByRole('button', { name: 'Сдать' }).click();
    await studentPage.getByTestId('confirm-dialog').getByRole('button', { name: 'Сдать' }).click();
    // Eight auto-graded questions of 1 point each are right; the free text (5 points) waits.
    await studentPage.getByTestId('attempt-score').filter({ hasText: '8 из 13' }).waitFor();
    await studentPage.getByTestId('waiting-teacher').waitFor();
    await screenshot(studentPage, '63-homework-student-submitted');

    // ---------------------------------------------------------------- the teacher grades
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('submitted');
    expect(await row.getByTestId('row-score').innerText()).toBe('8 / 13');
    await screenshot(teacherPage, '64-homework-submissions-live');
    await row.getByRole('link', { name: /Проверить/ }).click();
    await teacherPage.getByTestId('grading-student').filter({ hasText: 'Иванов' }).waitFor();
    const answer = teacherPage.getByTestId('free-text-answer');
    expect(await answer.innerText()).toBe('Летом я <b>читал</b> книги.');
    await teacherPage.getByLabel('Баллы (из 5)').fill('4');
    await teacherPage.getByLabel('Комментарий').fill('Хорошо, но мало подробностей.');
    await teacherPage.getByRole('button', { name: 'Поставить оценку' }).click();
    await teacherPage.getByText('Оценка сохранена').waitFor();
    await screenshot(teacherPage, '65-homework-grading');

    // The student's screen follows without a reload.
    await studentPage.getByTestId('attempt-score').filter({ hasText: '12 из 13' }).waitFor({ timeout: 10_000 });
    await studentPage.getByText('Хорошо, но мало подробностей.').waitFor();
    expect(await studentPage.getByTestId('waiting-teacher').count()).toBe(0);
    await screenshot(studentPage, '66-homework-student-graded-live');

    // A key changed after submissions: the builder asks, the server regrades, the student sees it live.
    await teacherPage.goto(homeworkUrl);
    await teacherPage.getByTestId('builder-question').filter({ hasText: PROMPTS.short }).getByRole('button', { name: 'Изменить' }).click();
    await teacherPage.getByTestId('question-editor').getByLabel('Принимаемый ответ 1').fill('kitten');
    await teacherPage.getByTestId('question-editor').getByRole('button', { name: 'Сохранить вопрос' }).click();
    await teacherPage.getByTestId('confirm-dialog').getByRole('button', { name: 'Сохранить вопрос' }).click();
    await teacherPage.getByText('Оценки пересчитаны: 1').waitFor();
    await studentPage.getByTestId('attempt-score').filter({ hasText: '11 из 13' }).waitFor({ timeout: 10_000 });

    // The other student is excused (after a confirmation); the table says so at once.
    await teacherPage.goto(`${homeworkUrl}/submissions`);
    const otherRow = teacherPage.getByTestId('submission-row').filter({ hasText: 'Смирнова' });
    await otherRow.getByRole('button', { name: 'Освободить' }).click();
    await teacherPage.getByTestId('confirm-dialog').getByRole('button', { name: 'Освободить' }).click();
    await expect.poll(() => otherRow.getAttribute('data-state')).toBe('excused');
    expect(await row.getAttribute('data-state')).toBe('graded');
  });

  it('a teacher imports GIFT: errors name their line and import nothing; the fixed text imports and downloads again', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Ирина', locale: 'ru' });
    await buildGroup(f, { teacher, studentCount: 1, name: 'Deutsch A2' });
    const { page } = await newPage(browser, app.url);
    await signIn(page, teacher, /Я преподаватель/);
    await page.getByRole('navigation').getByRole('link', { name: 'Домашние задания' }).click();
    const create = page.getByRole('form', { name: 'Новое задание' });
    await create.getByLabel('Название').fill('Из Moodle');
    await create.getByRole('button', { name: 'Создать' }).click();
    await page.getByRole('heading', { name: 'Из Moodle' }).waitFor();

    const broken = '::Q1:: Столица Франции? {=Париж ~Лион}\n\n::Q2:: Сколько будет 2+2? {#4:0';
    await page.getByTestId('gift-text').fill(broken);
    await page.getByRole('button', { name: 'Импортировать' }).click();
    await page.getByTestId('gift-errors').filter({ hasText: 'Строка 3' }).waitFor();
    expect(await page.getByTestId('builder-question').count()).toBe(0);
    await screenshot(page, '67-homework-gift-errors');

    await page.getByTestId('gift-text').fill(`${broken}}`);
    await page.getByRole('button', { name: 'Импортировать' }).click();
    await page.getByText('Импортировано вопросов: 2').waitFor();
    await expect.poll(() => page.getByTestId('builder-question').count()).toBe(2);
    expect(await page.getByTestId('builder-question').nth(1).innerText()).toContain('Число');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Скачать GIFT' }).click()]);
    const exported = await streamText(await download.createReadStream());
    expect(exported).toContain('Столица Франции?');
    expect(exported).toContain('Париж');
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
