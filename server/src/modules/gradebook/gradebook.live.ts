import { computeRow, gradebookRooms, type GradebookAveragesPatch, type GradebookDto, type GradebookRow } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { GradebookRepository, GroupInfo } from './gradebook.repository.js';
import type { GradebookTables } from './gradebook.tables.js';
import { alignCells, calcColumns, keptRow, patchRow, rowOf, signature, studentCells, studentTable, type GradebookModel } from './gradebook.model.js';
import type { ModelColumn } from './gradebook.sources.js';

/** Past this many students in one change, recomputing the whole table is cheaper than row by row. */
const FULL_RECOMPUTE_AT = 20;

interface Pending {
  students: Set<string> | 'all';
  columns: Set<string> | 'all';
}
/** The generations of the group's changes one run covers (after `since`, up to `upTo`). */
type Span = { since: number; upTo: number };

/**
 * Keeps open gradebooks current. Changes are queued per group (one group's changes run one after
 * another, so events leave in order; changes arriving meanwhile merge). A change to a few students
 * recomputes only their rows and the averages they move — a constant number of statements whatever
 * the group's size — and pushes `gradebook:cell` (one column) or `gradebook:row`; a change of the
 * columns or settings, or to many students, rebuilds the table and pushes `gradebook:column` / `gradebook:row`.
 */
export class GradebookLive {
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Map<string, Promise<void>>();
  /** Per group, the generation the last run covered. */
  private readonly covered = new Map<string, number>();

  constructor(
    private readonly infra: Infra,
    private readonly repo: GradebookRepository,
    private readonly tables: GradebookTables,
  ) {}

  /** Resolves once the change has been pushed (tests and the benchmark wait on it). */
  changed(groupId: string, studentIds: string[] | 'all', columnId?: string): Promise<void> {
    this.tables.changing(groupId);
    const current = this.pending.get(groupId) ?? { students: new Set<string>(), columns: new Set<string>() };
    if (studentIds === 'all' || current.students === 'all') current.students = 'all';
    else for (const id of studentIds) current.students.add(id);
    if (!columnId || current.columns === 'all') current.columns = 'all';
    else current.columns.add(columnId);
    this.pending.set(groupId, current);
    const previous = this.running.get(groupId) ?? Promise.resolve();
    const next = previous.then(() => this.drain(groupId));
    this.running.set(groupId, next);
    void next.finally(() => {
      if (this.running.get(groupId) === next) this.running.delete(groupId);
    });
    return next;
  }

  private async drain(groupId: string): Promise<void> {
    const change = this.pending.get(groupId);
    if (!change) return; // merged into a run that already happened
    this.pending.delete(groupId);
    const span = { since: this.covered.get(groupId) ?? 0, upTo: this.tables.generation(groupId) };
    this.covered.set(groupId, span.upTo);
    try {
      await this.apply(groupId, change, span);
    } catch (error) {
      this.infra.logger.error({ err: error, groupId }, 'gradebook live update failed');
    }
  }

  private async apply(groupId: string, change: Pending, span: Span): Promise<void> {
    const onlyStudent = change.students !== 'all' && change.students.size === 1 ? [...change.students][0] : undefined;
    const [group, cache, settings, columns, student, cells] = await Promise.all([
      this.repo.group(groupId),
      this.tables.keptRows.cacheState(groupId),
      this.tables.settings(groupId),
      this.tables.sources.columns(groupId),
      onlyStudent ? this.repo.students(groupId, onlyStudent) : null,
      onlyStudent ? this.tables.sources.cells(groupId, onlyStudent) : null,
    ]);
    if (!group) return;
    const sig = signature(columns, settings);
    const columnsChanged = !cache.fresh || cache.signature !== sig;
    if (columnsChanged || change.students === 'all' || change.students.size > FULL_RECOMPUTE_AT) {
      await this.rebuild(group, columnsChanged, change.students, span);
      return;
    }
    const inGroup: string[] = [];
    let averages: GradebookAveragesPatch | undefined;
    for (const studentId of change.students) {
      const [info] = studentId === onlyStudent ? student! : await this.repo.students(groupId, studentId);
      const own = studentId === onlyStudent ? cells! : await this.tables.sources.cells(groupId, studentId);
      const row = info ? alignCells(columns, [studentId], own)[0]! : null;
      averages = await this.pushRow(group, { columns, settings, students: info ? [info] : [], cells: row ? [row] : [], group }, studentId, change.columns, { span, signature: sig });
      if (info) inGroup.push(studentId);
    }
    // each student's event carried the averages as they stood after their own row; those pushed before
    // the last row get the final averages too (the table's room had them with the last row)
    const last = [...change.students].at(-1);
    for (const studentId of inGroup) {
      if (studentId === last || !averages) continue;
      const room = gradebookRooms.student(groupId, studentId);
      await this.infra.broadcaster.emit(room, 'gradebook:row', { groupId, rows: [], removedStudentIds: [], averages: hideFromStudent(columns, averages) });
    }
  }

