import type { Role } from '@tp/shared';
import type { AppContext } from '../modules/index.js';
import type { User } from '../modules/users/user.entity.js';
import { seedPoolDemo } from '../modules/pool/pool.seed.js';
import { seedScheduleDemo } from './schedule-demo.js';

/** The demo accounts created on the first start, by role. */
export interface DemoUsers {
  admin: User;
  teachers: User[];
  students: User[];
}

/**
 * Extension point: other modules push a function here to add their demo data (groups, pool accounts)
 * over the demo users; each returns extra lines to print.
 */
export const extraSeeds: Array<(ctx: AppContext, users: DemoUsers) => Promise<string[]>> = [seedPoolDemo, seedScheduleDemo];

interface DemoAccount {
  email: string;
  password: string;
  role: Role;
  firstName: string;
  lastName: string;
}

const TEACHER_NAMES = [
  ['Анна', 'Смирнова'],
  ['Игорь', 'Петров'],
] as const;
const STUDENT_NAMES = [
  ['Мария', 'Иванова'],
  ['Дмитрий', 'Кузнецов'],
  ['Елена', 'Соколова'],
  ['Алексей', 'Попов'],
  ['Ольга', 'Лебедева'],
] as const;

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@demo.local', password: 'Demo-admin1', role: 'admin', firstName: 'Админ', lastName: 'Демо' },
  ...TEACHER_NAMES.map(([firstName, lastName], i) => ({
    email: `teacher${i + 1}@demo.local`,
    password: `Demo-teacher${i + 1}`,
    role: 'teacher' as const,
    firstName,
    lastName,
  })),
  ...STUDENT_NAMES.map(([firstName, lastName], i) => ({
    email: `student${i + 1}@demo.local`,
    password: `Demo-student${i + 1}`,
    role: 'student' as const,
    firstName,
    lastName,
  })),
];

/**
 * On an empty database with SEED_DEMO on: demo users (email confirmed) plus whatever `extraSeeds`
 * add. Returns the sign-in details to print, or null when there was nothing to do.
 */
export async function seedDemo(ctx: AppContext): Promise<string[] | null> {
  if (!ctx.infra.env.SEED_DEMO) return null;
  if ((await ctx.services.users.count()) > 0) return null;
  const created: User[] = [];
  for (const account of DEMO_ACCOUNTS) {
    created.push(await ctx.services.users.createAccount({ ...account, emailVerified: true }));
  }
  const users: DemoUsers = {
    admin: created.find((u) => u.role === 'admin')!,
    teachers: created.filter((u) => u.role === 'teacher'),
    students: created.filter((u) => u.role === 'student'),
  };
  const lines = ['Demo accounts (email / password):', ...DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(8)} ${a.email.padEnd(22)} ${a.password}`)];
  for (const seed of extraSeeds) lines.push(...(await seed(ctx, users)));
  return lines;
}
