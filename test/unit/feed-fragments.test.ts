/** Pre-rendered fragments: joined for any language and default language, they are exactly what rendering gives. */
import { describe, expect, it } from 'vitest';
import type { Calendar } from '#domain/calendar';
import type { CalendarEvent } from '#domain/event';
import { assembleFragment, feedItemAttributes, fragmentOf, renderFragment } from '#feeds/fragments';
import { renderCalendar } from '#feeds/render';
import { vtimezoneForYears } from '#feeds/zones';
import { toViewItem } from '#views/items';

const base: CalendarEvent = {
  id: '01KAAAAAAAAAAAAAAAAAAAAAAA',
  calendar: 'ato',
  kind: 'forum',
  title: { ar: 'المنتدى', en: 'The forum', zh: '论坛' },
  description: { en: 'Programme; logistics, and more' },
  schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone: 'Asia/Muscat' },
  location: { name: { ar: 'ظفار', en: 'Dhofar' }, city: 'Salalah', country: 'OM' },
  organizer: { name: 'Dhofar Municipality', email: 'office@dhofar.example' },
  tags: ['forum'],
  visibility: 'public',
  status: 'confirmed',
  participants: [{ id: 'p1', name: 'Lin "Songtian"', email: 'lin@example.org', role: 'chair', status: 'accepted' }],
  sequence: 2,
  version: 4,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
};

const variants: CalendarEvent[] = [
  base,
  { ...base, id: '01KBBBBBBBBBBBBBBBBBBBBBBB', title: { 'zh-Hans': '会议' }, description: undefined, location: { address: 'Corniche' }, organizer: undefined, participants: [] },
  { ...base, id: '01KCCCCCCCCCCCCCCCCCCCCCCC', schedule: { type: 'month', month: '2026-09', timeZone: 'Asia/Kuwait' }, status: 'tentative', location: { country: 'CN' } },
  {
    ...base,
    id: '01KDDDDDDDDDDDDDDDDDDDDDDD',
    schedule: { type: 'allDay', startDate: '2026-07-20', endDate: '2026-07-22' },
    status: 'cancelled',
    cancelledAt: '2026-03-01T00:00:00.000Z',
    location: undefined,
    url: 'https://ato.example/x',
  },
  // rfeeds (#14): series, with overrides whose texts use other languages than the series'.
  {
    ...base,
    id: '01KEEEEEEEEEEEEEEEEEEEEEEE',
    schedule: { ...base.schedule, recurrence: { rule: { freq: 'WEEKLY', interval: 1, byDay: [{ weekday: 'TU' }] }, exdates: ['2026-07-28T09:00:00'] } } as CalendarEvent['schedule'],
    overrides: [
      {
        recurrenceId: '2026-07-21T09:00:00',
        schedule: { type: 'timed', start: '2026-07-22T11:00:00', end: '2026-07-22T12:00:00', timeZone: 'Asia/Muscat' },
        fields: { title: { fr: 'Déplacé' }, location: { name: { zh: '佐法尔' }, country: 'OM' } },
        sequence: 1,
      },
      { recurrenceId: '2026-08-04T09:00:00', cancelled: true, sequence: 1 },
    ],
  },
  {
    ...base,
    id: '01KFFFFFFFFFFFFFFFFFFFFFFF',
    schedule: { type: 'month', month: '2026-09', timeZone: 'Asia/Kuwait', recurrence: { rule: { freq: 'YEARLY', interval: 1, count: 3 }, lastRecurrenceId: '2028-09' } } as CalendarEvent['schedule'],
    overrides: [{ recurrenceId: '2027-09', fields: { description: { ar: 'وصف' } } }],
  },
];

const vevents = (ics: string) => ics.slice(ics.indexOf('BEGIN:VEVENT'), ics.lastIndexOf('END:VCALENDAR'));