  /**
   * One student's row: write it, read the averages it moved, push to the table and to the student, then
   * patch the node's kept table with the same row and averages (so a reload right after needs no rebuild).
   */
  private async pushRow(group: GroupInfo, model: GradebookModel, studentId: string, touched: Set<string> | 'all', kept: { span: Span; signature: string }): Promise<GradebookAveragesPatch> {
    const { columns, settings } = model;
    const cells = model.cells[0];
    const result = cells ? computeRow(calcColumns(columns), cells, settings.weights, settings.scale) : null;
    const columnIds = touched === 'all' ? columns.map((c) => c.id) : [...touched];
    const raw = await this.tables.keptRows.writeRowAndAverages(group.id, studentId, cells && result ? keptRow(studentId, columns, cells, result) : null, columnIds);
    const averages: GradebookAveragesPatch = raw;
    const broadcaster = this.infra.broadcaster;
    const tableRoom = gradebookRooms.group(group.id);
    const ownRoom = gradebookRooms.student(group.id, studentId);
    if (!cells || !result) {
      await broadcaster.emit(tableRoom, 'gradebook:row', { groupId: group.id, rows: [], removedStudentIds: [studentId], averages });
      await broadcaster.emit(ownRoom, 'gradebook:row', { groupId: group.id, rows: [], removedStudentIds: [studentId], averages: hideFromStudent(columns, averages) });
      await this.tables.pushed(group.id, kept.span, () => null);
      return averages;
    }
    const student = model.students[0]!;
    const patch = () =>
      this.tables.pushed(group.id, kept.span, (built, seq) => (built.signature === kept.signature ? patchRow(built, { student, cells, result, averages }, seq, this.infra.clock.now()) : null));
    const ownCells = studentCells(columns, cells);
    const ownResult = computeRow(calcColumns(columns), ownCells, settings.weights, settings.scale);
    const single = touched !== 'all' && touched.size === 1 ? columns.findIndex((c) => c.id === [...touched][0]) : -1;
    if (single >= 0) {
      const base = { groupId: group.id, studentId, columnId: columns[single]!.id, columnIndex: single };
      await broadcaster.emit(tableRoom, 'gradebook:cell', { ...base, cell: cells[single]!, row: result, averages });
      await broadcaster.emit(ownRoom, 'gradebook:cell', { ...base, cell: ownCells[single]!, row: ownResult, averages: hideFromStudent(columns, averages) });
      await patch();
      return averages;
    }
    await broadcaster.emit(tableRoom, 'gradebook:row', { groupId: group.id, rows: [rowOf(student, cells, result)], removedStudentIds: [], averages });
    await broadcaster.emit(ownRoom, 'gradebook:row', { groupId: group.id, rows: [rowOf(student, ownCells, ownResult)], removedStudentIds: [], averages: hideFromStudent(columns, averages) });
    await patch();
    return averages;
  }

  /** Rebuilds the whole table; pushes the columns when they (or the settings) changed, else the changed rows. */
  private async rebuild(group: GroupInfo, columnsChanged: boolean, students: Set<string> | 'all', span: Span): Promise<void> {
    const built = await this.tables.build(group, { reuse: false });
    const { model, table } = built;
    const averages = fullAverages(table);
    const broadcaster = this.infra.broadcaster;
    const tableRoom = gradebookRooms.group(group.id);
    const present = new Set(model.students.map((s) => s.id));
    const removed = students === 'all' ? [] : [...students].filter((id) => !present.has(id));
    const pick = (rows: GradebookRow[]) => (columnsChanged || students === 'all' ? rows : rows.filter((r) => students.has(r.student.id)));
    if (columnsChanged) {
      await broadcaster.emit(tableRoom, 'gradebook:column', {
        groupId: group.id,
        columns: table.columns,
        removedColumnIds: [],
        order: table.columns.map((c) => c.id),
        rows: table.rows,
        categories: table.categories,
        scale: table.scale,
        averages,
      });
    } else {
      await broadcaster.emit(tableRoom, 'gradebook:row', { groupId: group.id, rows: pick(table.rows), removedStudentIds: removed, averages });
    }
    // the table just built is what the room now shows: kept at the seq of that push
    await this.tables.pushed(group.id, span, (kept, seq) => (kept === built ? { ...kept, table: { ...kept.table, seq } } : null));
    for (const id of removed) {
      await broadcaster.emit(gradebookRooms.student(group.id, id), 'gradebook:row', { groupId: group.id, rows: [], removedStudentIds: [id], averages: hideFromStudent(model.columns, averages) });
    }
    for (const row of pick(table.rows)) {
      const own = studentTable(model, table, row.student.id, 0);
      const ownAverages = fullAverages(own);
      const room = gradebookRooms.student(group.id, row.student.id);
      if (columnsChanged) {
        await broadcaster.emit(room, 'gradebook:column', {
          groupId: group.id,
          columns: own.columns,
          removedColumnIds: [],
          order: own.columns.map((c) => c.id),
          rows: own.rows,
          categories: own.categories,
          scale: own.scale,
          averages: ownAverages,
        });
      } else {
        await broadcaster.emit(room, 'gradebook:row', { groupId: group.id, rows: own.rows, removedStudentIds: [], averages: ownAverages });
      }
    }
  }
}

function fullAverages(table: GradebookDto): GradebookAveragesPatch {
  return { columns: Object.fromEntries(table.columns.map((c, i) => [c.id, table.averages.columns[i] ?? null])), categories: table.averages.categories, total: table.averages.total };
}

function hideFromStudent(columns: ModelColumn[], averages: GradebookAveragesPatch): GradebookAveragesPatch {
  const hidden = new Set(columns.filter((c) => c.hiddenFromStudents).map((c) => c.id));
  if (!hidden.size) return averages;
  // as in the snapshot (studentAverages): hidden scores would show through the homework and total averages
  return {
    columns: Object.fromEntries(Object.entries(averages.columns).map(([id, value]) => [id, hidden.has(id) ? null : value])),
    categories: { ...averages.categories, homework: null },
    total: null,
  };
}
