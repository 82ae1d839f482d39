/** Days in the right zone, phones without sideways scrolling, and the embed that other sites may frame. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { newCalendar, newEvent, open, PHONE, POLL, shot, useBrowser } from './browser.ts';

const env = useBrowser();
vi.setConfig({ testTimeout: 90_000 });

/** How often each event appears in each day cell of the month grid: { '2026-12-01': { 'Night flight': 1 } }. */
const grid = (page: Page) =>
  page
    .locator('.month td[data-date]')
    .evaluateAll((cells) =>
      Object.fromEntries(
        cells
          .map((cell) => [cell.getAttribute('data-date'), [...cell.querySelectorAll('a.title')].reduce<Record<string, number>>((counts, a) => ({ ...counts, [a.textContent!]: (counts[a.textContent!] ?? 0) + 1 }), {})])
          .filter(([, counts]) => Object.keys(counts).length),
      ),
    );

async function month(page: Page, calendar: string, date: string, zone?: string) {
  await page.goto(`${page.url().split('#')[0]}#/c/${calendar}?view=month&date=${date}${zone ? `&zone=${zone}` : ''}`);
  await page.waitForSelector(`.month td[data-date="${date}"]`);
  await page.waitForSelector('h2#period');
}

describe('the calendar page', () => {
  it("puts 02:00 Shanghai on 1 December on that day in Shanghai's calendar, each multi-day event on every day it covers once, and a month-only event in its month only", async () => {
    await newCalendar(env, 'shanghai', 'Asia/Shanghai');
    await newEvent(env, { calendar: 'shanghai', title: { en: 'Night flight' }, schedule: { type: 'timed', start: '2026-12-01T02:00', end: '2026-12-01T03:00', timeZone: 'Asia/Shanghai' } });
    await newEvent(env, { calendar: 'shanghai', title: { en: 'Three-day summit' }, schedule: { type: 'timed', start: '2026-12-03T20:00', end: '2026-12-05T10:00', timeZone: 'Asia/Shanghai' } });
    await newEvent(env, { calendar: 'shanghai', title: { en: 'Book fair' }, schedule: { type: 'allDay', startDate: '2026-11-30', endDate: '2026-12-01' } });
    await newEvent(env, { calendar: 'shanghai', title: { en: 'Some day in December' }, schedule: { type: 'month', month: '2026-12', timeZone: 'Asia/Shanghai' } });
    // The viewer's browser is in New York: the calendar's zone decides, not the device's.
    const page = await open(env, '#/c/shanghai?view=month&date=2026-12-01', { lang: 'en', timezoneId: 'America/New_York' });
    await page.waitForSelector('.month td[data-date="2026-12-01"]');
    expect(await grid(page)).toEqual({
      '2026-12-01': { 'Night flight': 1, 'Book fair': 1 },
      '2026-12-03': { 'Three-day summit': 1 },
      '2026-12-04': { 'Three-day summit': 1 },
      '2026-12-05': { 'Three-day summit': 1 },
    });
    expect(await page.locator('.undated a.title').allTextContents()).toEqual(['Some day in December']);
    expect(await page.textContent('.zone-note')).toBe('Times in Asia/Shanghai');
    expect(await page.textContent('.month td[data-date="2026-12-01"] .time')).toBe('2:00 AM');
    await page.selectOption('#clock', 'h23');
    await expect.poll(() => page.locator('.month td[data-date="2026-12-01"] .time').textContent(), POLL).toBe('02:00');
    await shot(page, 'month-shanghai');
    await month(page, 'shanghai', '2026-11-01');
    expect(await grid(page)).toEqual({ '2026-11-30': { 'Book fair': 1 } });
    expect(await page.locator('.undated').count()).toBe(0);
    await month(page, 'shanghai', '2027-01-01');
    expect(await grid(page)).toEqual({});
    expect(await page.locator('.undated').count()).toBe(0);
    // The viewer chooses Kuwait: 02:00 in Shanghai is 21:00 on 30 November there, and the page says which zone it shows.
    await month(page, 'shanghai', '2026-11-01', 'Asia/Kuwait');
    expect((await grid(page))['2026-11-30']).toEqual({ 'Night flight': 1, 'Book fair': 1 });
    expect(await page.textContent('.zone-note')).toBe('Times in Asia/Kuwait');
    await month(page, 'shanghai', '2026-12-01', 'Asia/Kuwait');
    expect((await grid(page))['2026-12-01']).toEqual({ 'Book fair': 1 });
  });

  it('shows a week, and "+N more" in a crowded month cell', async () => {
    await newCalendar(env, 'crowded', 'Asia/Muscat');
    for (let i = 0; i < 5; i++)
      await newEvent(env, { calendar: 'crowded', title: { en: `Talk ${i}` }, schedule: { type: 'timed', start: `2027-03-10T0${i + 1}:00`, end: `2027-03-10T0${i + 1}:30`, timeZone: 'Asia/Muscat' } });
    const page = await open(env, '#/c/crowded?view=month&date=2027-03-01', { lang: 'en' });
    await page.waitForSelector('.month td[data-date="2027-03-10"] .more');
    expect(await page.textContent('.month td[data-date="2027-03-10"] .more')).toBe('+2 more');
    expect(await page.locator('.month td[data-date="2027-03-10"] a.title').count()).toBe(3);
    await page.click('.month td[data-date="2027-03-10"] .more');
    await page.waitForSelector('.week');
    expect(await page.locator('.week [data-date="2027-03-10"] a.title').count()).toBe(5);
    await page.click('#today');
    await expect.poll(() => page.locator('.week [data-date="2027-03-10"]').count(), POLL).toBe(0);
  });

  for (const lang of ['ar', 'en', 'zh']) {
    it(`fits a phone in ${lang}: no sideways scroll at 360–414 px, the month as a list of days, 44 px targets`, async () => {
      const calendar = `phone-${lang}`;
      await newCalendar(env, calendar, 'Asia/Muscat');
      const long = {
        ar: 'اجتماع تنظيمي موسع للأمين العام لمنظمة المدن العربية مع جمعية الصداقة الصينية مع البلدان الأجنبية',
        en: 'Expanded organizational meeting of the Secretary-General with the Association for Friendship with Foreign Countries',
        zh: '阿拉伯城市组织秘书长与中国人民对外友好协会扩大组织会议',
      };
      await newEvent(env, { calendar, title: long, schedule: { type: 'timed', start: '2027-02-09T09:00', end: '2027-02-10T17:00', timeZone: 'Asia/Muscat' } });
      await newEvent(env, { calendar, title: { en: 'Some day in February', ar: 'يوم ما في فبراير', zh: '二月某日' }, schedule: { type: 'month', month: '2027-02', timeZone: 'Asia/Muscat' } });
      const page = await open(env, `#/c/${calendar}?view=month&date=2027-02-01`, { lang, viewport: PHONE });
      await page.waitForSelector('.month-agenda [data-date="2027-02-09"]');
      expect(await page.locator('.month-agenda [data-date] a.title').count()).toBe(2);
      expect(await page.isVisible('table.month')).toBe(false);
      for (const width of [360, 390, 414]) {
        await page.setViewportSize({ width, height: 800 });
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      }
      // The first screen shows the month's events.
      for (const list of ['.undated', '.month-agenda']) {
        const first = (await page.locator(`${list} a.title`).first().boundingBox())!;
        expect(first.y).toBeLessThan(800);
      }
      const small = await page
        .locator('header button:visible, header select:visible, main a.button:visible, main button:visible, main select:visible, main input:visible, main a.title:visible')
        .evaluateAll((nodes) => nodes.map((node) => ({ what: node.outerHTML.slice(0, 80), height: node.getBoundingClientRect().height })).filter(({ height }) => height < 44));
      expect(small).toEqual([]);
      await shot(page, `phone-month-${lang}`);
      await page.goto(`${env.t.runtime.url}/#/c/${calendar}?view=week&date=2027-02-09`);
      await page.waitForSelector('.week [data-date="2027-02-10"] a.title');
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(414);
      await shot(page, `phone-week-${lang}`);
    });
  }
});

