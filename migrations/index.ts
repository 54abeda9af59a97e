import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000001_base } from './Migration20261121000001_base.js';
import { Migration20261121000002_pool } from './Migration20261121000002_pool.js';
import { Migration20261121000004_webhooks } from './Migration20261121000004_webhooks.js';
import { Migration20261121000005_account_pause } from './Migration20261121000005_account_pause.js';
import { Migration20261202000006_demo_participants } from './Migration20261202000006_demo_participants.js';
import { Migration20261202000008_job_queue } from './Migration20261202000008_job_queue.js';
import { Migration20261202000009_homework } from './Migration20261202000009_homework.js';
import { Migration20261202000010_chat } from './Migration20261202000010_chat.js';
import { Migration20261202000011_notifications } from './Migration20261202000011_notifications.js';
import { Migration20261202000012_attendance } from './Migration20261202000012_attendance.js';
import { Migration20261202000013_gradebook } from './Migration20261202000013_gradebook.js';
import { Migration20261202000014_notification_centre } from './Migration20261202000014_notification_centre.js';
import { Migration20261202000015_attachment_thumbnails } from './Migration20261202000015_attachment_thumbnails.js';
import { Migration20261202000016_demo_stays } from './Migration20261202000016_demo_stays.js';

/** Applied in order; a module adds its migration at the end. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121000001_base', class: Migration20261121000001_base },
  { name: 'Migration20261121000002_pool', class: Migration20261121000002_pool },
  { name: 'Migration20261121000004_webhooks', class: Migration20261121000004_webhooks },
  { name: 'Migration20261121000005_account_pause', class: Migration20261121000005_account_pause },
  { name: 'Migration20261202000006_demo_participants', class: Migration20261202000006_demo_participants },
  { name: 'Migration20261202000008_job_queue', class: Migration20261202000008_job_queue },
  { name: 'Migration20261202000009_homework', class: Migration20261202000009_homework },
  { name: 'Migration20261202000010_chat', class: Migration20261202000010_chat },
  { name: 'Migration20261202000011_notifications', class: Migration20261202000011_notifications },
  { name: 'Migration20261202000012_attendance', class: Migration20261202000012_attendance },
  { name: 'Migration20261202000013_gradebook', class: Migration20261202000013_gradebook },
  { name: 'Migration20261202000014_notification_centre', class: Migration20261202000014_notification_centre },
  { name: 'Migration20261202000015_attachment_thumbnails', class: Migration20261202000015_attachment_thumbnails },
  { name: 'Migration20261202000016_demo_stays', class: Migration20261202000016_demo_stays },
];
