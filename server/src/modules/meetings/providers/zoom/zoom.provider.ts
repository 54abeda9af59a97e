import { randomInt } from 'node:crypto';
import { systemClock, type Clock } from '../../../../infra/clock.js';
import type { Logger } from '../../../../infra/logger.js';
import {
  ProviderError,
  type CreateMeetingInput,
  type MeetingProvider,
  type ProviderAccount,
  type ProviderMeeting,
  type ZoomCredentials,
} from '../../provider.js';
import { backoffMs, zoomErrorCode, zoomErrorMessage, zoomRequest, type ZoomHttpOptions, type ZoomResponse } from './zoom-http.js';
import { ZoomTokens } from './zoom-tokens.js';

export interface ZoomProviderOptions {
  /** ZOOM_OAUTH_URL, e.g. https://zoom.us */
  oauthUrl: string;
  /** ZOOM_API_URL, e.g. https://api.zoom.us/v2 */
  apiUrl: string;
  logger: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Waits between retries; injectable so tests do not wait for real. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  maxRetryAfterMs?: number;
}

/** The Zoom REST API with Server-to-Server OAuth, one app per pooled account. */
export function createZoomProvider(options: ZoomProviderOptions): MeetingProvider {
  const logger = options.logger.child({ provider: 'zoom' });
  const http: ZoomHttpOptions = {
    logger,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    maxRetries: options.maxRetries ?? 3,
    backoffBaseMs: options.backoffBaseMs ?? 500,
    backoffCapMs: options.backoffCapMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
  };
  const tokens = new ZoomTokens(options.oauthUrl, http);
  const apiBase = options.apiUrl.replace(/\/+$/, '');

  /** An API call with a bearer token; a 401 means the token died early: one fresh token, one retry. */
  async function api(account: ProviderAccount, request: { method: 'GET' | 'POST' | 'PUT'; path: string; body?: unknown; what: string; unsafe?: boolean }): Promise<ZoomResponse> {
    const credentials = credentialsOf(account);
    for (let attempt = 0; ; attempt += 1) {
      const token = await tokens.get(credentials);
      const response = await zoomRequest(http, {
        method: request.method,
        url: `${apiBase}${request.path}`,
        headers: { authorization: `Bearer ${token}` },
        body: request.body,
        what: request.what,
        unsafe: request.unsafe,
      });
      if (response.status !== 401 || attempt > 0) return response;
      logger.info({ call: request.what, accountId: account.id }, 'zoom rejected the access token; refreshing once');
      tokens.invalidate(credentials, token);
    }
  }

  /** The host's scheduled meeting carrying `agenda`, read in full (links and password), if there is one. */
  async function findLessonMeeting(account: ProviderAccount, userId: string, agenda: string): Promise<ProviderMeeting | null> {
    const list = await api(account, { method: 'GET', path: `/users/${encodeURIComponent(userId)}/meetings?type=scheduled&page_size=300`, what: 'list meetings' });
    if (list.status !== 200) fail('list meetings', list);
    const found = ((list.body as { meetings?: Array<{ id?: unknown; agenda?: unknown }> } | null)?.meetings ?? []).find((m) => m.agenda === agenda);
    if (found?.id === undefined) return null;
    const full = await api(account, { method: 'GET', path: `/meetings/${encodeURIComponent(String(found.id))}`, what: 'get meeting' });
    if (full.status !== 200) fail('get meeting', full);
    return toMeeting(full.body);
  }

  function fail(what: string, response: ZoomResponse): never {
    throw new ProviderError(`Zoom ${what} failed (HTTP ${response.status}: ${zoomErrorMessage(response.body)})`, response.status);
  }

  return {
    name: 'zoom',

    async createMeeting(input: CreateMeetingInput): Promise<ProviderMeeting> {
      const credentials = credentialsOf(input.account);
      // The lesson's mark on its meeting: how a meeting whose creation answer was lost is found again.
      const agenda = `Lesson ${input.lessonId}`;
      for (let attempt = 0; ; attempt += 1) {
        try {
          const response = await api(input.account, {
            method: 'POST',
            path: `/users/${encodeURIComponent(credentials.userId)}/meetings`,
            what: 'create meeting',
            unsafe: true,
            body: meetingBody(input, agenda),
          });
          if (response.status !== 201 && response.status !== 200) fail('create meeting', response);
          const meeting = toMeeting(response.body);
          logger.info({ accountId: input.account.id, lessonId: input.lessonId, meetingId: meeting.meetingId }, 'zoom meeting created');
          return meeting;
        } catch (error) {
          if (!(error instanceof ProviderError && error.ambiguous) || attempt >= http.maxRetries) throw error;
          // Zoom may have created it although the answer was lost: adopt that meeting rather than make a second.
          const adopted = await findLessonMeeting(input.account, credentials.userId, agenda);
          if (adopted) {
            logger.info({ accountId: input.account.id, lessonId: input.lessonId, meetingId: adopted.meetingId }, 'zoom meeting found after a lost answer');
            return adopted;
          }
          await http.sleep(error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : backoffMs(http, attempt));
        }
      }
    },

    async refreshStartUrl(account: ProviderAccount, meetingId: string): Promise<string> {
      const response = await api(account, { method: 'GET', path: `/meetings/${encodeURIComponent(meetingId)}`, what: 'get meeting' });
      if (response.status !== 200) fail('get meeting', response);
      const startUrl = (response.body as { start_url?: unknown } | null)?.start_url;
      if (typeof startUrl !== 'string') throw new ProviderError('Zoom get meeting: no start_url in the answer', response.status);
      return startUrl;
    },

    async endMeeting(account: ProviderAccount, meetingId: string): Promise<void> {
      const response = await api(account, {
        method: 'PUT',
        path: `/meetings/${encodeURIComponent(meetingId)}/status`,
        body: { action: 'end' },
        what: 'end meeting',
      });
      if (response.status === 204 || response.status === 200) return;
      if (response.status === 404) {
        // 3001 "Meeting does not exist": already ended and gone, which is what we wanted.
        logger.info({ accountId: account.id, meetingId, code: zoomErrorCode(response.body) }, 'zoom meeting already gone');
        return;
      }
      fail('end meeting', response);
    },
  };
}

