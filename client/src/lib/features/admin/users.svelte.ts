import type { Role, UserDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  firstName: string;
  lastName: string;
}

/** What an admin may change about a user (`PATCH /api/admin/users/:id`). */
export interface UserChanges {
  email?: string;
  firstName?: string;
  lastName?: string;
  role?: Role;
  active?: boolean;
}

interface UserPage {
  items: UserDto[];
  total: number;
}

/** The admin's user list and what they do to users: create, edit, (de)activate, send a reset link. */
export class AdminUserList {
  users = $state<UserDto[]>([]);
  total = $state(0);
  loading = $state(true);
  error = $state<unknown>(null);
  query = $state('');

  async load(): Promise<void> {
    this.loading = true;
    try {
      const q = this.query.trim();
      const body = await http.get<UserPage>('/api/admin/users', { limit: 200, ...(q ? { q } : {}) });
      this.users = body.items;
      this.total = body.total;
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async create(input: NewUser): Promise<UserDto> {
    const user = await http.post<UserDto>('/api/admin/users', input);
    this.users = [user, ...this.users.filter((u) => u.id !== user.id)];
    this.total += 1;
    return user;
  }

  /** Saves the changes and puts the user as the server now has it into the list. */
  async update(id: string, changes: UserChanges): Promise<UserDto> {
    const user = await http.patch<UserDto>(`/api/admin/users/${id}`, changes);
    this.users = this.users.map((u) => (u.id === id ? user : u));
    return user;
  }

  setActive(id: string, active: boolean): Promise<UserDto> {
    return this.update(id, { active });
  }

  async sendPasswordReset(id: string): Promise<void> {
    await http.post(`/api/admin/users/${id}/password-reset`);
  }
}

/** Only the fields that differ from the user as loaded, so an unchanged role does not sign them out. */
export function changedFields(user: UserDto, form: Required<Omit<UserChanges, 'active'>>): UserChanges {
  const changes: UserChanges = {};
  const email = form.email.trim().toLowerCase();
  if (email !== user.email) changes.email = email;
  if (form.firstName.trim() !== user.firstName) changes.firstName = form.firstName.trim();
  if (form.lastName.trim() !== user.lastName) changes.lastName = form.lastName.trim();
  if (form.role !== user.role) changes.role = form.role;
  return changes;
}