describe('the embed', () => {
  it('loads in an iframe on another origin, read-only, while the editing page refuses to be framed', async () => {
    const base = env.t.runtime.url;
    const host: Server = createServer((_, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Partner site</title><h1>Partner</h1>
        <iframe id="embed" title="calendar" src="${base}/embed/ato?view=agenda&lang=en&zone=Asia/Muscat" width="800" height="600"></iframe>
        <iframe id="editor" title="editor" src="${base}/#/c/ato" width="800" height="300"></iframe>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    try {
      const partner = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
      expect(new URL(partner).origin).not.toBe(new URL(base).origin);
      const page = await open(env, '', { lang: 'en', key: env.t.adminKey });
      await page.goto(partner);
      const embed = page.frameLocator('#embed');
      await expect.poll(() => embed.locator('.agenda a.title').count(), POLL).toBeGreaterThan(0);
      expect(await embed.locator('h1').textContent()).toBe('Arab Towns Organization');
      expect(await embed.locator('.zone-note').textContent()).toBe('Times in Asia/Muscat');
      // Read-only: no sign-in, no editing, links open the full site in a new tab.
      expect(await embed.locator('#sign-in, #key, a[href^="#/edit"], a[href^="#/new"]').count()).toBe(0);
      expect(await embed.locator('.agenda a.title').first().getAttribute('target')).toBe('_blank');
      await shot(page, 'embed-on-partner-site');
      // Chromium replaces a frame that the page's CSP refuses with its error page.
      const editor = (await (await page.$('#editor'))!.contentFrame())!;
      await expect.poll(() => editor.url(), POLL).toMatch(/^chrome-error:/);
      expect(await editor.locator('#main').count()).toBe(0);
      const [embedResponse, pageResponse] = await Promise.all([fetch(`${base}/embed/ato`), fetch(`${base}/`)]);
      expect(embedResponse.headers.get('content-security-policy')).toContain('frame-ancestors *');
      expect(embedResponse.headers.get('x-frame-options')).toBeNull();
      expect(pageResponse.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(pageResponse.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });

  it('is served compressed over HTTP, as the browser asks', async () => {
    const base = env.t.runtime.url;
    const script = await fetch(`${base}/app.js`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(script.headers.get('content-encoding')).toBe('br');
    expect(script.headers.get('vary')).toBe('accept-encoding');
    expect(Number(script.headers.get('content-length'))).toBeLessThan(30 * 1024);
    expect(await script.text()).toContain('const WORDS = {');
    const styles = await fetch(`${base}/app.css`, { headers: { 'accept-encoding': 'gzip' } });
    expect(styles.headers.get('content-encoding')).toBe('gzip');
    const page = await open(env, '#/c/ato?view=month&date=2026-07-01', { lang: 'en' });
    const encodings = new Map<string, string | undefined>();
    page.on('response', (response) => encodings.set(new URL(response.url()).pathname, response.headers()['content-encoding']));
    await page.reload();
    await page.waitForSelector('.month');
    expect(encodings.get('/app.js')).toBe('br');
  });

  it('offers a copyable iframe snippet for the embed', async () => {
    const page = await open(env, '#/c/ato?view=month&date=2026-07-01', { lang: 'ar' });
    await page.click('.subscribe summary');
    await page.waitForSelector('#embed-code');
    const snippet = await page.inputValue('#embed-code');
    expect(snippet).toBe(
      `<iframe src="${env.t.runtime.url}/embed/ato?view=month&amp;lang=ar&amp;zone=Asia%2FKuwait" title="تقويم: منظمة المدن العربية" width="100%" height="640" style="border:0" loading="lazy"></iframe>`,
    );
  });
});
