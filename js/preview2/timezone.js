// wasi:clocks/timezone (unstable in WASI 0.2): the UTC offset, name and
// daylight-saving flag of a datetime in one time zone, from the JS Intl API
// (the zone's rules are the browser's or Node's tz data).

/** @typedef {{ seconds: bigint | number, nanoseconds: number }} Datetime */
/** @typedef {{ utcOffset: number, name: string, inDaylightSavingTime: boolean }} TimezoneDisplay */

/** What WASI asks for when the zone cannot be determined. */
const UTC_DISPLAY = Object.freeze({ utcOffset: 0, name: "UTC", inDaylightSavingTime: false });

/** JS Dates reach 8.64e15 ms after the epoch; later datetimes have no zone. */
const MAX_MS = 8.64e15;

/**
 * ICU gives a zone's short name ("PST", "CET") only in locales where it is
 * commonly used, "GMT-8" elsewhere; these English ones cover the usual
 * abbreviations (en-US: EST/PST, en-GB: CET/BST, en-AU: AEST, en-IN: IST, ...).
 * A fixed list, so the name does not depend on the user's locale.
 */
const NAME_LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-NZ", "en-IN", "en-IE", "en-ZA"];

/** ICU's "GMT+5:45" style: an offset, not a name. */
const OFFSET_NAME = /^(GMT|UTC)[+\-\u2212]/;

/**
 * One time zone: an IANA name ("Europe/Berlin"), or the host's local zone
 * when `timeZone` is undefined.
 */
export class Timezone {
  /** @type {string | undefined} */
  #zone;
  /** @type {Intl.DateTimeFormat | null} */
  #format = null;
  /** @type {Intl.DateTimeFormat[] | null} */
  #names = null;

  /**
   * Intl formatters are made on first use (the first costs ~100 ms of ICU
   * setup, each later one ~1 ms): most components never ask. A zone given
   * by name is checked at once, so a typo fails early.
   * @param {string} [timeZone]
   */
  constructor(timeZone) {
    if (timeZone !== undefined && typeof timeZone !== "string") {
      throw new TypeError("options.timeZone must be an IANA time zone name (a string)");
    }
    this.#zone = timeZone;
    if (timeZone !== undefined && timeZone !== "UTC") this.#fields();
  }

  /** The IANA name of the zone ("UTC", "Europe/Berlin"). */
  get id() {
    return this.#fields().resolvedOptions().timeZone;
  }

  /** Wall-clock fields in the zone: their difference from UTC is the offset, to the second. */
  #fields() {
    if (this.#format) return this.#format;
    try {
      this.#format = new Intl.DateTimeFormat("en-US", {
        timeZone: this.#zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (error) {
      throw new TypeError(`options.timeZone: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return this.#format;
  }

  /**
   * `utc-offset`: seconds east of UTC (local time minus UTC: -18000 for
   * New York in winter), 0 for datetimes past JS's range.
   * @param {Datetime} when
   * @returns {number}
   */
  utcOffset(when) {
    const ms = toMs(when);
    return (ms === undefined ? undefined : this.#offsetAt(ms)) ?? 0;
  }

  /**
   * `display`: offset, short name and whether daylight saving time is in
   * effect. A zone without a common abbreviation is named by its offset
   * ("+05:45"). Datetimes past JS's range get UTC's display, as WASI asks
   * for a zone that cannot be determined.
   * @param {Datetime} when
   * @returns {TimezoneDisplay}
   */
  display(when) {
    const ms = toMs(when);
    const utcOffset = ms === undefined ? undefined : this.#offsetAt(ms);
    if (ms === undefined || utcOffset === undefined) return { ...UTC_DISPLAY };
    return { utcOffset, name: this.#nameAt(ms, utcOffset), inDaylightSavingTime: this.#isDst(ms, utcOffset) };
  }

  /**
   * @param {number} ms
   * @returns {number | undefined}
   */
  #offsetAt(ms) {
    /** @type {Record<string, number>} */
    const f = {};
    // Date#getTimezoneOffset would round to minutes; this keeps seconds.
    for (const part of this.#fields().formatToParts(ms)) f[part.type] = Number(part.value);
    const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
    const offset = Math.round((wall - Math.floor(ms / 1000) * 1000) / 1000);
    // Near the end of JS's range the local wall clock may be out of it.
    return Number.isFinite(offset) ? offset : undefined;
  }

  /**
   * @param {number} ms
   * @param {number} utcOffset
   */
  #nameAt(ms, utcOffset) {
    const timeZone = this.id;
    this.#names ??= NAME_LOCALES.map((locale) => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }));
    for (const format of this.#names) {
      const name = format.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value;
      if (name && !OFFSET_NAME.test(name)) return name;
    }
    return formatOffset(utcOffset);
  }

  /**
   * JS has no DST flag: the zone's standard offset is taken as the smaller
   * of its offsets on 1 January and 1 July of that year (either hemisphere),
   * and a larger offset is daylight saving time.
   * @param {number} ms
   * @param {number} utcOffset
   */
  #isDst(ms, utcOffset) {
    const year = new Date(ms + utcOffset * 1000).getUTCFullYear();
    let standard = utcOffset;
    for (const month of [0, 6]) {
      const probe = Date.UTC(year, month, 1);
      const offset = Math.abs(probe) <= MAX_MS ? this.#offsetAt(probe) : undefined;
      if (offset !== undefined) standard = Math.min(standard, offset);
    }
    return utcOffset > standard;
  }
}

/**
 * A datetime as ms since the epoch, or undefined past what a JS Date holds.
 * @param {Datetime} when
 */
function toMs(when) {
  const seconds = BigInt(when.seconds);
  if (seconds < 0n || seconds > BigInt(MAX_MS / 1000)) return undefined;
  const ms = Number(seconds) * 1000 + Math.min(999, Math.floor(Number(when.nanoseconds) / 1e6));
  return ms <= MAX_MS ? ms : undefined;
}

/**
 * -14400 → "-04:00"; seconds only when there are some ("+00:17:30").
 * @param {number} seconds
 */
export function formatOffset(seconds) {
  const abs = Math.abs(seconds);
  /** @param {number} n */
  const two = (n) => String(n).padStart(2, "0");
  const hm = `${two(Math.floor(abs / 3600))}:${two(Math.floor((abs % 3600) / 60))}`;
  return `${seconds < 0 ? "-" : "+"}${hm}${abs % 60 ? `:${two(abs % 60)}` : ""}`;
}
