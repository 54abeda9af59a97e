/** Numbers both the UI and the server enforce. */
export const LIMITS = {
  password: { min: 8, max: 128 },
  name: { max: 80 },
  email: { max: 254 },
  title: { max: 200 },
  groupName: { max: 120 },
  /** Lesson duration bounds, minutes. */
  lessonMinutes: { min: 5, max: 360 },
  /** A teacher may start a lesson this many minutes before its start. */
  startLeadMinutes: 15,
  /** Lesson starts per teacher per minute. */
  startsPerMinute: 3,
  /** Calendar range, days. */
  calendarMaxDays: 366,
  /** Host links older than this are re-fetched from the provider. */
  startUrlMaxAgeMinutes: 90,
  /** Request body size accepted by the API. */
  bodyBytes: 100 * 1024,
  page: { default: 50, max: 200 },
  signIn: { perIpPerMinute: 20, perEmailPerMinute: 5 },
  accessTokenSeconds: 15 * 60,
  refreshTokenDays: 30,
  resetTokenMinutes: 60,
  /** At most this many pool updates per second reach one socket. */
  poolUpdatesPerSecond: 10,
} as const;
