/**
 * Import, fuzzed with fast-check over files shaped like real exports (zones by IANA and Windows names, floating,
 * UTC and DATE times, RRULE, RECURRENCE-ID, EXDATE, LANGUAGE, month-only markers): never a 5xx; importing the
 * same file again records nothing; the feed parses; the feed imported into a new calendar skips nothing, and into
 * its own calendar updates nothing.
 */
import fc from 'fast-check';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  t = await startTestRuntime();
});
afterAll(async () => t.close());

const zones = ['Asia/Kuwait', 'Arab Standard Time', 'America/New_York', 'Europe/London', 'China Standard Time', 'Nowhere/Land'];
const dates = ['20260701', '20260229', '20270228', '20261101', '20260308', '20260301', '20260801'];
const times = ['090000', '013000', '023000', '235959', '000000'];
const dt = fc.oneof(
  fc.tuple(fc.constantFrom(...dates), fc.constantFrom(...times), fc.constantFrom(...zones)).map(([d, h, z]) => `;TZID=${z}:${d}T${h}`),
  fc.tuple(fc.constantFrom(...dates), fc.constantFrom(...times)).map(([d, h]) => `:${d}T${h}Z`),
  fc.tuple(fc.constantFrom(...dates), fc.constantFrom(...times)).map(([d, h]) => `:${d}T${h}`),
  fc.constantFrom(...dates).map((d) => `;VALUE=DATE:${d}`),
);
const summary = fc.oneof(
  fc.constantFrom('Forum', 'منتدى المدن العربية (التاريخ يُحدَّد لاحقاً)', '友好协会年会（日期待定）', 'Forum (date to be confirmed)', ' (date to be confirmed)', 'اجتماع GCC'),
  fc.string({ maxLength: 30 }),
);
const lang = fc.option(fc.constantFrom('ar', 'en', 'zh', 'EN-us', 'x', '123', 'zh-Hant', 'i-klingon'), { nil: undefined });
const rule = fc.constantFrom(
  'FREQ=WEEKLY;COUNT=3',
  'FREQ=MONTHLY;BYDAY=-1FR;COUNT=4',
  'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=3',
  'FREQ=DAILY;UNTIL=20260710T000000Z',
  'FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU;COUNT=2',
  'FREQ=HOURLY;COUNT=2',
);
const vevent = fc
  .record({
    uid: fc.constantFrom('a@x', 'b@x', 'c@x'),
    start: dt,
    end: fc.option(dt, { nil: undefined }),
    duration: fc.option(fc.constantFrom('PT1H', 'P1D', 'P1M', '-PT1H'), { nil: undefined }),
    summary,
    lang,
    status: fc.option(fc.constantFrom('TENTATIVE', 'CANCELLED', 'CONFIRMED', 'junk'), { nil: undefined }),
    rrule: fc.option(rule, { nil: undefined }),
    rid: fc.option(dt, { nil: undefined }),
    exdate: fc.option(dt, { nil: undefined }),
    description: fc.option(fc.tuple(fc.string({ maxLength: 20 }), lang), { nil: undefined }),
  })
  .map((e) =>
    [
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTART${e.start}`,
      ...(e.end ? [`DTEND${e.end}`] : []),
      ...(e.duration ? [`DURATION:${e.duration}`] : []),
      `SUMMARY${e.lang ? `;LANGUAGE=${e.lang}` : ''}:${e.summary.replace(/[\r\n]/g, ' ')}`,
      ...(e.status ? [`STATUS:${e.status}`] : []),
      ...(e.rrule ? [`RRULE:${e.rrule}`] : []),
      ...(e.rid ? [`RECURRENCE-ID${e.rid}`] : []),
      ...(e.exdate ? [`EXDATE${e.exdate}`] : []),
      ...(e.description ? [`DESCRIPTION${e.description[1] ? `;LANGUAGE=${e.description[1]}` : ''}:${e.description[0].replace(/[\r\n]/g, ' ')}`] : []),
      'END:VEVENT',
    ].join('\r\n'),
  );
const body = fc
  .tuple(fc.option(fc.constantFrom('Asia/Kuwait', 'Arab Standard Time', 'junk'), { nil: undefined }), fc.array(vevent, { minLength: 1, maxLength: 5 }))
  .map(([zone, events]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Outsider//EN', ...(zone ? [`X-WR-TIMEZONE:${zone}`] : []), ...events, 'END:VCALENDAR', ''].join('\r\n'));

let n = 0;
describe('import, properties', () => {
  it('no 5xx; a second import of the same file records nothing; the feed parses', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('ar', 'en', 'zh'), async (file, language) => {
        const calendar = `o${n++}`;
        expect((await t.call('PUT', `/calendars/${calendar}`, { body: { name: { en: 'O' }, defaultLanguage: language, timeZone: 'Asia/Muscat' } })).status).toBe(201);
        const first = await t.call('POST', `/calendars/${calendar}/import`, { rawBody: file, headers: { 'content-type': 'text/calendar' } });
        expect(first.status, `${file}\n${first.text.slice(0, 400)}`).toBeLessThan(500);
        if (first.status !== 200) return;
        const before = await t.journalSize();
        const second = await t.call('POST', `/calendars/${calendar}/import`, { rawBody: file, headers: { 'content-type': 'text/calendar' } });
        expect(second.status, second.text).toBe(200);
        expect(second.body.created, `${file}\n${JSON.stringify(second.body)}`).toEqual([]);
        expect(second.body.updated, `${file}\n${JSON.stringify(second.body)}`).toEqual([]);
        expect(await t.journalSize(), `${file}\nrecorded on re-import`).toBe(before);
        const feed = await t.call('GET', `/feeds/${calendar}.ics`, { key: null });
        expect(feed.status).toBe(200);
        ICAL.parse(feed.text);
        // Our own feed into a fresh calendar imports with nothing skipped, and again into the same one unchanged.
        const copy = `${calendar}c`;
        expect((await t.call('PUT', `/calendars/${copy}`, { body: { name: { en: 'C' }, defaultLanguage: language, timeZone: 'Asia/Muscat' } })).status).toBe(201);
        const copied = await t.call('POST', `/calendars/${copy}/import`, { rawBody: feed.text, headers: { 'content-type': 'text/calendar' } });
        expect(copied.status, copied.text).toBe(200);
        expect(copied.body.skipped, `${feed.text}\n${JSON.stringify(copied.body.skipped)}`).toEqual([]);
        const home = await t.call('POST', `/calendars/${calendar}/import`, { rawBody: feed.text, headers: { 'content-type': 'text/calendar' } });
        expect(home.body.updated, `${file}\n---feed---\n${feed.text}\n${JSON.stringify(home.body)}`).toEqual([]);
      }),
      { numRuns: Number(process.env.IMPORT_PROPERTY_RUNS ?? 30) },
    );
  }, 1_800_000);
});
