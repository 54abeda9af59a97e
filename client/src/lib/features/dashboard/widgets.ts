import type { Component } from 'svelte';
import type { Role } from '@tp/shared';
import HomeworkStudentWidget from '$features/homework/StudentWidget.svelte';
import HomeworkTeacherWidget from '$features/homework/TeacherWidget.svelte';

/**
 * Extra dashboard cards per role, rendered in order below the built-in ones. A feature adds its
 * card here (e.g. the admin's live pool tiles, a student's homework) instead of editing the dashboards.
 */
export const dashboardWidgets: Record<Role, Component[]> = {
  teacher: [HomeworkTeacherWidget],
  student: [HomeworkStudentWidget],
  admin: [],
};