describe('fragments', () => {
  it('join to exactly the VEVENT rendering gives, for every language, default language and variant', () => {
    for (const event of variants) {
      const fragment = renderFragment(event);
      for (const defaultLanguage of ['ar', 'en', 'zh', 'fr']) {
        const calendar = { id: 'ato', name: { en: 'ATO' }, defaultLanguage, timeZone: 'Asia/Kuwait', version: 1, createdAt: base.createdAt, updatedAt: base.createdAt } as Calendar;
        for (const language of ['ar', 'en', 'zh', 'zh-Hans', 'ZH', 'fr', 'de-CH']) {
          for (const withPrivateDetails of [false, true]) {
            const rendered = vevents(renderCalendar(calendar, [event], { language, withPrivateDetails }));
            expect(assembleFragment(fragment, language, defaultLanguage, withPrivateDetails)).toBe(rendered);
          }
        }
      }
    }
  });

  it('write a series as its master and changed occurrences, and keep it in the window until its last end', () => {
    const [weekly, monthly] = variants.slice(-2) as [CalendarEvent, CalendarEvent];
    const weeklyIcs = assembleFragment(renderFragment(weekly), 'en', 'ar', false);
    expect(weeklyIcs.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(weeklyIcs).toContain('RRULE:FREQ=WEEKLY;BYDAY=TU\r\nEXDATE;TZID=Asia/Muscat:20260728T090000\r\nEXDATE;TZID=Asia/Muscat:20260804T090000\r\n');
    expect(weeklyIcs).toContain('SEQUENCE:3\r\nDTSTART;TZID=Asia/Muscat:20260722T110000\r\nDTEND;TZID=Asia/Muscat:20260722T120000\r\nRECURRENCE-ID;TZID=Asia/Muscat:20260721T090000\r\nSUMMARY;LANGUAGE=fr:Déplacé');
    expect(weeklyIcs).toMatch(/RECURRENCE-ID;TZID=Asia\/Muscat:20260804T090000\r\n[\s\S]*STATUS:CANCELLED/);
    const monthlyIcs = assembleFragment(renderFragment(monthly), 'en', 'ar', false);
    expect(monthlyIcs).toContain('DTSTART;VALUE=DATE:20260901\r\nDTEND;VALUE=DATE:20261001\r\nRRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1;COUNT=3\r\n');
    expect(monthlyIcs).toContain('RECURRENCE-ID;VALUE=DATE:20270901');
    expect(feedItemAttributes(weekly).feedEnd).toBe(`9999-12-31T23:59:59Z#${weekly.id}`);
    expect(feedItemAttributes(monthly).feedEnd).toBe(`2028-09-30T21:00:00Z#${monthly.id}`);
  });

  it('name the country in a language no text uses by rendering that line on request', () => {
    const fragment = renderFragment(base);
    expect(Object.keys(fragment.lo).some((key) => key.endsWith('|fr'))).toBe(false);
    expect(assembleFragment(fragment, 'ja', 'ar', false)).toContain('オマーン');
    expect(assembleFragment(fragment, 'zh', 'ar', false)).toContain('阿曼');
  });

  it("stay within DynamoDB's 400 KB item beside the event's own document: fragments over 64 KB are gzipped", () => {
    // Prose drawn from a vocabulary per script (compresses as real text does), 10,000 characters per description.
    const prose = (words: string[], seed: number) => {
      let text = '';
      for (let i = 0; text.length < 10_000; i++) text += `${words[(seed * 31 + i * 17 + ((i * i) % 13)) % words.length]} `;
      return text.slice(0, 10_000);
    };
    const vocabulary = {
      ar: 'المدينة التعاون البلدية المنتدى التنمية المستدامة الثقافة الاقتصاد المشاريع البنية التحتية الشباب السياحة التراث'.split(' '),
      zh: '城市 合作 论坛 发展 可持续 文化 经济 项目 基础设施 青年 旅游 遗产 交流 友好 会议'.split(' '),
      en: 'city cooperation municipal forum development sustainable culture economy projects infrastructure youth tourism heritage'.split(' '),
    };
    const languages = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
    const textFor = (language: string, i: number) => prose(vocabulary[(language in vocabulary ? language : 'en') as keyof typeof vocabulary], i);
    const event = {
      ...base,
      title: Object.fromEntries(languages.map((l, i) => [l, textFor(l, i).slice(0, 500)])),
      description: Object.fromEntries(languages.map((l, i) => [l, textFor(l, i + 7)])),
    };
    const attributes = feedItemAttributes(event);
    expect(attributes.feed).toBeUndefined();
    expect(fragmentOf(attributes)).toEqual(renderFragment(event));
    const item = toViewItem(`event#${event.id}`, event);
    const document = itemBytes({ doc: item.doc });
    const fragment = itemBytes({ feedZ: item.feedZ });
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
    // The fragment costs less than the document it is rendered from.
    expect(fragment).toBeLessThan(document);
  });
});

describe('stored fragments', () => {
  it('are one JSON string attribute, and read back the same; a map written before reads as it was', () => {
    const event = { ...base, title: { en: 'Stored', ar: 'مخزّن' } };
    const attributes = feedItemAttributes(event);
    expect(typeof attributes.feed).toBe('string');
    expect(fragmentOf(attributes)).toEqual(renderFragment(event));
    expect(fragmentOf({ feed: renderFragment(event) })).toEqual(renderFragment(event));
  });
});

/** DynamoDB's item size: attribute names plus values (strings and binaries by bytes, numbers ~ digits). */
function itemBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return String(value).length;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + itemBytes(v), 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + itemBytes(v), 0);
}

describe('VTIMEZONE years', () => {
  it('cover only the years used, with one component per zone', () => {
    const component = vtimezoneForYears('Europe/Berlin', [2026, 2030]);
    expect(component.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
    expect(component).toContain('DTSTART:20260329T020000');
    expect(component).toContain('DTSTART:20300331T020000');
    expect(component).not.toMatch(/DTSTART:202[789]/);
  });
});
