import { Migration } from '@mikro-orm/migrations';

/** An image attachment's small preview, kept in the storage next to the original. */
export class Migration20261202000015_attachment_thumbnails extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table chat_attachments add column thumb_key varchar(128) null unique;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table chat_attachments drop column thumb_key;`);
  }
}
