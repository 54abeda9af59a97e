import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { GradebookDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildControlPoint, markAttendance, scoreControlPoint } from '../../factories/gradebook.js';

const STATUS_WORDS = { ru: { excused: 'освобождён', submitted: 'сдано' }, en: { excused: 'excused', submitted: 'submitted' } } as const;
const oneDecimal = (v: number | null) => (v === null ? '' : Math.round(v * 10) / 10);

/**
 * The values a file should hold for the table, as the API answers it: points possible, a row per
 * student; percentages to one decimal, a numeric mark as a number, a cell without points in words.
 */
function expectedRows(table: GradebookDto, locale: 'ru' | 'en'): Array<Array<string | number>> {
  return [
    [locale === 'ru' ? 'Максимум баллов' : 'Points possible', ...table.columns.map((c) => c.maxPoints), 100, 100, 100, 100, ''],
    ...table.rows.map((row) => [
      row.student.name.startsWith('=') ? `'${row.student.name}` : row.student.name,
      ...row.cells.map((cell) => (cell ? (cell[0] ?? (STATUS_WORDS[locale] as Record<string, string>)[cell[1]]!) : '')),
      ...[row.categories.attendance, row.categories.homework, row.categories.control, row.total].map(oneDecimal),
      row.mark === null ? '' : Number(row.mark),
    ]),
  ];
}

/** Every percentage in the file (header, points possible, then the students) is the API’s within rounding to one decimal. */
function expectCloseToApi(rows: Array<Array<string | number>>, table: GradebookDto): void {
  const first = table.columns.length + 1;
  table.rows.forEach((row, i) => {
    const file = rows[i + 2]!.slice(first, first + 4); // after the header and points possible
    [row.categories.attendance, row.categories.homework, row.categories.control, row.total].forEach((api, k) => {
      if (api === null) expect(file[k]).toBe('');
      else expect(Math.abs((file[k] as number) - api)).toBeLessThanOrEqual(0.05);
    });
  });
}

/** The file as a Buffer. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function readXlsx(body: Buffer): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer);
  return book.worksheets[0]!;
}

/** CSV rows with numbers cast back (a decimal comma in the Russian file); the mark column too. */
function parseCsv(body: Buffer, delimiter: string, decimal: string): Array<Array<string | number>> {
  return parse(body.toString('utf8'), {
    bom: true,
    delimiter,
    cast: (value) => {
      const normal = decimal === ',' ? value.replace(',', '.') : value;
      return value === '' || !/^-?\d+(\.\d+)?$/.test(normal) ? value : Number(normal);
    },
  }) as Array<Array<string | number>>;
}

