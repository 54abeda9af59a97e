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
  /**
   * Failed sign-ins only (a success resets the account's count): a class of 200 behind one address
   * signs in freely, guessing stops. Consecutive failures per account from one address (then a
   * 15-minute wait), per account from any address (then an hour), and per address per day (then an hour).
   */
  signIn: { failuresPerAccountAndAddress: 10, failuresPerAccount: 100, failuresPerAddressPerDay: 1000 },
  accessTokenSeconds: 15 * 60,
  refreshTokenDays: 30,
  resetTokenMinutes: 60,
  /** At most this many pool updates per second reach one socket. */
  poolUpdatesPerSecond: 10,
  homework: {
    questions: 100,
    options: 30,
    gaps: 30,
    maxPoints: 1000,
    maxAttempts: 10,
    promptChars: 10_000,
    instructionsChars: 20_000,
    optionChars: 1_000,
    feedbackChars: 2_000,
    answerChars: 1_000,
    freeTextChars: 20_000,
    freeTextWords: 5_000,
    giftChars: 90_000,
    /** Days a missed homework stays in the backlog, where a late submission replaces its 0. */
    backlogDays: 14,
    /** Without a next lesson, the due time is this many days after publishing. */
    defaultDueDays: 7,
    /** Autosaves, starts and submits per student per minute (typing with a debounce stays far below). */
    savesPerMinute: 240,
  },
  /** An admin's reason for releasing a room by hand, characters. */
  releaseReason: { min: 3, max: 500 },
  chat: {
    /** Characters of one message. */
    messageChars: 4_000,
    /** Messages one sender may send: a burst of this many … */
    burst: 20,
    /** … per this many seconds. */
    burstSeconds: 10,
    /** Messages per history page. */
    page: { default: 50, max: 100 },
    /** Characters of a search query. */
    queryChars: 200,
    /** A client id (idempotency key) of a message. */
    clientIdChars: 64,
    /** Bytes of one attachment. */
    attachmentBytes: 20 * 1024 * 1024,
    /** Attachments on one message. */
    attachmentsPerMessage: 10,
    /** Minutes a signed file link works. */
    fileLinkMinutes: 60,
    /** The longer side of an image's thumbnail, in pixels. */
    thumbnailPx: 320,
    /** Pixels an uploaded image may decode to (40 megapixels); more is refused as a decompression bomb. */
    imagePixels: 40_000_000,
  },
  attendance: {
    /** Characters of a mark's comment. */
    commentChars: 500,
    /** Marks in one save (a whole group). */
    marksPerSave: 500,
    /** Points per status and the maximum are whole numbers up to this. */
    maxPoints: 100,
    /** "Late" after at most this many minutes. */
    lateAfterMinutes: 240,
  },
} as const;
