import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '#domain/errors';
import { normalizeRecurrence, occurrences, type Series } from '#domain/recurrence';
import { MAX_IMPORT_BYTES, parseIcsImport, type ImportDraft } from '../../shared/import/ics.ts';
import { CLDR_VERSION, ianaForWindowsZone, resolveTzid } from '../../shared/import/windows-zones.ts';
import { ruleCases } from '../fixtures/recurrence/rules.ts';
import { seriesIcs } from '../helpers/recurrence-ics.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');
const byUid = (drafts: ImportDraft[]) => new Map(drafts.map((d) => [d.uid, d]));
const refused = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, fields: error.errors.map((e) => [e.field, e.code]) };
    throw error;
  }
  return undefined;
};

describe('importing a Google Calendar export', () => {
  const result = parseIcsImport(fixture('google-calendar.ics'), { defaultTimeZone: 'Asia/Muscat' });
  const drafts = byUid(result.drafts);

  it('reads floating times in X-WR-TIMEZONE, and shows a UTC event in it', () => {
    expect(result.timeZone).toBe('Asia/Kuwait');
    expect(drafts.get('floating-1@google.com')?.schedule).toEqual({ type: 'timed', start: '2026-08-01T10:00:00', end: '2026-08-01T11:30:00', timeZone: 'Asia/Kuwait' });
    expect(drafts.get('utc-1@google.com')?.schedule).toEqual({ type: 'timed', start: '2026-09-01T09:00:00', end: '2026-09-01T10:00:00', timeZone: 'Asia/Kuwait' });
    expect(drafts.get('utc-1@google.com')?.visibility).toBe('private');
  });

  it('turns VALUE=DATE into an all-day event whose end is inclusive', () => {
    expect(drafts.get('0a1b2c3d4e5f6g7h8i9j@google.com')).toMatchObject({ schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-16' }, tags: ['forum', 'annual'], title: 'Annual forum' });
  });

  it('keeps a series with its RRULE, EXDATE, attendees, organizer and overrides, unfolding and unescaping text', () => {
    const series = drafts.get('7kq0s2v4m1n3p5r7t9v1x3z5b7@google.com')!;
    expect(series.schedule).toEqual({ type: 'timed', start: '2026-03-02T09:00:00', end: '2026-03-02T10:00:00', timeZone: 'America/New_York' });
    expect(series.recurrence).toEqual({ rule: { freq: 'WEEKLY', interval: 1, byDay: [{ weekday: 'MO' }], until: '2026-06-01T03:59:59Z', wkst: 'SU' }, exdates: ['2026-03-16T09:00:00'] });
    expect(series.description).toBe('Weekly coordination call.\nAgenda: partners, budgets; and the forum. This line is long enough that Google folds it across several lines of the export.');
    expect(series.participants).toEqual([
      { name: 'Layla Al-Harthy', email: 'layla@example.org', role: 'required', status: 'accepted' },
      { name: 'wei.zhang@example.org', email: 'wei.zhang@example.org', role: 'required', status: 'invited' },
    ]);
    expect(series.organizer).toEqual({ name: 'Omar Haddad', email: 'omar@example.org' });
    expect(series.sequence).toBe(2);
    expect(series.overrides.map((o) => [o.recurrenceId, o.cancelled ?? false, o.schedule?.type === 'timed' ? o.schedule.start : undefined])).toEqual([
      ['2026-03-23T09:00:00', false, '2026-03-23T11:00:00'],
      ['2026-04-06T09:00:00', true, undefined],
    ]);
  });

  it('lists the imported series as the export meant it: EXDATE gone, one moved, one cancelled, wall time kept across DST', () => {
    const series = drafts.get('7kq0s2v4m1n3p5r7t9v1x3z5b7@google.com')!;
    const listed = occurrences({ schedule: series.schedule, recurrence: series.recurrence!, overrides: series.overrides }, { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-04-14T00:00:00Z') });
    expect(listed.map((o) => o.start)).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-23T15:00:00.000Z', '2026-03-30T13:00:00.000Z', '2026-04-13T13:00:00.000Z']);
  });

  it('skips, with a reason each, what it cannot take, and ignores unknown properties', () => {
    expect(result.skipped).toEqual([
      { component: 'VTODO', uid: 'todo-1@google.com', code: 'unsupported', reason: 'VTODO is not an event' },
      { component: 'VEVENT', uid: 'twice-daily@google.com', code: 'unsupported', reason: 'recurrence refused: rule: BYHOUR is not supported' },
      { component: 'VEVENT', uid: 'orphan@google.com', recurrenceId: '2026-05-01T09:00:00', code: 'not_found', reason: 'an occurrence override (RECURRENCE-ID) whose series is not in the file' },
    ]);
    expect([...drafts.keys()].sort()).toEqual(['0a1b2c3d4e5f6g7h8i9j@google.com', '7kq0s2v4m1n3p5r7t9v1x3z5b7@google.com', 'floating-1@google.com', 'leap-day@google.com', 'utc-1@google.com']);
  });
});

describe('importing an Outlook export', () => {
  const result = parseIcsImport(fixture('outlook.ics'), { defaultTimeZone: 'Asia/Muscat' });
  const drafts = result.drafts;

  it("maps Windows zone names through CLDR's windowsZones, and skips a zone Outlook made up", () => {
    expect(drafts.map((d) => (d.schedule.type === 'timed' ? d.schedule.timeZone : d.schedule.type))).toEqual(['Asia/Riyadh', 'allDay', 'Asia/Shanghai']);
    expect(result.skipped).toEqual([
      { component: 'VEVENT', uid: '040000008200E00074C5B7101A82E00800000000E1E2E3E4E5E6E7E8E9F0F1F2F3F4F5F6', code: 'invalid_time_zone', reason: 'DTSTART has a time zone we do not know: "Customized Time Zone"' },
    ]);
    expect(result.timeZone).toBe('Asia/Muscat');
  });

  it('keeps the COUNT series, its EXDATE, languages and attendee roles', () => {
    const [series, allDay, shanghai] = drafts;
    expect(series).toMatchObject({ title: 'اجتماع اللجنة التنفيذية', language: 'ar', location: 'Riyadh', visibility: 'public' });
    expect(series!.recurrence).toEqual({ rule: { freq: 'MONTHLY', interval: 1, count: 10, byDay: [{ weekday: 'TH', ordinal: 3 }] }, exdates: ['2026-02-19T10:00:00'], lastRecurrenceId: '2026-10-15T10:00:00' });
    expect(series!.participants.map((p) => [p.name, p.role, p.status])).toEqual([
      ['Ahmed Al-Balushi', 'optional', 'invited'],
      ['Fatima Al-Sabah', 'chair', 'accepted'],
    ]);
    expect(allDay!.schedule).toEqual({ type: 'allDay', startDate: '2026-03-01', endDate: '2026-03-01' });
    expect(shanghai).toMatchObject({ title: '合作伙伴会议', language: 'zh-cn', schedule: { start: '2026-06-10T14:00:00', end: '2026-06-10T16:00:00' } });
  });

  it(`resolves Windows names from CLDR ${CLDR_VERSION}, IANA names as they are, and prefixed ones`, () => {
    expect(ianaForWindowsZone('Arab Standard Time')).toBe('Asia/Riyadh');
    expect(ianaForWindowsZone('arabian standard time')).toBe('Asia/Dubai');
    expect(ianaForWindowsZone('Egypt Standard Time')).toBe('Africa/Cairo');
    expect(resolveTzid('Asia/Muscat')).toBe('Asia/Muscat');
    expect(resolveTzid('/mozilla.org/20050126_1/Asia/Kuwait')).toBe('Asia/Kuwait');
    expect(resolveTzid('Mars Standard Time')).toBeUndefined();
  });
});

describe('bounds and refusals', () => {
  it('refuses a body over the size limit as too large, naming the body', () => {
    const body = `BEGIN:VCALENDAR\r\nX-PAD:${'x'.repeat(MAX_IMPORT_BYTES)}\r\nEND:VCALENDAR\r\n`;
    expect(refused(() => parseIcsImport(body, { defaultTimeZone: 'UTC' }))).toEqual({ code: 'too_large', fields: [['body', 'too_large']] });
  });

  it('refuses a body that is not iCalendar', () => {
    expect(refused(() => parseIcsImport('hello', { defaultTimeZone: 'UTC' }))).toEqual({ code: 'invalid', fields: [['body', 'invalid_format']] });
  });

  it('never drops a rule part silently: an unknown part skips the event; RSCALE=ISLAMIC-UMALQURA is kept', () => {
    const event = (uid: string, rule: string) =>
      `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Asia/Riyadh:20270208T200000\r\nDTEND;TZID=Asia/Riyadh:20270208T220000\r\nRRULE:${rule}\r\nEND:VEVENT\r\n`;
    const body = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${event('a', 'FREQ=MONTHLY;X-PRIORITY=2')}${event('b', 'RSCALE=ISLAMIC-UMALQURA;FREQ=YEARLY')}END:VCALENDAR\r\n`;
    const result = parseIcsImport(body, { defaultTimeZone: 'UTC' });
    expect(result.skipped).toEqual([{ component: 'VEVENT', uid: 'a', code: 'unsupported', reason: 'recurrence refused: rule: X-PRIORITY is not a recurrence part we know' }]);
    expect(result.drafts.map((d) => [d.uid, d.recurrence?.rule])).toEqual([['b', { freq: 'YEARLY', interval: 1, rscale: 'ISLAMIC-UMALQURA' }]]);
  });
});

describe('round trip: a series written as iCalendar imports to the same occurrences', () => {
  for (const c of ruleCases) {
    it(c.name, () => {
      const { recurrence } = normalizeRecurrence({ rule: c.rule, exdates: c.exdates, rdates: c.rdates }, c.schedule);
      const original: Series = { schedule: c.schedule, recurrence: recurrence! };
      const [draft] = parseIcsImport(seriesIcs('round-trip@taqweem.test', original), { defaultTimeZone: 'UTC' }).drafts;
      const window = { from: Date.parse(c.window.from), to: Date.parse(c.window.to) };
      const again = occurrences({ schedule: draft!.schedule, recurrence: draft!.recurrence! }, window);
      expect(again.map((o) => [o.recurrenceId, o.start, o.end])).toEqual(occurrences(original, window).map((o) => [o.recurrenceId, o.start, o.end]));
      expect(again.length).toBeGreaterThan(0);
    });
  }
});

describe('mangled values (found by the import fuzz)', () => {
  it('skips an event whose DTSTART ical.js cannot decode, naming the property, and takes the rest of the file', () => {
    const vevent = (uid: string, start: string) => `BEGIN:VEVENT\r\nUID:${uid}\r\n${start}\r\nDTEND:20260701T100000\r\nSUMMARY:Forum\r\nEND:VEVENT\r\n`;
    const body = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${vevent('bad', 'DTSTART;TZID=Arab Standard Time:null')}${vevent('good', 'DTSTART:20260701T090000')}BEGIN:VEVENT\r\nUID:bad\r\nRECURRENCE-ID:nonsense\r\nDTSTART:20260708T090000\r\nSUMMARY:Moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    const result = parseIcsImport(body, { defaultTimeZone: 'Asia/Kuwait' });
    expect(result.drafts.map((d) => d.uid)).toEqual(['good']);
    expect(result.skipped.map((s) => [s.uid, s.code])).toEqual([
      ['bad', 'invalid_format'],
      ['bad', 'invalid_format'],
    ]);
    expect(result.skipped[0]!.reason).toMatch(/^DTSTART has a value that cannot be read/);
  });

  it('skips a date that does not exist (ical.js rolls 30 February over to 2 March), as POST /events refuses it (found by audit)', () => {
    const vevent = (uid: string, lines: string) => `BEGIN:VEVENT\r\nUID:${uid}\r\n${lines}\r\nSUMMARY:Forum\r\nEND:VEVENT\r\n`;
    const body = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${[
      vevent('feb30', 'DTSTART:20260230T090000Z\r\nDTEND:20260230T100000Z'),
      vevent('feb30-zoned', 'DTSTART;TZID=Asia/Kuwait:20260230T090000\r\nDTEND;TZID=Asia/Kuwait:20260230T100000'),
      vevent('day31', 'DTSTART;VALUE=DATE:20260431\r\nDTEND;VALUE=DATE:20260501'),
      vevent('exdate', 'DTSTART:20260301T090000Z\r\nDTEND:20260301T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:20260302T090000Z,20260230T090000Z'),
      vevent('good', 'DTSTART;TZID=Asia/Kuwait:20260228T090000\r\nDTEND;TZID=Asia/Kuwait:20260228T100000'),
    ].join('')}END:VCALENDAR\r\n`;
    const result = parseIcsImport(body, { defaultTimeZone: 'Asia/Kuwait' });
    expect(result.drafts.map((d) => [d.uid, d.schedule])).toEqual([['good', { type: 'timed', start: '2026-02-28T09:00:00', end: '2026-02-28T10:00:00', timeZone: 'Asia/Kuwait' }]]);
    expect(result.skipped.map((s) => [s.uid, s.code])).toEqual([
      ['feb30', 'invalid_format'],
      ['feb30-zoned', 'invalid_format'],
      ['day31', 'invalid_format'],
      ['exdate', 'invalid_format'],
    ]);
  });
});
