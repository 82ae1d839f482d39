/** No lost edits: merge patches under If-Match, conflicts shown both ways, one event per Save, errors translated. */
import type { Request } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { newCalendar, newEvent, open, POLL, shot, useBrowser } from './browser.ts';

const env = useBrowser();
vi.setConfig({ testTimeout: 90_000 });

describe('editing through the page', () => {
  it("never undoes a colleague's concurrent change: only the edited field is sent, under If-Match, and the conflict shows both versions", async () => {
    await newCalendar(env, 'edits', 'Asia/Muscat');
    const id = await newEvent(env, { calendar: 'edits', title: { ar: 'منتدى', en: 'Forum', zh: '论坛' }, tags: ['a'], schedule: { type: 'allDay', startDate: '2027-05-01', endDate: '2027-05-02' } });
    const page = await open(env, `#/edit/${id}`, { lang: 'en', key: env.t.adminKey });
    await page.waitForSelector('#f-title-en');
    // Prepare: a colleague changes the Chinese title and the tags after the form was loaded.
    const colleague = await env.t.call('PATCH', `/events/${id}`, { body: { title: { zh: '城市论坛' }, tags: ['a', 'b'] } });
    expect(colleague.status).toBe(200);
    const patches: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches.push(request);
    });
    // Act: only the English title is edited.
    await page.fill('#f-title-en', 'Cities Forum');
    await page.click('#save');
    // Assess: the stale save is refused and both versions are shown.
    await page.waitForSelector('#conflict');
    expect(patches[0]!.headers()['if-match']).toBe('"1"');
    expect(patches[0]!.postDataJSON()).toEqual({ title: { en: 'Cities Forum' } });
    const rows = await page.locator('#conflict tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-field'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['title.en', 'Cities Forum', 'Forum'],
        ['title.zh', '论坛', '城市论坛'],
        ['tags', 'a', 'a, b'],
      ]),
    );
    expect(await page.evaluate('document.activeElement.id')).toBe('conflict-heading');
    await shot(page, 'edit-conflict');
    await page.click('#keep-mine');
    await page.waitForSelector('#history');
    expect(patches[1]!.headers()['if-match']).toBe('"2"');
    expect(patches[1]!.postDataJSON()).toEqual({ title: { en: 'Cities Forum' } });
    const event = (await env.t.call('GET', `/events/${id}`)).body;
    expect(event.title).toEqual({ ar: 'منتدى', en: 'Cities Forum', zh: '城市论坛' });
    expect(event.tags).toEqual(['a', 'b']);
  });

  it('records an edit in the history, and sends nothing when nothing changed', async () => {
    await newCalendar(env, 'edits2', 'Asia/Kuwait');
    const id = await newEvent(env, { calendar: 'edits2', title: { en: 'Board' }, schedule: { type: 'timed', start: '2027-02-01T09:00', end: '2027-02-01T10:00', timeZone: 'Asia/Kuwait' } });
    const page = await open(env, `#/e/${id}`, { lang: 'en', key: env.t.adminKey });
    await page.click(`a[href="#/edit/${id}"]`);
    await page.waitForSelector('#f-title-en');
    await page.click('#save');
    await expect.poll(() => page.textContent('#notice'), POLL).toBe('Nothing has changed, so nothing was saved.');
    await page.selectOption('#f-schedule-type', 'allDay');
    await page.fill('#f-schedule-startDate', '2027-02-01');
    await page.fill('#f-schedule-endDate', '2027-02-02');
    await page.fill('#f-location-city', 'Salalah');
    await page.fill('#f-organizer-name', 'Dhofar Municipality');
    await page.click('#save');
    await page.waitForSelector('#history');
    await expect.poll(() => page.locator('#history li').count(), POLL).toBeGreaterThan(1);
    const event = (await env.t.call('GET', `/events/${id}`)).body;
    expect(event.schedule).toEqual({ type: 'allDay', startDate: '2027-02-01', endDate: '2027-02-02' });
    expect(event.location).toEqual({ city: 'Salalah' });
    expect(event.organizer).toEqual({ name: 'Dhofar Municipality' });
  });

  it('creates one event however often Save is clicked, with an Idempotency-Key', async () => {
    await newCalendar(env, 'double', 'Asia/Kuwait');
    const page = await open(env, '#/new?calendar=double', { lang: 'en', key: env.t.adminKey });
    const posts: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/events') posts.push(request);
    });
    await page.fill('#f-title-en', 'Clicked twice');
    await page.fill('#f-schedule-start', '2027-04-01T10:00');
    await page.fill('#f-schedule-end', '2027-04-01T11:00');
    await page.fill('#f-schedule-timeZone', 'Asia/Kuwait');
    await page.dblclick('#save');
    await page.waitForSelector('#history');
    const events = (await env.t.call('GET', '/events?calendar=double')).body.items as unknown[];
    expect(events).toHaveLength(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it("shows the server's field errors in the page's language, next to their fields, and records nothing", async () => {
    const cases = [
      { lang: 'en', end: 'must be after the start', zone: 'is not a time zone (e.g. Asia/Kuwait)' },
      { lang: 'ar', end: 'يجب أن تكون بعد البداية', zone: 'ليست منطقة زمنية (مثل Asia/Kuwait)' },
      { lang: 'zh', end: '必须晚于开始时间', zone: '不是有效时区（如 Asia/Shanghai）' },
    ];
    for (const { lang, end, zone } of cases) {
      const before = await env.t.journalSize();
      const page = await open(env, '#/new?calendar=ato', { lang, key: env.t.adminKey });
      await page.fill('#f-title-en', 'Backwards meeting');
      await page.fill('#f-schedule-start', '2026-07-14T10:00');
      await page.fill('#f-schedule-end', '2026-07-14T09:00');
      await page.fill('#f-schedule-timeZone', 'Asia/Muscat');
      await page.click('#save');
      await expect.poll(() => page.textContent('[data-error-for="schedule.end"]'), POLL).toBe(end);
      expect(await page.getAttribute('#f-schedule-end', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#f-schedule-end', 'aria-describedby')).toBe('f-schedule-end-error');
      await page.fill('#f-schedule-end', '2026-07-14T11:00');
      await page.fill('#f-schedule-timeZone', 'Mars/Olympus');
      await page.click('#save');
      await expect.poll(() => page.textContent('[data-error-for="schedule.timeZone"]'), POLL).toBe(zone);
      expect(await env.t.journalSize()).toBe(before);
      await shot(page, `validation-error-${lang}`);
    }
  });

  it('cancels with a reason, and says so in words when the event changed meanwhile', async () => {
    await newCalendar(env, 'cancels', 'Asia/Kuwait');
    const id = await newEvent(env, { calendar: 'cancels', title: { en: 'Workshop' }, schedule: { type: 'allDay', startDate: '2027-06-01', endDate: '2027-06-01' } });
    const page = await open(env, `#/e/${id}`, { lang: 'ar', key: env.t.adminKey });
    await page.waitForSelector('#cancel-form');
    await env.t.call('PATCH', `/events/${id}`, { body: { title: { en: 'Workshop (moved)' } } });
    await page.fill('#cancel-reason', 'Venue unavailable');
    await page.click('#cancel-form button');
    await expect.poll(() => page.textContent('#notice'), POLL).toBe('غيّر شخص آخر هذا في الأثناء. أعد التحميل لترى النسخة الحالية.');
    expect((await env.t.call('GET', `/events/${id}`)).body.status).toBe('confirmed');
    await page.reload();
    await page.fill('#cancel-reason', 'Venue unavailable');
    await page.click('#cancel-form button');
    await expect.poll(async () => (await env.t.call('GET', `/events/${id}`)).body.cancelReason, POLL).toBe('Venue unavailable');
    await expect.poll(() => page.textContent('.cancel-reason'), POLL).toContain('Venue unavailable');
  });

  it("invites and removes a participant, with the role and status in the page's language", async () => {
    await newCalendar(env, 'people', 'Asia/Kuwait');
    const id = await newEvent(env, { calendar: 'people', title: { en: 'Panel' }, schedule: { type: 'allDay', startDate: '2027-07-01', endDate: '2027-07-01' } });
    const page = await open(env, `#/e/${id}`, { lang: 'zh', key: env.t.adminKey });
    await page.waitForSelector('#invite');
    await page.fill('#f-name', 'Lin Songtian (林松添)');
    await page.selectOption('#invite select[name=role]', 'chair');
    await page.click('#invite button[type=submit]');
    await expect.poll(() => page.locator('.participants li').allTextContents(), POLL).toEqual([expect.stringContaining('主持 · 已邀请')]);
    await page.click('.participants li button');
    await expect.poll(() => page.locator('.participants li').count(), POLL).toBe(0);
    expect((await env.t.call('GET', `/events/${id}`)).body.participants).toEqual([]);
  });
});
