/** Audit F11 and F15 on the page: an instant shows as one time on its day; a time with seconds keeps them through an edit. */
import type { Request } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { newCalendar, newEvent, open, POLL, useBrowser } from './browser.ts';

const env = useBrowser();
vi.setConfig({ testTimeout: 90_000 });

describe('times on the page', () => {
  it('an instant (end = start) shows one time, on its day in the agenda and on its own page', async () => {
    await newCalendar(env, 'instant-page', 'Asia/Muscat');
    const id = await newEvent(env, { calendar: 'instant-page', title: { en: 'Registration closes' }, schedule: { type: 'timed', start: '2027-03-10T00:00', end: '2027-03-10T00:00', timeZone: 'Asia/Muscat' } });
    const page = await open(env, `#/e/${id}`, { lang: 'en', zone: 'Asia/Muscat', timezoneId: 'Asia/Muscat' });
    const when = page.locator('p.when').first();
    await expect.poll(() => when.textContent(), POLL).toContain('12:00');
    // One time, not a range from it to itself.
    expect((await when.textContent())!.match(/12:00/g)).toHaveLength(1);
    expect(await when.textContent()).not.toMatch(/[–-]\s*12:00/);
    const agenda = await open(env, '#/c/instant-page?view=agenda&date=2027-03-10', { lang: 'en', zone: 'Asia/Muscat', timezoneId: 'Asia/Muscat' });
    const day = agenda.locator('section.day-list[data-date="2027-03-10"]');
    await expect.poll(() => day.textContent(), POLL).toContain('Registration closes');
    expect(await agenda.locator('section.day-list[data-date="2027-03-09"]').count()).toBe(0);
  });

  it('an imported time with seconds keeps them when another field is edited (only that field is sent)', async () => {
    await newCalendar(env, 'seconds-page', 'Asia/Kuwait');
    const id = await newEvent(env, { calendar: 'seconds-page', title: { en: 'Launch' }, schedule: { type: 'timed', start: '2027-03-11T09:00:15', end: '2027-03-11T10:00:45', timeZone: 'Asia/Kuwait' } });
    const page = await open(env, `#/edit/${id}`, { lang: 'en', key: env.t.adminKey });
    await page.waitForSelector('#f-title-en');
    expect(
      await page.locator('[name="schedule.start"]').evaluate((input) => {
        const field = input as unknown as { value: string; validity: { valid: boolean } };
        return [field.value, field.validity.valid];
      }),
    ).toEqual(['2027-03-11T09:00:15', true]);
    const patches: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches.push(request);
    });
    await page.fill('#f-title-en', 'Launch window');
    await page.click('#save');
    await expect.poll(() => patches.length, POLL).toBe(1);
    expect(patches[0]!.postDataJSON()).toEqual({ title: { en: 'Launch window' } });
    await expect.poll(async () => (await env.t.call('GET', `/events/${id}`)).body.title.en, POLL).toBe('Launch window');
    expect((await env.t.call('GET', `/events/${id}`)).body.schedule).toMatchObject({ start: '2027-03-11T09:00:15', end: '2027-03-11T10:00:45' });
  });
});
