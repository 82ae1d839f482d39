/** The web page in headless Chromium (Debian's), against the local runtime with the launch customer's data. */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { startReceiver } from '../helpers/receiver.ts';
import { dayIn, newCalendar, newEvent, open, POLL, shot, useBrowser } from './browser.ts';

const env = useBrowser();
vi.setConfig({ testTimeout: 90_000 });
const forumId = async () => ((await env.t.call('GET', '/events?calendar=ato&from=2026-07-01&to=2026-08-01')).body.items as { id: string; kind: string }[]).find((e) => e.kind === 'forum')!.id;

/** WCAG relative-luminance contrast of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b2] = color
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => Number(v) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b2!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('the web page', () => {
  it('offers subscribe links for Google, Apple and Outlook, with the tag and tentative options', async () => {
    const page = await open(env, '#/c/ato?view=agenda&date=2026-06-01', { lang: 'en' });
    await page.waitForSelector('#subscribe-google');
    const feed = `${env.t.runtime.url}/feeds/ato.ics?lang=en`;
    const webcal = feed.replace(/^http:/, 'webcal:');
    expect(await page.getAttribute('#subscribe-webcal', 'href')).toBe(webcal);
    expect(await page.getAttribute('#subscribe-google', 'href')).toBe(`https://calendar.google.com/calendar/render?cid=${encodeURIComponent(webcal)}`);
    expect(await page.getAttribute('#subscribe-outlook', 'href')).toBe(`https://outlook.live.com/calendar/0/addfromweb?url=${encodeURIComponent(feed)}&name=Arab+Towns+Organization`);
    expect(await page.getAttribute('#subscribe-m365', 'href')).toMatch(/^https:\/\/outlook\.office\.com\/calendar\/0\/addfromweb\?url=/);
    expect(await page.inputValue('#feed-url')).toBe(feed);
    await page.fill('#sub-tags', 'cpaffc, gmf');
    await page.check('#sub-hide-tentative');
    const filtered = `${feed}&tag=cpaffc&tag=gmf&tentative=exclude`;
    expect(await page.inputValue('#feed-url')).toBe(filtered);
    expect(await page.getAttribute('#subscribe-webcal', 'href')).toBe(filtered.replace(/^http:/, 'webcal:'));
    const response = await fetch(filtered);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const items = page.locator('.agenda li');
    await expect.poll(() => items.count(), POLL).toBe(4);
    expect(await page.locator('.agenda .badge.tentative').count()).toBe(4);
    expect(await page.locator('.agenda a.title').first().getAttribute('href')).toMatch(/^#\/e\/[0-9A-Z]{26}$/);
    await shot(page, 'subscribe-en');
  });

  it('links each dated event to Google Calendar, Outlook and an .ics file', async () => {
    await newCalendar(env, 'links', 'Asia/Muscat');
    const id = await newEvent(env, { calendar: 'links', title: { en: 'Water forum' }, schedule: { type: 'timed', start: '2026-09-14T10:00', end: '2026-09-14T12:30', timeZone: 'Asia/Muscat' } });
    const page = await open(env, `#/e/${id}`, { lang: 'en' });
    await page.waitForSelector('#add-google');
    const google = new URL((await page.getAttribute('#add-google', 'href'))!);
    expect(google.searchParams.get('dates')).toBe('20260914T060000Z/20260914T083000Z');
    expect(google.searchParams.get('text')).toBe('Water forum');
    const outlook = new URL((await page.getAttribute('#add-outlook', 'href'))!);
    expect(outlook.searchParams.get('startdt')).toBe('2026-09-14T06:00:00.000Z');
    const ics = await fetch(`${env.t.runtime.url}${await page.getAttribute('#download-ics', 'href')}`);
    expect(await ics.text()).toMatch(/SUMMARY(;LANGUAGE=en)?:Water forum/);
  });

  it('lays out Arabic right to left, with Hijri dates, and shows a month-only event in its month only', async () => {
    const page = await open(env, '#/c/ato?view=month&date=2026-07-01', { lang: 'ar' });
    await page.waitForSelector('.month');
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    expect(await page.evaluate("getComputedStyle(document.querySelector('main')).direction")).toBe('rtl');
    await expect.poll(() => page.locator('.undated a.title').allTextContents(), POLL).toEqual(['المنتدى العربي–الصيني للمدن']);
    expect(await page.locator('.month td small.hijri').first().textContent()).toMatch(/[\u0600-\u06FF]/);
    await shot(page, 'calendar-ar-rtl');
    for (const other of ['2026-06-01', '2026-08-01']) {
      await page.goto(`${env.t.runtime.url}/#/c/ato?view=month&date=${other}`);
      await page.waitForSelector(`.month td[data-date="${other}"]`);
      expect(await page.locator('a.title', { hasText: 'المنتدى العربي–الصيني للمدن' }).count()).toBe(0);
    }
  });

  it('keeps an Arabic history line in reading order, translated', async () => {
    const page = await open(env, `#/e/${await forumId()}`, { lang: 'ar' });
    const line = page.locator('#history li').first();
    await line.waitFor();
    expect(await line.textContent()).not.toContain('event.created');
    expect(await line.locator('.change').textContent()).toBe('أُنشئت');
    // Right to left: the change, then its version, its time and who made it.
    const rights = await Promise.all(
      ['.change', '.version', 'time', '.actor'].map(async (part) => {
        const box = (await line.locator(part).boundingBox())!;
        return box.x + box.width;
      }),
    );
    expect(rights).toEqual([...rights].sort((a, b) => b - a));
    expect(await line.locator('.actor bdi').count()).toBe(1);
    await shot(page, 'history-ar');
  });

  it('is public by default: the key form hides behind "Sign in", and a rejected key is dropped with a message', async () => {
    const page = await open(env, '#/c/ato?view=agenda&date=2026-06-01', { lang: 'en' });
    await page.waitForSelector('.agenda li');
    expect(await page.isVisible('#key')).toBe(false);
    await page.click('#sign-in');
    expect(await page.isVisible('#key')).toBe(true);
    await page.fill('#key', 'not-a-key');
    await page.click('#key-use');
    await expect.poll(() => page.textContent('#notice'), POLL).toContain('was not accepted');
    await expect.poll(() => page.locator('.agenda li').count(), POLL).toBe(4);
    expect(await page.evaluate("sessionStorage.getItem('taqweem.key')")).toBeNull();
    expect(await page.isVisible('#sign-in')).toBe(true);
    const stale = await open(env, '#/c/ato?view=agenda&date=2026-06-01', { lang: 'zh', key: 'an-old-key' });
    await expect.poll(() => stale.locator('.agenda li').count(), POLL).toBe(4);
    expect(await stale.textContent('#notice')).toBe('该 API 密钥未被接受，已被移除。您正在浏览公开日历。');
  });

  it("moves focus to the new view's heading, names the view in the tab title, and draws a visible focus ring", async () => {
    const page = await open(env, '#/c/ato?view=month&date=2026-07-01', { lang: 'en' });
    await page.waitForSelector('.month');
    expect(await page.title()).toContain('July 2026');
    await page.click('a[aria-label="Next month"]');
    await expect.poll(() => page.title(), POLL).toContain('August 2026');
    expect(await page.evaluate('document.activeElement.tagName')).toBe('H1');
    await page.keyboard.press('Tab');
    // A script string: it runs in the page, where the DOM exists.
    const ring = (await page.evaluate(`(() => {
      const style = getComputedStyle(document.activeElement);
      return { color: style.outlineColor, width: style.outlineWidth, background: getComputedStyle(document.body).backgroundColor };
    })()`)) as { color: string; width: string; background: string };
    expect(ring.width).toBe('3px');
    expect(contrast(ring.color, ring.background)).toBeGreaterThanOrEqual(3);
    expect(contrast(ring.color, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
  });

  it('pages the agenda with "More" instead of stopping at a limit', async () => {
    await newCalendar(env, 'busy', 'Asia/Kuwait');
    for (let i = 0; i < 55; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      await newEvent(env, {
        calendar: 'busy',
        title: { en: `Session ${i}` },
        schedule: { type: 'timed', start: `2027-0${1 + Math.floor(i / 28)}-${day}T09:00`, end: `2027-0${1 + Math.floor(i / 28)}-${day}T10:00`, timeZone: 'Asia/Kuwait' },
      });
    }
    const page = await open(env, '#/c/busy?view=agenda&date=2027-01-01', { lang: 'en' });
    await expect.poll(() => page.locator('.agenda a.title').count(), POLL).toBe(50);
    await page.click('#agenda-more');
    await expect.poll(() => page.locator('.agenda a.title').count(), POLL).toBe(55);
    expect(await page.isVisible('#agenda-more')).toBe(false);
    expect(await page.textContent('.agenda-status')).toBe('No more events.');
  });

  it('searches titles in every language', async () => {
    const page = await open(env, '#/c/ato?view=month&date=2026-07-01', { lang: 'en' });
    await page.fill('#search', '论坛');
    await page.press('#search', 'Enter');
    await expect.poll(() => page.locator('.agenda a.title').count(), POLL).toBeGreaterThanOrEqual(1);
    const titles = await page.locator('.agenda a.title').allTextContents();
    expect(titles).toContain('Arab–Chinese Cities Forum');
    await page.fill('#search', 'المنتدى العربي');
    await page.press('#search', 'Enter');
    await expect.poll(() => page.locator('.agenda a.title').allTextContents(), POLL).toEqual(['Arab–Chinese Cities Forum']);
  });

  it('searches on the server (q), pages the results with "More", and says in the page\'s language what was wrong with a query', async () => {
    await newCalendar(env, 'finder', 'Asia/Kuwait');
    for (let i = 0; i < 25; i++) {
      const day = `2027-02-${String(1 + i).padStart(2, '0')}`;
      await newEvent(env, {
        calendar: 'finder',
        title: { ar: `جَلْسَةُ العَمَلِ ${i}`, en: `Working session ${i}`, zh: `工作会议 ${i}` },
        schedule: { type: 'timed', start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'Asia/Kuwait' },
      });
    }
    await newEvent(env, { calendar: 'finder', title: { en: 'Budget review', zh: '预算审查' }, schedule: { type: 'allDay', startDate: '2027-03-01', endDate: '2027-03-02' } });
    const page = await open(env, '#/c/finder?view=month&date=2027-02-01', { lang: 'en' });
    await page.waitForSelector('#search');
    const asked: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/events') asked.push(url);
    });

    await page.fill('#search', 'جلسة العمل');
    await page.press('#search', 'Enter');
    await expect.poll(() => page.locator('.agenda a.title').count(), POLL).toBe(20);
    expect(asked.map((url) => url.searchParams.get('q'))).toEqual(['جلسة العمل']);
    expect(await page.isVisible('#agenda-more')).toBe(true);
    await page.click('#agenda-more');
    await expect.poll(() => page.locator('.agenda a.title').count(), POLL).toBe(25);
    expect(await page.textContent('.agenda-status')).toBe('No more events.');
    expect(asked).toHaveLength(2);
    expect(asked[1]!.searchParams.get('cursor')).toBeTruthy();

    await page.fill('#search', 'WORKING SESSION 7');
    await page.press('#search', 'Enter');
    await expect.poll(() => page.locator('.agenda a.title').allTextContents(), POLL).toEqual(['Working session 7', 'Working session 17']);
    await page.fill('#search', '预算');
    await page.press('#search', 'Enter');
    await expect.poll(() => page.locator('.agenda a.title').allTextContents(), POLL).toEqual(['Budget review']);

    const arabic = await open(env, `#/c/finder?view=agenda&q=${'ب'.repeat(101)}`, { lang: 'ar' });
    await expect.poll(() => arabic.textContent('.agenda-status'), POLL).toBe('البحث: طويل جداً');
    const chinese = await open(env, `#/c/finder?view=agenda&q=${encodeURIComponent('ـ')}`, { lang: 'zh' });
    await expect.poll(() => chinese.textContent('.agenda-status'), POLL).toBe('搜索：不能为空');
    await shot(chinese, 'search-refused-zh');
  });

  it('shows an event as it stood on a day, says so, and explains a day before it existed', async () => {
    await newCalendar(env, 'past', 'Asia/Kuwait');
    const id = await newEvent(env, { calendar: 'past', title: { en: 'Old title' }, schedule: { type: 'allDay', startDate: '2027-03-01', endDate: '2027-03-02' } });
    const created = (await env.t.call('GET', `/events/${id}`)).body.createdAt as string;
    await env.t.call('PATCH', `/events/${id}`, { body: { title: { en: 'New title' } } });
    const page = await open(env, `#/e/${id}?asOf=2020-01-01`, { lang: 'ar' });
    await expect.poll(() => page.textContent('#past-banner'), POLL).toBe('لم تكن الفعالية موجودة بعد في نهاية ذلك اليوم.');
    expect(await page.textContent('h1')).toContain('New title');
    const today = dayIn('Asia/Kuwait', created);
    await page.goto(`${env.t.runtime.url}/#/e/${id}?asOf=${today}`);
    await expect.poll(() => page.locator('#past-banner').textContent(), POLL).toContain('أنت تنظر إلى الماضي');
  });

  it('shows a webhook secret once, and the outcome of actions in words', async () => {
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    const receiver = await startReceiver();
    try {
      const page = await open(env, '#/webhooks', { lang: 'en', key: env.t.adminKey });
      await page.fill('#f-url', receiver.url);
      await page.click('#webhook-form button[type=submit]');
      const secret = await page.locator('#secret').textContent();
      expect(secret).toMatch(/^whsec_/);
      await shot(page, 'webhook-secret-once');
      await page.reload();
      await page.waitForSelector('#webhook-form');
      expect(await page.content()).not.toContain(secret!);
      await page.click(`a[href^="#/w/"]`);
      await page.click('#webhook-test');
      await expect.poll(() => page.textContent('#webhook-outcome'), POLL).toMatch(/^Test delivered: HTTP 200 in [\d,]+ ms\.$/);
      page.once('dialog', (dialog) => dialog.accept());
      await page.click('#webhook-delete');
      await expect.poll(() => page.locator('#webhook-form').count(), POLL).toBe(1);
      expect(await page.locator(`a[href^="#/w/"]`).count()).toBe(0);
    } finally {
      delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
      await receiver.close();
    }
  });
});
