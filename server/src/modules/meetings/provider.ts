import type { ProviderName } from '@tp/shared';

/** Zoom Server-to-Server OAuth app credentials of one pooled account (decrypted, in memory only). */
export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** The Zoom user (id or email) meetings are created for: the host. */
  userId: string;
}

/** What a provider needs to know about the pooled account it acts for. */
export interface ProviderAccount {
  id: string;
  label: string;
  email: string;
  credentials: ZoomCredentials | null;
}

export interface CreateMeetingInput {
  account: ProviderAccount;
  lessonId: string;
  topic: string;
  startTime: Date;
  durationMinutes: number;
  timezone: string;
}

export interface ProviderMeeting {
  meetingId: string;
  uuid: string | null;
  joinUrl: string;
  /** Host link; expires at the provider (~2 h for Zoom). */
  startUrl: string;
  password: string | null;
}

/** A failed provider call after the client's own retries. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterSeconds: number | null = null,
    /** The call may have done its work although no answer came back (a timeout, a dropped connection, a 5xx). */
    readonly ambiguous = false,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** One video provider behind one interface: `zoom`, the built-in `demo`, later `bbb`. */
export interface MeetingProvider {
  readonly name: ProviderName;
  createMeeting(input: CreateMeetingInput): Promise<ProviderMeeting>;
  /** A fresh host link for a running meeting. */
  refreshStartUrl(account: ProviderAccount, meetingId: string): Promise<string>;
  /** Ends the meeting; a meeting that is already gone counts as ended. */
  endMeeting(account: ProviderAccount, meetingId: string): Promise<void>;
}
