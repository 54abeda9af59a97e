import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { GradebookDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildStudent } from '../../factories/users.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildControlPoint, markAttendance, scoreControlPoint } from '../../factories/gradebook.js';

/** The values a file should hold for the table, as the API answers it: header, points possible, a row per student. */
function expectedRows(table: GradebookDto): Array<Array<string | number>> {
  const blankNull = (v: number | string | null) => (v === null ? '' : v);
  return [
    ['Points possible', ...table.columns.map((c) => c.maxPoints), 100, 100, 100, 100, ''],
    ...table.rows.map((row) => [
      row.student.name.startsWith('=') ? `'${row.student.name}` : row.student.name,
      ...row.cells.map((cell) => (cell ? (cell[0] ?? cell[1]) : '')),
      ...[row.categories.attendance, row.categories.homework, row.categories.control, row.total].map(blankNull),
      row.mark ?? '',
    ]),
  ];
}

describe('gradebook export', () => {
  let app: TestApp;
  let built: BuiltGroup;
  let table: GradebookDto;
  const url = (format: string) => `/api/groups/${built.group.id}/gradebook/export?format=${format}`;
  const get = (format: string) =>
    request(app.url)
      .get(url(format))
      .set('Authorization', `Bearer ${built.teacher.token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    app = await createTestApp({ clock: new ManualClock(new Date('2026-03-10T09:00:00Z')) });
    const students = [
      await buildStudent(app, { firstName: 'Анна', lastName: 'Иванова' }),
      await buildStudent(app, { firstName: 'SUM(1,2)', lastName: '=HYPERLINK("x")' }),
      await buildStudent(app, { firstName: 'Пётр', lastName: 'Петров, "младший"' }),
    ];
    built = await buildGroup(app, { students, name: 'Алгебра 9Б' });
    const { lesson } = await buildLesson(app, built.teacher, built.group.id, '2026-03-09T09:00:00Z', 90, 'Урок 1');
    await markAttendance(app, built, lesson.id, [
      [0, 'present'],
      [1, 'late'],
      [2, 'excused'],
    ]);
    const exam = await buildControlPoint(app, built, { title: '+Экзамен', maxPoints: 80, date: '2026-03-10' });
    await scoreControlPoint(app, built, exam.id, [
      [0, 72.5],
      [1, 40],
      { studentId: built.students[2]!.user.id, points: null, excused: true, comment: '@болел' },
    ]);
    table = (await request(app.url).get(`/api/groups/${built.group.id}/gradebook`).set('Authorization', `Bearer ${built.teacher.token}`)).body;
  });

  it('CSV: UTF-8 with a BOM, named after the group and date, the API’s numbers, formulas neutralised', async () => {
    const res = await get('csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="_______ 9_ 2026-03-10.csv"; filename*=UTF-8''${encodeURIComponent('Алгебра 9Б 2026-03-10.csv')}`);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(body.toString('utf8'), { bom: true, cast: (value, context) => (context.index === 7 || value === '' || Number.isNaN(Number(value)) ? value : Number(value)) }) as Array<Array<string | number>>;
    expect(rows[0]).toEqual(['Student', 'Урок 1 (2026-03-09)', "'+Экзамен (2026-03-10)", 'Attendance %', 'Homework %', 'Control points %', 'Total %', 'Mark']);
    expect(rows.slice(1)).toEqual(expectedRows(table));
    expect(rows.find((r) => String(r[0]).includes('HYPERLINK'))![0]).toBe(`'=HYPERLINK("x") SUM(1,2)`);
  });

  it('XLSX: frozen header rows and name column, the same numbers as the API', async () => {
    const res = await get('xlsx');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Алгебра 9Б 2026-03-10.xlsx')}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((res.body as Buffer).buffer.slice((res.body as Buffer).byteOffset, (res.body as Buffer).byteOffset + (res.body as Buffer).length) as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 2 });
    const values: Array<Array<string | number>> = [];
    sheet.eachRow((row) => values.push((row.values as Array<string | number | null>).slice(1).map((v) => v ?? '')));
    const width = values[0]!.length;
    const padded = values.map((r) => [...r, ...new Array(width - r.length).fill('')]);
    expect(padded.slice(1)).toEqual(expectedRows(table));
    expect(padded.map((r) => r[0])).toContain(`'=HYPERLINK("x") SUM(1,2)`);
  });

  it('refuses an unknown format and strangers', async () => {
    expect((await request(app.url).get(url('pdf')).set('Authorization', `Bearer ${built.teacher.token}`)).status).toBe(400);
    const other = await buildGroup(app);
    expect((await request(app.url).get(url('csv')).set('Authorization', `Bearer ${other.teacher.token}`)).status).toBe(404);
  });
});
