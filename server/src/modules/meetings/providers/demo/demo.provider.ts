import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CreateMeetingInput, MeetingProvider, ProviderAccount, ProviderMeeting } from '../../provider.js';

export interface DemoProviderOptions {
  /** Where users reach the product; meeting links point at its demo meeting page. */
  publicUrl: string;
  /** Signs host tokens so only the start link's holder can end a demo meeting. */
  hostKey: string;
}

/** The built-in provider for local use: no network; meetings live on our own demo page. */
export class DemoProvider implements MeetingProvider {
  readonly name = 'demo' as const;

  constructor(private readonly options: DemoProviderOptions) {}

  async createMeeting(_input: CreateMeetingInput): Promise<ProviderMeeting> {
    const meetingId = randomBytes(10).toString('hex');
    return {
      meetingId,
      uuid: null,
      joinUrl: this.joinUrl(meetingId),
      startUrl: this.startUrl(meetingId),
      password: randomBytes(3).toString('hex'),
    };
  }

  async refreshStartUrl(_account: ProviderAccount, meetingId: string): Promise<string> {
    return this.startUrl(meetingId);
  }

  /** Nothing to tell anyone: the demo page reads the lesson's state from us. */
  async endMeeting(): Promise<void> {}

  hostToken(meetingId: string): string {
    return createHmac('sha256', this.options.hostKey).update(`demo-host:${meetingId}`).digest('base64url');
  }

  isHostToken(meetingId: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.hostToken(meetingId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private joinUrl(meetingId: string): string {
    return `${this.options.publicUrl}/demo-meeting/${meetingId}`;
  }

  private startUrl(meetingId: string): string {
    return `${this.joinUrl(meetingId)}?host=${this.hostToken(meetingId)}`;
  }
}
