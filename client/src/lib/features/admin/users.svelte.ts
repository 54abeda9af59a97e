import type { Role, UserDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  firstName: string;
  lastName: string;
}

/** The admin's user list (`GET /api/admin/users`) and user creation (`POST /api/admin/users`). */
export class AdminUserList {
  users = $state<UserDto[]>([]);
  total = $state(0);
  loading = $state(true);
  error = $state<unknown>(null);

  async load(): Promise<void> {
    this.loading = true;
    try {
      const body = await http.get<UserDto[] | { users?: UserDto[]; items?: UserDto[]; total?: number }>('/api/admin/users', { limit: 200 });
      const list = Array.isArray(body) ? body : (body.users ?? body.items ?? []);
      this.users = list;
      this.total = Array.isArray(body) ? list.length : (body.total ?? list.length);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  async create(input: NewUser): Promise<UserDto> {
    const body = await http.post<UserDto | { user: UserDto }>('/api/admin/users', input);
    const user = 'user' in body ? body.user : body;
    this.users = [user, ...this.users.filter((u) => u.id !== user.id)];
    this.total += 1;
    return user;
  }
}
