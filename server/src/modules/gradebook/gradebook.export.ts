import ExcelJS from 'exceljs';
import { CATEGORY_KEYS, type GradebookCell, type GradebookDto } from '@tp/shared';
import type { GradebookModel } from './gradebook.model.js';

export interface ExportFile {
  body: Buffer;
  contentType: string;
  disposition: string;
}

/** Who downloads the file: its words, dates and (for CSV) separators follow their stored language. */
export interface ExportReader {
  locale: 'ru' | 'en';
  timezone: string;
}

const TEXTS = {
  ru: {
    sheet: 'Журнал',
    student: 'Ученик',
    possible: 'Максимум баллов',
    categories: { attendance: 'Посещаемость, %', homework: 'Домашние задания, %', control: 'Контрольные точки, %' },
    total: 'Итог, %',
    mark: 'Отметка',
    page: 'Стр. &P из &N',
    statuses: { present: 'присутствие', late: 'опоздание', excused: 'освобождён', absent: 'отсутствие', graded: 'оценено', submitted: 'сдано', missed: 'не сдано', backlog: 'в долгах', in_progress: 'в работе', scored: 'оценено' },
  },
  en: {
    sheet: 'Gradebook',
    student: 'Student',
    possible: 'Points possible',
    categories: { attendance: 'Attendance, %', homework: 'Homework, %', control: 'Control points, %' },
    total: 'Total, %',
    mark: 'Mark',
    page: 'Page &P of &N',
    statuses: { present: 'present', late: 'late', excused: 'excused', absent: 'absent', graded: 'graded', submitted: 'submitted', missed: 'missed', backlog: 'in the backlog', in_progress: 'in progress', scored: 'scored' },
  },
} as const;

type Value = number | string | null;

/** The file's content before it is written as CSV or XLSX. */
interface Layout {
  header: string[];
  rows: Value[][];
  /** 1-based columns holding percentages (rounded to one decimal). */
  percentColumns: number[];
}

/** A spreadsheet would run text starting with these as a formula: such text gets a leading apostrophe. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Percentages and totals as the file shows them: one decimal, still a number. */
export const oneDecimal = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

/** The mark as a number when it is one ('5' → 5), so a spreadsheet can average marks. */
const markValue = (mark: string | null): Value => (mark === null ? null : /^-?\d+(\.\d+)?$/.test(mark.trim()) ? Number(mark) : mark);