function meetingBody(input: CreateMeetingInput, agenda: string) {
  return {
    type: 2,
    topic: input.topic.slice(0, 200),
    start_time: input.startTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    duration: input.durationMinutes,
    timezone: input.timezone,
    password: meetingPassword(),
    agenda,
    settings: {
      join_before_host: false,
      waiting_room: false,
      host_video: true,
      participant_video: false,
      mute_upon_entry: true,
      approval_type: 2,
      auto_recording: 'none',
    },
  };
}

function credentialsOf(account: ProviderAccount): ZoomCredentials {
  if (!account.credentials) throw new ProviderError(`Zoom account "${account.label}" has no credentials`, null);
  return account.credentials;
}

function toMeeting(body: unknown): ProviderMeeting {
  const meeting = (body ?? {}) as { id?: unknown; uuid?: unknown; join_url?: unknown; start_url?: unknown; password?: unknown };
  if ((typeof meeting.id !== 'number' && typeof meeting.id !== 'string') || typeof meeting.join_url !== 'string' || typeof meeting.start_url !== 'string') {
    throw new ProviderError('Zoom create meeting: unexpected answer', null);
  }
  return {
    meetingId: String(meeting.id),
    uuid: typeof meeting.uuid === 'string' ? meeting.uuid : null,
    joinUrl: meeting.join_url,
    startUrl: meeting.start_url,
    password: typeof meeting.password === 'string' ? meeting.password : null,
  };
}

/** Zoom passcodes: up to 10 characters; digits keep them easy to type on a phone. */
function meetingPassword(): string {
  let password = '';
  for (let i = 0; i < 8; i += 1) password += String(randomInt(10));
  return password;
}