describe('gradebook export', () => {
  let app: TestApp;
  let built: BuiltGroup;
  let englishAdmin: string;
  let table: GradebookDto;
  const url = (format: string) => `/api/groups/${built.group.id}/gradebook/export?format=${format}`;
  /** The teacher reads Russian; the admin English. */
  const get = (format: string, token = built.teacher.token) => request(app.url).get(url(format)).set('Authorization', `Bearer ${token}`).buffer(true).parse(binary);

  beforeAll(async () => {
    app = await createTestApp({ clock: new ManualClock(new Date('2026-03-10T09:00:00Z')) });
    const students = [
      await buildStudent(app, { firstName: 'Анна', lastName: 'Иванова' }),
      await buildStudent(app, { firstName: 'SUM(1,2)', lastName: '=HYPERLINK("x")' }),
      await buildStudent(app, { firstName: 'Пётр', lastName: 'Петров, "младший"' }),
    ];
    const teacher = await buildTeacher(app, { locale: 'ru', timezone: 'Europe/Moscow' });
    englishAdmin = (await buildAdmin(app, { locale: 'en', timezone: 'America/New_York' })).token;
    built = await buildGroup(app, { teacher, students, name: 'Алгебра 9Б' });
    const { lesson } = await buildLesson(app, built.teacher, built.group.id, '2026-03-09T09:00:00Z', 90, 'Урок 1');
    await markAttendance(app, built, lesson.id, [
      [0, 'present'],
      [1, 'late'],
      [2, 'excused'],
    ]);
    const exam = await buildControlPoint(app, built, { title: '+Экзамен', maxPoints: 80, date: '2026-03-10' });
    await scoreControlPoint(app, built, exam.id, [
      [0, 72.5],
      [1, 41],
      { studentId: built.students[2]!.user.id, points: null, excused: true, comment: '@болел' },
    ]);
    table = (await request(app.url).get(`/api/groups/${built.group.id}/gradebook`).set('Authorization', `Bearer ${built.teacher.token}`)).body;
  });

  it('CSV in Russian: UTF-8 with a BOM, ";" between fields and decimal commas, Russian headers, the API’s numbers, formulas neutralised', async () => {
    const res = await get('csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="_______ 9_ 2026-03-10.csv"; filename*=UTF-8''${encodeURIComponent('Алгебра 9Б 2026-03-10.csv')}`);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFУченик;Урок 1 (09.03.2026);\'+Экзамен (10.03.2026);Посещаемость, %;Домашние задания, %;Контрольные точки, %;Итог, %;Отметка');
    expect(text).toContain('72,5');
    const rows = parseCsv(body, ';', ',');
    expect(rows.slice(1)).toEqual(expectedRows(table, 'ru'));
    expectCloseToApi(rows, table);
    expect(rows.find((r) => String(r[0]).includes('HYPERLINK'))![0]).toBe(`'=HYPERLINK("x") SUM(1,2)`);
  });

  it('CSV in English: "," between fields, decimal points, English headers', async () => {
    const res = await get('csv', englishAdmin);
    expect(res.status).toBe(200);
    const rows = parseCsv(res.body as Buffer, ',', '.');
    expect(rows[0]).toEqual(['Student', 'Урок 1 (2026-03-09)', "'+Экзамен (2026-03-10)", 'Attendance, %', 'Homework, %', 'Control points, %', 'Total, %', 'Mark']);
    expect(rows.slice(1)).toEqual(expectedRows(table, 'en'));
    expectCloseToApi(rows, table);
  });

  it('XLSX in Russian: frozen and printed-on-every-page header rows and name column, landscape fit to width, wrapped headers (dates on their own line), numbers to one decimal', async () => {
    const res = await get('xlsx');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Алгебра 9Б 2026-03-10.xlsx')}`);
    const sheet = await readXlsx(res.body as Buffer);
    expect(sheet.name).toBe('Журнал');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 2 });
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2', printTitlesColumn: 'A:A' });
    const values: Array<Array<string | number>> = [];
    sheet.eachRow((row) => values.push(Array.from(row.values as Array<string | number | null>).slice(1).map((v) => v ?? '')));
    const width = values[0]!.length;
    const padded = values.map((r) => [...r, ...new Array(width - r.length).fill('')]);
    expect(padded[0]).toEqual(['Ученик', 'Урок 1\n09.03.2026', "'+Экзамен\n10.03.2026", 'Посещаемость, %', 'Домашние задания, %', 'Контрольные точки, %', 'Итог, %', 'Отметка']);
    expect(padded.slice(1)).toEqual(expectedRows(table, 'ru'));
    expectCloseToApi(padded, table);
    expect(padded.map((r) => r[0])).toContain(`'=HYPERLINK("x") SUM(1,2)`);
    // headers wrap in columns sized to their titles, within bounds, under a taller header row
    const header = sheet.getRow(1);
    expect(header.getCell(4).alignment).toMatchObject({ wrapText: true });
    for (let c = 2; c <= width; c++) expect(sheet.getColumn(c).width).toBeGreaterThanOrEqual(10);
    for (let c = 2; c <= width; c++) expect(sheet.getColumn(c).width).toBeLessThanOrEqual(20);
    expect(sheet.getColumn(4).width).toBeGreaterThan(sheet.getColumn(8).width!);
    expect(header.height).toBeGreaterThanOrEqual(30);
    expect(sheet.getRow(3).getCell(7).numFmt).toBe('0.0');
    expect(typeof sheet.getRow(3).getCell(8).value).toBe('number');
  });

  it('XLSX in English: the sheet and headers in English', async () => {
    const sheet = await readXlsx((await get('xlsx', englishAdmin)).body as Buffer);
    expect(sheet.name).toBe('Gradebook');
    expect((sheet.getRow(1).values as string[]).slice(1)).toEqual(['Student', 'Урок 1\n2026-03-09', "'+Экзамен\n2026-03-10", 'Attendance, %', 'Homework, %', 'Control points, %', 'Total, %', 'Mark']);
    expect(sheet.getRow(2).getCell(1).value).toBe('Points possible');
  });

  it('refuses an unknown format and strangers', async () => {
    expect((await request(app.url).get(url('pdf')).set('Authorization', `Bearer ${built.teacher.token}`)).status).toBe(400);
    const other = await buildGroup(app);
    expect((await request(app.url).get(url('csv')).set('Authorization', `Bearer ${other.teacher.token}`)).status).toBe(404);
  });
});
