import { Migration } from '@mikro-orm/migrations';

/** Webhook deliveries already handled: providers retry and duplicate, each event acts once. */
export class Migration20261121000004_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table webhook_deliveries (
        id uuid primary key,
        provider varchar(16) not null,
        event varchar(100) not null,
        event_key varchar(400) not null,
        meeting_id varchar(255) null,
        event_at timestamptz null,
        tracking_id varchar(255) null,
        received_at timestamptz not null,
        constraint webhook_deliveries_key_unique unique (provider, event_key)
      );`);
    this.addSql(`create index webhook_deliveries_meeting_index on webhook_deliveries (provider, meeting_id, event) where meeting_id is not null;`);
    this.addSql(`create index webhook_deliveries_received_index on webhook_deliveries (received_at);`);
  }
}
