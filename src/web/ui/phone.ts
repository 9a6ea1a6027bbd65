import { useEffect, useState } from 'react';

/**
 * Phone numbers as people read them ("+65 6100 2000", not "+6561002000"), by libphonenumber's
 * international format. Its metadata is 20 KB gzipped, so it is loaded on first use, outside the
 * desktop's initial bundle: until it is there (a moment after the first number is shown) a number
 * reads as stored. A masked number ("*******4567") and anything that is not E.164 are left as they are.
 */
type Format = (e164: string) => string;
let format: Format | null = null;
let loading: Promise<void> | null = null;
const E164 = /^\+[1-9]\d{6,14}$/;

function load(): Promise<void> {
  loading ??= import('libphonenumber-js/min').then(
    ({ parsePhoneNumberFromString }) => {
      format = (n) => {
        const p = parsePhoneNumberFromString(n);
        return p?.isValid() ? p.formatInternational() : n;
      };
    },
    () => {
      loading = null; // not loaded (offline a moment): the next use tries again
    },
  );
  return loading;
}

/** The number formatted, when it is an E.164 number and the formatter is loaded; else as given. */
export function phoneWords(n: string): string {
  if (!E164.test(n)) return n;
  if (!format) {
    void load();
    return n;
  }
  return format(n);
}

/** `phoneWords` for a component: shown again, formatted, once the formatter has loaded. */
export function usePhoneWords(): (n: string) => string {
  const [, setReady] = useState(format !== null);
  useEffect(() => {
    if (format) return;
    let live = true;
    void load().then(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, []);
  return phoneWords;
}
