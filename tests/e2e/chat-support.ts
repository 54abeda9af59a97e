import type { ChatMessageDto } from '@tp/shared';
import type { Page } from 'playwright-core';
import type { E2eApp } from './support.js';

/** The server's history of a group's chat, oldest first, read straight from the database. */
export async function wholeHistoryOf(app: E2eApp, groupId: string): Promise<Array<Pick<ChatMessageDto, 'seq' | 'text'>>> {
  const rows: Array<{ seq: string; text: string }> = await app.infra.orm.em
    .fork()
    .getConnection()
    .execute(`select m.seq, m.text from chat_messages m join chats c on c.id = m.chat_id where c.group_id = ? order by m.seq`, [groupId]);
  return rows.map((row) => ({ seq: Number(row.seq), text: row.text }));
}

/** Types a message into the open chat's composer and sends it with Enter. */
export async function write(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
}
