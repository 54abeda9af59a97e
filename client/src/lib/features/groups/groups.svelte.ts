import type { GroupDto } from '@tp/shared';
import { groupsApi } from './api.js';

const byName = (a: GroupDto, b: GroupDto) => a.name.localeCompare(b.name);

/** The viewer's groups: a teacher's own (archived ones included), a student's memberships. */
export class GroupsState {
  groups = $state<GroupDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  active = $derived(this.groups.filter((group) => !group.archived));
  archived = $derived(this.groups.filter((group) => group.archived));

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.groups = (await groupsApi.list()).sort(byName);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async create(name: string): Promise<GroupDto> {
    return this.put(await groupsApi.create(name));
  }

  async rename(id: string, name: string): Promise<GroupDto> {
    return this.put(await groupsApi.update(id, { name }));
  }

  async setArchived(id: string, archived: boolean): Promise<GroupDto> {
    return this.put(await groupsApi.update(id, { archived }));
  }

  async join(code: string): Promise<GroupDto> {
    return this.put(await groupsApi.join(code));
  }

  private put(group: GroupDto): GroupDto {
    this.groups = [...this.groups.filter((g) => g.id !== group.id), group].sort(byName);
    return group;
  }
}

/** One group as its teacher manages it: students and the invite code. */
export class GroupDetail {
  group = $state<GroupDto | null>(null);
  loading = $state(true);
  error = $state<unknown>(null);

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.group = await groupsApi.get(this.id);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async rename(name: string): Promise<void> {
    this.group = await groupsApi.update(this.id, { name });
  }

  async setArchived(archived: boolean): Promise<void> {
    this.group = await groupsApi.update(this.id, { archived });
  }

  async addStudent(email: string): Promise<void> {
    this.group = await groupsApi.addStudent(this.id, email);
  }

  async removeStudent(studentId: string): Promise<void> {
    this.group = await groupsApi.removeStudent(this.id, studentId);
  }

  async regenerateInvite(): Promise<void> {
    this.group = await groupsApi.regenerateInvite(this.id);
  }
}
