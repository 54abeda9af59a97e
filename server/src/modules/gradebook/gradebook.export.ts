import ExcelJS from 'exceljs';
import { CATEGORY_KEYS, type GradebookCell, type GradebookDto } from '@tp/shared';
import type { GradebookModel } from './gradebook.model.js';

export interface ExportFile {
  body: Buffer;
  contentType: string;
  disposition: string;
}

const CATEGORY_TITLES = { attendance: 'Attendance %', homework: 'Homework %', control: 'Control points %' } as const;

/** A spreadsheet would run text starting with these as a formula: such text gets a leading apostrophe. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** What a cell shows in a file: its points, or its status when it has none (excused, submitted, …). */
function cellValue(cell: GradebookCell | null): number | string {
  if (!cell) return '';
  return cell[0] ?? cell[1];
}

/** The table as rows of values: header, points possible, one row per student (as the teacher sees it). */
export function exportRows(table: GradebookDto): Array<Array<number | string | null>> {
  const header = ['Student', ...table.columns.map((c) => (c.date ? `${c.title} (${c.date.slice(0, 10)})` : c.title)), ...CATEGORY_KEYS.map((k) => CATEGORY_TITLES[k]), 'Total %', 'Mark'];
  const possible = ['Points possible', ...table.columns.map((c) => c.maxPoints), ...CATEGORY_KEYS.map(() => 100), 100, ''];
  const rows = table.rows.map((row) => [row.student.name, ...row.cells.map(cellValue), ...CATEGORY_KEYS.map((k) => row.categories[k]), row.total, row.mark ?? '']);
  return [header, possible, ...rows].map((line) => line.map((value) => (typeof value === 'string' ? neutralise(value) : value)));
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. */
function csvField(value: number | string | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: Array<Array<number | string | null>>): Buffer {
  // the BOM makes Excel read the file as UTF-8 (Cyrillic names survive)
  return Buffer.from(`\uFEFF${rows.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function toXlsx(table: GradebookDto, rows: Array<Array<number | string | null>>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.created = new Date(table.generatedAt);
  const sheet = book.addWorksheet('Gradebook', { views: [{ state: 'frozen', xSplit: 1, ySplit: 2 }] });
  for (const line of rows) sheet.addRow(line.map((v) => (v === null ? '' : v)));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(2).font = { italic: true };
  sheet.getColumn(1).width = 32;
  const width = rows[0]!.length;
  for (let c = 2; c <= width; c++) sheet.getColumn(c).width = 14;
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** `attachment` with an ASCII fallback and the real name per RFC 5987 (Cyrillic group names). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export async function exportGradebook(model: GradebookModel, table: GradebookDto, format: 'csv' | 'xlsx', now: Date): Promise<ExportFile> {
  const rows = exportRows(table);
  // characters no file system takes, and control characters
  const safeName = [...model.group.name].map((ch) => (/[\\/:*?"<>|]/.test(ch) || ch.charCodeAt(0) < 32 ? '_' : ch)).join('').trim() || 'gradebook';
  const filename = `${safeName} ${now.toISOString().slice(0, 10)}.${format}`;
  if (format === 'csv') return { body: toCsv(rows), contentType: 'text/csv; charset=utf-8', disposition: contentDisposition(filename) };
  return { body: await toXlsx(table, rows), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', disposition: contentDisposition(filename) };
}