/** A column's date in the reader's zone: `09.03.2026` in Russian, `2026-03-09` in English. */
function dateLabel(date: string, reader: ExportReader): string {
  const ymd = date.length === 10 ? date : new Intl.DateTimeFormat('en-CA', { timeZone: reader.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(date));
  return reader.locale === 'ru' ? ymd.split('-').reverse().join('.') : ymd;
}

/** What a cell shows in a file: its points, or its status in words when it has none (excused, submitted, …). */
function cellValue(cell: GradebookCell | null, reader: ExportReader): Value {
  if (!cell) return null;
  return cell[0] ?? (TEXTS[reader.locale].statuses as Record<string, string>)[cell[1]] ?? cell[1];
}

/**
 * The table as the teacher sees it: header, points possible, one row per student; text neutralised.
 * A column's date follows its title in brackets, or on a line of its own (`multiline`, for XLSX).
 */
export function exportLayout(table: GradebookDto, reader: ExportReader, multiline = false): Layout {
  const t = TEXTS[reader.locale];
  const items = table.columns.map((c) => (!c.date ? c.title : multiline ? `${c.title}\n${dateLabel(c.date, reader)}` : `${c.title} (${dateLabel(c.date, reader)})`));
  const header = [t.student, ...items, ...CATEGORY_KEYS.map((k) => t.categories[k]), t.total, t.mark];
  const possible: Value[] = [t.possible, ...table.columns.map((c) => c.maxPoints), ...CATEGORY_KEYS.map(() => 100), 100, null];
  const students = table.rows.map((row): Value[] => [
    row.student.name,
    ...row.cells.map((cell) => cellValue(cell, reader)),
    ...CATEGORY_KEYS.map((k) => oneDecimal(row.categories[k])),
    oneDecimal(row.total),
    markValue(row.mark),
  ]);
  const first = items.length + 2;
  return {
    header: header.map(neutralise),
    rows: [possible, ...students].map((line) => line.map((v) => (typeof v === 'string' ? neutralise(v) : v))),
    percentColumns: Array.from({ length: CATEGORY_KEYS.length + 1 }, (_, i) => first + i),
  };
}

/**
 * RFC 4180 quoting, CRLF line ends and a BOM (Excel then reads UTF-8). Russian Excel expects `;`
 * between fields and a decimal comma; English `,` and a point.
 */
export function toCsv(layout: Layout, reader: ExportReader): Buffer {
  const separator = reader.locale === 'ru' ? ';' : ',';
  const field = (value: Value): string => {
    if (value === null) return '';
    const text = typeof value === 'number' && reader.locale === 'ru' ? String(value).replace('.', ',') : String(value);
    return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [layout.header, ...layout.rows].map((line) => line.map(field).join(separator));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Column widths: the longest word of the title (or name) fits, within these bounds; titles wrap. */
const WIDTH = { min: 10, max: 20, nameMin: 16, nameMax: 36 };

/** How many lines a title wraps onto in a column `width` characters wide (word by word, breaks kept). */
function linesOf(title: string, width: number): number {
  let lines = 0;
  for (const part of title.split('\n')) {
    lines++;
    let used = 0;
    for (const word of part.split(/\s+/)) {
      const length = Math.min(word.length, width);
      if (used && used + 1 + length > width) {
        lines++;
        used = length;
      } else used += (used ? 1 : 0) + length;
    }
  }
  return lines;
}

const longestWord = (text: string) => Math.max(...text.split(/\s+/).map((word) => word.length));

export async function toXlsx(table: GradebookDto, layout: Layout, reader: ExportReader, title: string): Promise<Buffer> {
  const t = TEXTS[reader.locale];
  const book = new ExcelJS.Workbook();
  book.created = new Date(table.generatedAt);
  const sheet = book.addWorksheet(t.sheet, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 2 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2', printTitlesColumn: 'A:A' },
    headerFooter: { oddHeader: `&L${title.replace(/&/g, '&&')}`, oddFooter: `&C${t.page}` },
  });
  sheet.addRow(layout.header);
  for (const line of layout.rows) sheet.addRow(line.map((v) => v ?? null));
  const names = [layout.header[0]!, ...layout.rows.map((r) => String(r[0] ?? ''))];
  const widths = layout.header.map((text, i) =>
    // a character of bold Cyrillic is about 1.2 of the width unit (the digit zero)
    i === 0 ? Math.min(WIDTH.nameMax, Math.max(WIDTH.nameMin, ...names.map((n) => Math.ceil(n.length * 1.1) + 2))) : Math.min(WIDTH.max, Math.max(WIDTH.min, Math.ceil(longestWord(text) * 1.2) + 2)),
  );
  widths.forEach((width, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = width;
    if (i > 0) column.alignment = { horizontal: 'center' };
  });
  for (const c of layout.percentColumns) sheet.getColumn(c).numFmt = '0.0';
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'bottom', horizontal: 'center' };
  header.getCell(1).alignment = { wrapText: true, vertical: 'bottom', horizontal: 'left' };
  header.height = 15 * Math.min(6, Math.max(...layout.header.map((text, i) => linesOf(text, Math.floor((widths[i]! - 2) / 1.2)))));
  const possible = sheet.getRow(2);
  possible.font = { italic: true };
  for (let c = 1; c <= widths.length; c++) possible.getCell(c).border = { bottom: { style: 'thin' } };
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** `attachment` with an ASCII fallback and the real name per RFC 5987 (Cyrillic group names). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export async function exportGradebook(model: GradebookModel, table: GradebookDto, format: 'csv' | 'xlsx', now: Date, reader: ExportReader): Promise<ExportFile> {
  const layout = exportLayout(table, reader, format === 'xlsx');
  const day = dateLabel(now.toISOString(), { ...reader, locale: 'en' });
  // characters no file system takes, and control characters
  const safeName = [...model.group.name].map((ch) => (/[\\/:*?"<>|]/.test(ch) || ch.charCodeAt(0) < 32 ? '_' : ch)).join('').trim() || 'gradebook';
  const filename = `${safeName} ${day}.${format}`;
  if (format === 'csv') return { body: toCsv(layout, reader), contentType: 'text/csv; charset=utf-8', disposition: contentDisposition(filename) };
  const body = await toXlsx(table, layout, reader, `${model.group.name} · ${dateLabel(now.toISOString(), reader)}`);
  return { body, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', disposition: contentDisposition(filename) };
}
