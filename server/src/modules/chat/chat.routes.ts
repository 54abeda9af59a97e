import { Router } from 'express';
import {
  chatHistoryQuery,
  chatMessageParams,
  chatParams,
  chatReadPayload,
  chatSearchQuery,
  editMessageBody,
  groupChatSettingsBody,
  groupChatSettingsParams,
  openDirectChatBody,
} from '@tp/shared';
import { authenticate, requireRole, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';

/** `/api/chats`: the caller's chats, history, search, edits and read positions (sending is on the socket). */
export function chatRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const chats = services.chat;
  router.use(['/chats', '/presence', '/groups/:id/chat', '/groups/:id/chat-settings'], authenticate(infra.tokens));

  router.get('/chats', async (req, res) => {
    res.json(await chats.list(who(req)));
  });
  router.get('/presence', async (req, res) => {
    res.json({ online: await services.presence.onlineAround(who(req).userId) });
  });
  router.get('/chats/contacts', async (req, res) => {
    res.json(await chats.contacts(who(req)));
  });
  router.get('/chats/search', async (req, res) => {
    const { q, chatId } = query(req, chatSearchQuery);
    res.json(await chats.search(who(req), q, chatId));
  });
  router.post('/chats/direct', async (req, res) => {
    res.json(await chats.openDirect(who(req), body(req, openDirectChatBody).userId));
  });
  router.get('/chats/:id', async (req, res) => {
    res.json(await chats.get(who(req), params(req, chatParams).id));
  });
  router.get('/chats/:id/messages', async (req, res) => {
    const { id } = params(req, chatParams);
    res.json(await chats.history(who(req), id, query(req, chatHistoryQuery)));
  });
  router.patch('/chats/:id/messages/:messageId', async (req, res) => {
    const { id, messageId } = params(req, chatMessageParams);
    res.json(await chats.edit(who(req), id, messageId, body(req, editMessageBody).text));
  });
  router.delete('/chats/:id/messages/:messageId', async (req, res) => {
    const { id, messageId } = params(req, chatMessageParams);
    res.json(await chats.delete(who(req), id, messageId));
  });
  router.post('/chats/:id/read', async (req, res) => {
    const { id } = params(req, chatParams);
    res.json(await chats.read(who(req), id, body(req, chatReadPayload.omit({ chatId: true })).seq));
  });
  router.get('/groups/:id/chat', async (req, res) => {
    res.json(await chats.groupChat(who(req), params(req, groupChatSettingsParams).id));
  });
  router.get('/groups/:id/chat-settings', async (req, res) => {
    res.json(await chats.studentsDirect(who(req), params(req, groupChatSettingsParams).id));
  });
  router.put('/groups/:id/chat-settings', requireRole('teacher'), async (req, res) => {
    const { id } = params(req, groupChatSettingsParams);
    res.json(await chats.setStudentsDirect(who(req), id, body(req, groupChatSettingsBody).studentsDirect));
  });
  return router;
}
