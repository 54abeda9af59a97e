import type { Role } from '@tp/shared';
import type { Pathname } from '$app/types';
import type { MessageKey } from '$lib/i18n/i18n.svelte.js';

/**
 * The pages a menu links to: routes without parameters that exist (typed by SvelteKit). Kept to a
 * short union because `resolve()` stops checking a union of every route once there are many.
 */
type NavPath = Extract<Pathname, '/app' | '/app/calendar' | '/app/groups' | '/app/homework' | '/app/gradebook' | '/app/grades' | '/app/chats' | '/app/pool' | '/app/audit' | '/app/jobs' | '/app/users' | '/app/attendance'>;

export interface NavItem {
  /** A route that exists, linked through `resolve()`. */
  href: NavPath;
  label: MessageKey;
  /** Highlight only on an exact path match (the dashboard), not on sub-paths. */
  exact?: boolean;
  /** On a phone the menu scrolls sideways: this item stays in view at its right edge. */
  pinnedOnPhone?: boolean;
}

/**
 * The navigation of each role. A feature adds its page here (and its route under `src/routes/app/`).
 */
export const navByRole: Record<Role, NavItem[]> = {
  teacher: [
    { href: '/app', label: 'nav.dashboard', exact: true },
    { href: '/app/calendar', label: 'nav.calendar' },
    { href: '/app/groups', label: 'nav.groups' },
    { href: '/app/homework', label: 'nav.homework' },
    { href: '/app/gradebook', label: 'nav.gradebook' },
    { href: '/app/attendance', label: 'nav.attendance' },
    { href: '/app/chats', label: 'nav.chats', pinnedOnPhone: true },
  ],
  student: [
    { href: '/app', label: 'nav.dashboard', exact: true },
    { href: '/app/calendar', label: 'nav.calendar' },
    { href: '/app/groups', label: 'nav.groups' },
    { href: '/app/homework', label: 'nav.homework' },
    { href: '/app/grades', label: 'nav.grades' },
    { href: '/app/attendance', label: 'nav.attendance' },
    { href: '/app/chats', label: 'nav.chats', pinnedOnPhone: true },
  ],
  admin: [
    { href: '/app', label: 'nav.dashboard', exact: true },
    { href: '/app/pool', label: 'nav.pool' },
    // The whole school's lessons, read-only, live.
    { href: '/app/calendar', label: 'nav.calendar' },
    // Every group's gradebook, read-only.
    { href: '/app/gradebook', label: 'nav.gradebook' },
    { href: '/app/audit', label: 'nav.audit' },
    { href: '/app/jobs', label: 'nav.jobs' },
    { href: '/app/users', label: 'nav.users' },
    { href: '/app/chats', label: 'nav.chats', pinnedOnPhone: true },
  ],
};

export function isActive(item: NavItem, pathname: string): boolean {
  return item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
}

/** A path that belongs to another role's navigation and not to this one's (the shell sends the user home). */
export function isForeignPath(role: Role, pathname: string): boolean {
  const mine = navByRole[role].some((item) => isActive(item, pathname));
  const others = Object.values(navByRole).some((items) => items.some((item) => !item.exact && isActive(item, pathname)));
  return !mine && others;
}
