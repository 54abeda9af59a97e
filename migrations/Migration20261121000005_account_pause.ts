import { Migration } from '@mikro-orm/migrations';

/**
 * An account the provider refuses for a while (Zoom's daily limit of meeting creations per host)
 * is left out of reservations until then.
 */
export class Migration20261121000005_account_pause extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table meeting_accounts add column paused_until timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table meeting_accounts drop column paused_until;`);
  }
}
