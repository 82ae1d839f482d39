/**
 * Feed rendering: time and size for 1,000 and 10,000 events, each beside the same events rendered by bare
 * ical-generator (the floor for that library), and the 304 path through the real handler on dynalite.
 */
import ical from 'ical-generator';
import { cpus } from 'node:os';
import type { Calendar } from '#domain/calendar';
import type { CalendarEvent } from '#domain/event';
import { utcRange } from '#domain/schedule';
import { renderCalendar } from '#feeds/render';
import { startTestRuntime } from '../test/helpers/runtime.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';

const calendar: Calendar = { id: 'ato', name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait', version: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const zones = ['Asia/Muscat', 'Asia/Kuwait', 'Asia/Shanghai'];

function events(count: number): CalendarEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    const schedule = i % 10 === 0 ? { type: 'month' as const, month: `2026-${month}`, timeZone: zones[i % 3]! } : { type: 'timed' as const, start: `2026-${month}-${day}T09:00`, end: `2026-${month}-${day}T11:00`, timeZone: zones[i % 3]! };
    return {
      id: `EVENT${String(i).padStart(21, '0')}`,
      calendar: 'ato',
      kind: 'meeting',
      title: { ar: `اجتماع رقم ${i}`, en: `Meeting number ${i}`, zh: `第${i}次会议` },
      description: { en: 'Preparations for the Arab–Chinese Cities Forum; coordination, logistics, and the programme.' },
      schedule,
      location: { name: { en: 'Dhofar' }, country: 'OM' },
      organizer: { name: 'Dhofar Municipality' },
      tags: ['forum', 'dhofar'],
      visibility: 'public',
      status: 'confirmed',
      participants: [],
      sequence: 1,
      version: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    };
  });
}

function bareIcalGenerator(list: CalendarEvent[]): string {
  const cal = ical({ name: calendar.name.en, ttl: 3600 });
  for (const event of list) {
    const range = utcRange(event.schedule);
    cal.createEvent({
      id: event.id,
      start: new Date(range.start),
      end: new Date(range.end),
      allDay: event.schedule.type === 'month',
      summary: event.title.en,
      description: event.description?.en,
      location: 'Dhofar, Oman',
      stamp: new Date(event.updatedAt),
      sequence: event.sequence,
      categories: [{ name: 'meeting' }, { name: 'forum' }, { name: 'dhofar' }],
    });
  }
  return cal.toString();
}

function median(work: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const kb = (text: string) => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  console.log(`Taqweem feeds bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}`);
  console.log('\nRendering (median of 5)');
  for (const count of [1_000, 10_000]) {
    const list = events(count);
    const ours = renderCalendar(calendar, list, { language: 'en', withPrivateDetails: false });
    const theirs = bareIcalGenerator(list);
    const oursMs = median(() => renderCalendar(calendar, list, { language: 'en', withPrivateDetails: false }), 5);
    const theirsMs = median(() => bareIcalGenerator(list), 5);
    console.log(`  ${String(count).padStart(6)} events  taqweem ${oursMs.toFixed(1).padStart(7)} ms ${kb(ours).padStart(9)}   bare ical-generator ${theirsMs.toFixed(1).padStart(7)} ms ${kb(theirs).padStart(9)}`);
  }

  const feedEvents = Number(process.env.BENCH_FEED_EVENTS ?? 300);
  const t = await startTestRuntime();
  await t.call('PUT', '/calendars/ato', { body: { name: calendar.name, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' } });
  for (const event of events(feedEvents)) {
    await t.call('POST', '/events', { body: { calendar: 'ato', title: event.title, schedule: event.schedule, tags: event.tags, kind: 'meeting' } });
  }
  const etag = (await t.call('GET', '/feeds/ato.ics', { key: null })).headers.get('etag')!;
  const timeRequests = async (headers: Record<string, string>) => {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await t.call('GET', '/feeds/ato.ics', { key: null, headers });
      samples.push(performance.now() - started);
    }
    return samples.sort((a, b) => a - b)[10]!;
  };
  const full = await timeRequests({});
  const cached = await timeRequests({ 'if-none-match': etag });
  console.log(`\nGET /feeds/ato.ics over HTTP on dynalite, ${feedEvents} events (median of 20)`);
  console.log(`  200 (rendered)         ${full.toFixed(1)} ms`);
  console.log(`  304 (If-None-Match)    ${cached.toFixed(1)} ms   — no rendering; the views are still read to compute the ETag`);
  await t.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
