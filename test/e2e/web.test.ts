/** The web page in headless Chromium (Debian's), against the local runtime with the launch customer's data. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/paths.ts';
import { seedIfEmpty } from '../../infra/local/seed.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

const artifacts = join(repositoryRoot, 'test-artifacts');
// The page answers in milliseconds; the margin is for a CI machine busy with other test files.
const POLL = { timeout: 15_000 };
let t: Awaited<ReturnType<typeof startTestRuntime>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  t = await startTestRuntime();
  await seedIfEmpty(t.runtime);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(path: string, options: { lang: string; key?: string }): Promise<Page> {
  const context = await browser.newContext({ locale: options.lang === 'ar' ? 'ar' : 'en-US', timezoneId: 'Europe/Berlin', viewport: { width: 1200, height: 900 } });
  // A script string: it runs in the page, where localStorage exists.
  await context.addInitScript(`localStorage.setItem('taqweem.lang', ${JSON.stringify(options.lang)});${options.key ? `sessionStorage.setItem('taqweem.key', ${JSON.stringify(options.key)});` : ''}`);
  const page = await context.newPage();
  await page.goto(`${t.runtime.url}/${path}`);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const forumId = async () => ((await t.call('GET', '/events?calendar=ato&from=2026-07-01&to=2026-08-01')).body.items as { id: string; kind: string }[]).find((e) => e.kind === 'forum')!.id;

describe('the web page', () => {
  it('offers subscribe links that point at the feed, in the chosen language', async () => {
    const page = await open('#/c/ato?view=list&month=2026-06', { lang: 'en' });
    await page.waitForSelector('#subscribe-google');
    const feed = `${t.runtime.url}/feeds/ato.ics?lang=en`;
    const webcal = feed.replace(/^http:/, 'webcal:');
    expect(await page.getAttribute('#subscribe-webcal', 'href')).toBe(webcal);
    expect(await page.getAttribute('#subscribe-google', 'href')).toBe(`https://calendar.google.com/calendar/render?cid=${encodeURIComponent(webcal)}`);
    expect(await page.inputValue('#feed-url')).toBe(feed);
    const response = await fetch(feed);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const items = page.locator('ul.events li');
    await expect.poll(() => items.count(), POLL).toBe(4);
    expect(await page.locator('.badge.tentative').count()).toBeGreaterThanOrEqual(3);
    const download = await page.locator('ul.events li a.title').first().getAttribute('href');
    expect(download).toMatch(/^#\/e\/[0-9A-Z]{26}$/);
    await shot(page, 'subscribe-en');
  });

  it('lays out Arabic right to left, with Hijri dates', async () => {
    const page = await open('#/c/ato?view=month&month=2026-07', { lang: 'ar' });
    await page.waitForSelector('.month');
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    expect(await page.evaluate("getComputedStyle(document.querySelector('main')).direction")).toBe('rtl');
    await expect.poll(() => page.locator('ul.events li a.title').first().textContent(), POLL).toBe('المنتدى العربي–الصيني للمدن');
    expect(await page.locator('.month td small').first().textContent()).toMatch(/[\u0600-\u06FF]/);
    await shot(page, 'calendar-ar-rtl');
  });

  it('records an edit made through the page in the event history', async () => {
    const id = await forumId();
    const page = await open(`#/e/${id}`, { lang: 'en', key: t.adminKey });
    await page.click(`a[href="#/edit/${id}"]`);
    await page.fill('#f-title-en', 'Arab–Chinese Cities Forum, Dhofar');
    await page.click('#event-form button[type=submit]');
    await page.waitForSelector('#history');
    await expect.poll(() => page.locator('#history li code').allTextContents(), POLL).toContain('event.updated');
    const history = (await t.call('GET', `/events/${id}/history`)).body.items as { type: string; data: { title?: Record<string, string> } }[];
    expect(history.at(-1)).toMatchObject({ type: 'event.updated', data: { title: { en: 'Arab–Chinese Cities Forum, Dhofar' } } });
    await shot(page, 'edited-history');
  });

  it('shows a validation error next to its field, and records nothing', async () => {
    const before = await t.journalSize();
    const page = await open('#/new?calendar=ato', { lang: 'en', key: t.adminKey });
    await page.fill('#f-title-en', 'Backwards meeting');
    await page.fill('#f-schedule-start', '2026-07-14T10:00');
    await page.fill('#f-schedule-end', '2026-07-14T09:00');
    await page.fill('#f-schedule-timeZone', 'Asia/Muscat');
    await page.click('#event-form button[type=submit]');
    await expect.poll(() => page.textContent('[data-error-for="schedule.end"]'), POLL).toBe('must be after start');
    expect(await page.getAttribute('#f-schedule-end', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#f-schedule-end', 'aria-describedby')).toBe('f-schedule-end-error');
    expect(await t.journalSize()).toBe(before);
    await shot(page, 'validation-error');
  });

  it('shows a webhook secret once, and never again', async () => {
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    const receiver = await startReceiver();
    try {
      const page = await open('#/webhooks', { lang: 'en', key: t.adminKey });
      await page.fill('#f-url', receiver.url);
      await page.click('#webhook-form button[type=submit]');
      const secret = await page.locator('#secret').textContent();
      expect(secret).toMatch(/^whsec_/);
      await shot(page, 'webhook-secret-once');
      await page.reload();
      await page.waitForSelector('#webhook-form');
      expect(await page.content()).not.toContain(secret!);
    } finally {
      delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
      await receiver.close();
    }
  });
});
