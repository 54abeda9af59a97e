import { accessSync, constants } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

let resolved: Promise<string> | undefined;

/**
 * The browser for the browser tests, never downloaded at run time: `CHROMIUM_PATH`, else Debian's
 * Chromium, else the Chromium that ships inside the @sparticuz/chromium npm package (unpacked once
 * into the temp folder on first use).
 */
export function chromiumPath(): Promise<string> {
  resolved ??= (async () => {
    const configured = process.env.CHROMIUM_PATH;
    if (configured) {
      if (!executable(configured)) throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`);
      return configured;
    }
    if (executable(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
    const { default: packaged } = await import('@sparticuz/chromium');
    return packaged.executablePath();
  })();
  return resolved;
}
