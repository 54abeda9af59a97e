import { DEFAULT_MARK_SCALE, gradebookRooms, type GradebookDto } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { GradebookRepository, GroupInfo } from './gradebook.repository.js';
import type { KeptRowsRepository } from './kept-rows.repository.js';
import type { GradebookSources } from './gradebook.sources.js';
import { alignCells, buildTable, signature, studentTable, type GradebookModel, type Settings, type TableBuild } from './gradebook.model.js';

/**
 * Builds whole tables from aggregate reads (students, settings, three column reads, three cell reads:
 * eight statements, sent together) and keeps the per-student rows the live updates start from.
 */
/**
 * Tables kept per node, reused while their room's seq has not moved (a changed group is dropped at
 * once), up to this many cells in all (a 300 × 200 table is 60,000; the oldest go first).
 */
const KEEP_CELLS = 200_000;
/** Names and titles changed elsewhere (a renamed student or lesson) are not announced: a kept table is rebuilt after this long. */
const KEEP_MS = 60_000;

interface KeptTable {
  seq: number;
  at: number;
  /** Every change announced up to this generation of the group is in the table. */
  generation: number;
  built: TableBuild;
}

export class GradebookTables {
  private readonly kept = new Map<string, KeptTable>();
  /** Per group, how many changes have been announced on this node (a kept table is current only at the latest). */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly infra: Infra,
    private readonly repo: GradebookRepository,
    readonly sources: GradebookSources,
    readonly keptRows: KeptRowsRepository,
  ) {}

  async settings(groupId: string): Promise<Settings> {
    const stored = await this.repo.settings(groupId);
    return { weights: stored.weights, scale: stored.scale === undefined ? [...DEFAULT_MARK_SCALE] : stored.scale };
  }

  async model(group: GroupInfo): Promise<GradebookModel> {
    const [students, settings, columns, cells] = await Promise.all([
      this.repo.students(group.id),
      this.settings(group.id),
      this.sources.columns(group.id),
      this.sources.cells(group.id),
    ]);
    return { group, settings, columns, students, cells: alignCells(columns, students.map((s) => s.id), cells) };
  }

  /**
   * The teacher's table (`seq` read before the data, so no later event is missed) and the model it
   * came from. Rewrites the kept rows when they are not known to be complete and current.
   */
  async build(group: GroupInfo, options: { reuse?: boolean } = {}): Promise<TableBuild> {
    const generation = this.generation(group.id);
    const seq = await this.infra.broadcaster.sequence.current(gradebookRooms.group(group.id));
    const now = this.infra.clock.now().getTime();
    const kept = this.kept.get(group.id);
    // every change of a group is pushed to its table's room, so an unmoved seq means an unchanged table
    if (options.reuse !== false && kept && kept.generation === generation && kept.seq === seq && now - kept.at < KEEP_MS && kept.built.model.group.name === group.name) {
      return kept.built;
    }
    const [model, cache] = await Promise.all([this.model(group), this.keptRows.cacheState(group.id)]);
    const built = buildTable(model, seq, this.infra.clock.now());
    const sig = signature(model.columns, model.settings);
    if (!cache.fresh || cache.signature !== sig) await this.keptRows.replaceRows(group.id, built.kept(), sig);
    const result = { model, table: built.dto, signature: sig };
    this.kept.delete(group.id);
    this.kept.set(group.id, { seq, at: now, generation, built: result });
    const cells = (entry: KeptTable) => entry.built.model.students.length * entry.built.model.columns.length;
    let total = [...this.kept.values()].reduce((sum, entry) => sum + cells(entry), 0);
    for (const [groupId, entry] of this.kept) {
      if (total <= KEEP_CELLS || groupId === group.id) break;
      this.kept.delete(groupId);
      total -= cells(entry);
    }
    return result;
  }

  /** A change of the group is on its way: the kept table is not handed out until it is patched or rebuilt. */
  changing(groupId: string): number {
    const generation = this.generation(groupId) + 1;
    this.generations.set(groupId, generation);
    return generation;
  }

  generation(groupId: string): number {
    return this.generations.get(groupId) ?? 0;
  }

  /**
   * The live path pushed one student's new row to the table's room: the kept table takes the same row
   * and averages, so the next read hands it out at once instead of rebuilding 60,000 cells. `since`..`upTo`
   * are the generations the push covers; the kept table must hold every change before them, and the
   * room's seq must have moved by that push alone — otherwise it is dropped and the next read rebuilds.
   */
  async pushed(groupId: string, span: { since: number; upTo: number }, patch: (built: TableBuild, seq: number) => TableBuild | null): Promise<void> {
    const entry = this.kept.get(groupId);
    if (!entry) return;
    const seq = await this.infra.broadcaster.sequence.current(gradebookRooms.group(groupId));
    if (this.kept.get(groupId) !== entry) return;
    const patched = entry.generation >= span.since && entry.generation <= span.upTo && seq === entry.seq + 1 ? patch(entry.built, seq) : null;
    if (!patched) {
      this.kept.delete(groupId);
      return;
    }
    Object.assign(entry, { seq, generation: span.upTo, built: patched });
  }

  /** One student's own view: their row only, with the group's averages. */
  async buildForStudent(group: GroupInfo, studentId: string): Promise<GradebookDto> {
    const seq = await this.infra.broadcaster.sequence.current(gradebookRooms.student(group.id, studentId));
    const { model, table } = await this.build(group);
    return studentTable(model, table, studentId, seq);
  }
}
