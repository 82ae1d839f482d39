/** Repeating events on the page (#14): created with a rule, shown occurrence by occurrence, changed for "this / this and following / all". */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { newCalendar, newEvent, open, PHONE, POLL, shot, useBrowser, type Env } from './browser.ts';

const env = useBrowser();
vi.setConfig({ testTimeout: 120_000 });

/** A weekly series of six Mondays from 1 March 2027, 09:00–10:00 in Kuwait, in a calendar of its own. */
async function weeklySeries(env: Env, calendar: string): Promise<string> {
  await newCalendar(env, calendar, 'Asia/Kuwait');
  return newEvent(env, {
    calendar,
    title: { en: 'Coordination call', ar: 'اجتماع التنسيق' },
    schedule: { type: 'timed', start: '2027-03-01T09:00', end: '2027-03-01T10:00', timeZone: 'Asia/Kuwait', recurrence: { rule: 'FREQ=WEEKLY;COUNT=6' } },
  });
}

const getEvent = async (id: string) => (await env.t.call('GET', `/events/${id}`)).body;

/** The titles and times shown in one day of the month grid. */
const cell = (page: Page, date: string) => page.locator(`.month td[data-date="${date}"] .chip`).allTextContents();

async function monthOf(page: Page, calendar: string, date: string) {
  await page.goto(`${env.t.runtime.url}/#/c/${calendar}?view=month&date=${date}`);
  await page.waitForSelector('.month');
  await expect.poll(() => page.locator('main[aria-busy]').count(), POLL).toBe(0);
}

/** Saves the form and answers the "which events?" dialog with `scope`. */
async function saveFor(page: Page, scope: 'this' | 'following' | 'all') {
  await page.click('#save');
  await page.waitForSelector('#scope-dialog[open]');
  await page.check(`#scope-${scope}`);
  await page.click('#scope-ok');
}

describe('repeating events on the page', () => {
  it('creates a weekly series from the form and shows each occurrence, marked as repeating, in the month, week and agenda views', async () => {
    await newCalendar(env, 'series-new', 'Asia/Kuwait');
    const page = await open(env, '#/new?calendar=series-new', { lang: 'ar', key: env.t.adminKey });
    await page.fill('#f-title-ar', 'اجتماع التنسيق');
    await page.fill('#f-title-en', 'Coordination call');
    await page.fill('#f-schedule-start', '2027-03-01T09:00');
    await page.fill('#f-schedule-end', '2027-03-01T10:00');
    await page.fill('#f-schedule-timeZone', 'Asia/Kuwait');
    // The end controls appear only once the event repeats.
    expect(await page.isVisible('#f-schedule-recurrence-rule-count')).toBe(false);
    await page.selectOption('#f-schedule-recurrence-rule-freq', 'WEEKLY');
    await page.selectOption('#f-schedule-recurrence-end', 'count');
    await page.fill('#f-schedule-recurrence-rule-count', '6');
    await shot(page, 'series-new-form-ar');
    await page.click('#save');
    await page.waitForSelector('#series-note');
    const id = page.url().split('#/e/')[1]!;
    expect((await getEvent(id)).schedule).toEqual({
      type: 'timed',
      start: '2027-03-01T09:00',
      end: '2027-03-01T10:00',
      timeZone: 'Asia/Kuwait',
      recurrence: { rule: { freq: 'WEEKLY', interval: 1, count: 6 } },
    });
    expect(await page.textContent('#series-note')).toContain('أسبوعياً');

    await monthOf(page, 'series-new', '2027-03-01');
    for (const day of ['2027-03-01', '2027-03-08', '2027-03-15', '2027-03-22', '2027-03-29']) {
      const link = page.locator(`.month td[data-date="${day}"] a.title`);
      await expect.poll(() => link.count(), POLL).toBe(1);
      expect(await link.getAttribute('href')).toBe(`#/e/${id}?occurrence=${encodeURIComponent(`${day}T09:00:00`)}`);
      // The accessible name says it repeats, in the page's language.
      expect(await link.textContent()).toBe('اجتماع التنسيق ↻ (فعالية متكررة)');
    }
    expect(await cell(page, '2027-03-02')).toEqual([]);
    await shot(page, 'series-month-ar');
    await monthOf(page, 'series-new', '2027-04-01');
    expect((await cell(page, '2027-04-05')).join()).toContain('اجتماع التنسيق');
    expect(await page.locator('.month a.title').count()).toBe(1);

    await page.goto(`${env.t.runtime.url}/#/c/series-new?view=week&date=2027-03-08`);
    await expect.poll(() => page.locator('.week a.title').count(), POLL).toBe(1);
    expect(await page.locator('.week section[data-date="2027-03-08"] .time').textContent()).toMatch(/9:00|٩:٠٠/);
    await page.goto(`${env.t.runtime.url}/#/c/series-new?view=agenda&date=2027-03-01`);
    await expect
      .poll(() => page.locator('.agenda section').evaluateAll((s) => s.map((x) => x.getAttribute('data-date'))), POLL)
      .toEqual(['2027-03-01', '2027-03-08', '2027-03-15', '2027-03-22', '2027-03-29', '2027-04-05']);
    await page.context().close();
  });

  it("edits a series' rule: the end moves from a count to a date (the count is cleared), then the event stops repeating", async () => {
    const id = await weeklySeries(env, 'series-rule');
    const page = await open(env, `#/edit/${id}`, { lang: 'en', key: env.t.adminKey });
    await page.waitForSelector('#recurrence');
    expect(await page.inputValue('#f-schedule-recurrence-rule-freq')).toBe('WEEKLY');
    expect(await page.inputValue('#f-schedule-recurrence-rule-count')).toBe('6');
    await page.selectOption('#f-schedule-recurrence-end', 'until');
    await page.fill('#f-schedule-recurrence-rule-until', '2027-03-20');
    await page.selectOption('#f-schedule-recurrence-rule-freq', 'DAILY');
    await page.click('#save');
    await page.waitForSelector('#series-note');
    // The last day ends at midnight in Kuwait (UTC+3).
    expect((await getEvent(id)).schedule.recurrence).toEqual({ rule: { freq: 'DAILY', interval: 1, until: '2027-03-20T20:59:59Z' } });
    expect(await page.textContent('#series-note')).toBe('A repeating event: Daily, until March 20, 2027.');
    await page.click('#edit-link');
    await page.waitForSelector('#recurrence');
    expect(await page.inputValue('#f-schedule-recurrence-rule-until')).toBe('2027-03-20');
    await page.selectOption('#f-schedule-recurrence-rule-freq', '');
    await page.click('#save');
    await page.waitForSelector('#history');
    await expect.poll(async () => (await getEvent(id)).schedule, POLL).toEqual({ type: 'timed', start: '2027-03-01T09:00', end: '2027-03-01T10:00', timeZone: 'Asia/Kuwait' });
    await page.context().close();
  });

  it('"this event": moves and retitles one occurrence only, after showing a refused change next to its field', async () => {
    const id = await weeklySeries(env, 'series-this');
    const page = await open(env, '#/c/series-this?view=month&date=2027-03-01', { lang: 'en', key: env.t.adminKey });
    await page.click('.month td[data-date="2027-03-15"] a.title');
    await page.waitForSelector('#series-note');
    expect(await page.textContent('#series-note')).toBe('One occurrence of a repeating event (Weekly, 6 times in all). See the whole series');
    await page.click('#edit-link');
    await page.waitForSelector('#f-title-en');
    expect(await page.inputValue('#f-schedule-start')).toBe('2027-03-15T09:00');
    expect(await page.locator('#recurrence').count()).toBe(0);
    // A refused change: the field error from the occurrence route, in words, next to the field; nothing recorded.
    await page.fill('#f-schedule-end', '2027-03-15T08:00');
    await saveFor(page, 'this');
    await expect.poll(() => page.textContent('[data-error-for="schedule.end"]'), POLL).toBe('must be after the start');
    expect((await getEvent(id)).version).toBe(1);

    await page.fill('#f-title-en', 'Moved call');
    await page.fill('#f-schedule-start', '2027-03-16T14:00');
    await page.fill('#f-schedule-end', '2027-03-16T15:00');
    await saveFor(page, 'this');
    await page.waitForSelector('#series-note');
    const series = await getEvent(id);
    expect(series.title).toEqual({ en: 'Coordination call', ar: 'اجتماع التنسيق' });
    expect(series.schedule.start).toBe('2027-03-01T09:00');
    expect(series.overrides).toEqual([
      {
        recurrenceId: '2027-03-15T09:00:00',
        schedule: { type: 'timed', start: '2027-03-16T14:00', end: '2027-03-16T15:00', timeZone: 'Asia/Kuwait' },
        fields: { title: { en: 'Moved call', ar: 'اجتماع التنسيق' } },
        sequence: 1,
      },
    ]);
    expect(await page.textContent('#series-note')).toContain('Changed for this date only.');
    // In the month: the moved occurrence at its new day and time, the others as they were.
    await monthOf(page, 'series-this', '2027-03-01');
    expect(await cell(page, '2027-03-15')).toEqual([]);
    expect((await cell(page, '2027-03-16')).join()).toMatch(/2:00.*PM.*Moved call/);
    expect((await cell(page, '2027-03-22')).join()).toContain('Coordination call');
    // Undo: the occurrence is as the series has it again.
    await page.click('.month td[data-date="2027-03-16"] a.title');
    await page.click('#restore-occurrence');
    await expect.poll(async () => (await getEvent(id)).overrides, POLL).toEqual([]);
    await page.context().close();
  });

  it('"this and following": ends the series before the occurrence and starts a new one from it, at the new time', async () => {
    const id = await weeklySeries(env, 'series-following');
    const page = await open(env, `#/edit/${id}?occurrence=2027-03-22T09:00:00`, { lang: 'en', key: env.t.adminKey });
    await page.waitForSelector('#f-title-en');
    await page.fill('#f-title-en', 'New call');
    await page.fill('#f-schedule-start', '2027-03-22T11:00');
    await page.fill('#f-schedule-end', '2027-03-22T12:00');
    await saveFor(page, 'following');
    await page.waitForSelector('#series-note');
    const ended = await getEvent(id);
    const next = await getEvent(ended.splitTo.series);
    expect(page.url()).toContain(`#/e/${next.id}`);
    expect(ended.title.en).toBe('Coordination call');
    expect(ended.schedule.recurrence.rule.until).toBe('2027-03-22T05:59:59Z');
    expect(next).toMatchObject({
      title: { en: 'New call' },
      splitFrom: { series: id, recurrenceId: '2027-03-22T09:00:00' },
      schedule: { start: '2027-03-22T11:00', end: '2027-03-22T12:00', recurrence: { rule: { freq: 'WEEKLY', count: 3 } } },
    });
    await monthOf(page, 'series-following', '2027-03-01');
    expect((await cell(page, '2027-03-15')).join()).toContain('Coordination call');
    expect((await cell(page, '2027-03-22')).join()).toMatch(/11:00.*New call/);
    expect((await cell(page, '2027-03-29')).join()).toMatch(/11:00.*New call/);
    await page.context().close();
  });

  it('"all events": changes the series, so every occurrence shows the new title and time', async () => {
    const id = await weeklySeries(env, 'series-all');
    const page = await open(env, `#/edit/${id}?occurrence=2027-03-15T09:00:00`, { lang: 'en', key: env.t.adminKey });
    await page.waitForSelector('#f-title-en');
    await page.fill('#f-title-en', 'Weekly call');
    await page.fill('#f-schedule-start', '2027-03-15T10:30');
    await page.fill('#f-schedule-end', '2027-03-15T11:30');
    await saveFor(page, 'all');
    await page.waitForSelector('#series-note');
    const series = await getEvent(id);
    expect(series.title).toEqual({ en: 'Weekly call', ar: 'اجتماع التنسيق' });
    expect(series.schedule).toMatchObject({ start: '2027-03-01T10:30:00', end: '2027-03-01T11:30:00', recurrence: { rule: { freq: 'WEEKLY', count: 6 } } });
    await monthOf(page, 'series-all', '2027-03-01');
    for (const day of ['2027-03-01', '2027-03-08', '2027-03-15', '2027-03-22', '2027-03-29']) expect((await cell(page, day)).join(), day).toMatch(/10:30.*Weekly call/);
    await page.context().close();
  });

  it('cancels one occurrence, shown as cancelled events are; "all" cancels the series', async () => {
    const id = await weeklySeries(env, 'series-cancel');
    const page = await open(env, `#/e/${id}?occurrence=2027-03-08T09:00:00`, { lang: 'en', key: env.t.adminKey });
    await page.fill('#cancel-reason', 'Holiday');
    await page.click('#cancel-form button');
    await page.waitForSelector('#scope-dialog[open]');
    await page.click('#scope-ok');
    await expect.poll(async () => (await getEvent(id)).overrides, POLL).toEqual([{ recurrenceId: '2027-03-08T09:00:00', cancelled: true, reason: 'Holiday', sequence: 1 }]);
    await expect.poll(() => page.textContent('.cancel-reason'), POLL).toBe('Cancelled: Holiday');
    await monthOf(page, 'series-cancel', '2027-03-01');
    expect(await page.getAttribute('.month td[data-date="2027-03-08"] .chip', 'class')).toContain('cancelled');
    expect(await page.getAttribute('.month td[data-date="2027-03-15"] .chip', 'class')).not.toContain('cancelled');
    // What a visitor sees, not only the class: the month grid strikes the cancelled one through (the chip's own rule had undone it).
    const decoration = (date: string) => page.evaluate(`getComputedStyle(document.querySelector('.month td[data-date="${date}"] .chip a.title')).textDecorationLine`);
    expect(await decoration('2027-03-08')).toBe('line-through');
    expect(await decoration('2027-03-15')).toBe('none');
    // And in words for screen readers, which do not read a strike-through.
    expect((await cell(page, '2027-03-08')).join()).toContain('(cancelled)');
    expect((await cell(page, '2027-03-15')).join()).not.toContain('cancelled');
    expect((await getEvent(id)).status).toBe('confirmed');

    await page.click('.month td[data-date="2027-03-22"] a.title');
    await page.click('#cancel-form button');
    await page.check('#scope-all');
    await page.click('#scope-ok');
    await expect.poll(async () => (await getEvent(id)).status, POLL).toBe('cancelled');
    await page.context().close();
  });

  it('asks in a dialog that fits a phone, in Arabic, usable by keyboard; going back records nothing and returns focus', async () => {
    const id = await weeklySeries(env, 'series-phone');
    const page = await open(env, `#/edit/${id}?occurrence=2027-03-08T09:00:00`, { lang: 'ar', key: env.t.adminKey, viewport: PHONE });
    await page.waitForSelector('#f-title-en');
    await page.fill('#f-title-en', 'Phone call');
    await page.click('#save');
    await page.waitForSelector('#scope-dialog[open]');
    expect(await page.evaluate('document.activeElement.id')).toBe('scope-this');
    // Nothing is being saved while the question is open.
    expect(await page.textContent('#save')).toBe('حفظ');
    expect(await page.locator('#scope-dialog label').allTextContents()).toEqual(['هذه الفعالية فقط', 'هذه الفعالية والفعاليات التالية', 'كل فعاليات السلسلة']);
    expect(await page.getAttribute('#scope-dialog', 'aria-labelledby')).toBe('scope-heading');
    const box = (await page.locator('#scope-dialog').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    for (const button of ['#scope-ok', '#scope-back']) {
      const b = (await page.locator(button).boundingBox())!;
      expect(b.height, button).toBeGreaterThanOrEqual(44);
      expect(b.x + b.width, button).toBeLessThanOrEqual(PHONE.width);
    }
    await shot(page, 'series-dialog-phone-ar');
    // Escape goes back: nothing recorded, focus on Save again.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#scope-dialog').count(), POLL).toBe(0);
    await expect.poll(() => page.evaluate('document.activeElement.id'), POLL).toBe('save');
    expect((await getEvent(id)).version).toBe(1);
    // By keyboard: the arrow picks "this and following", Enter confirms.
    await page.keyboard.press('Enter');
    await page.waitForSelector('#scope-dialog[open]');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement.id')).toBe('scope-following');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#series-note');
    expect((await getEvent(id)).splitTo.recurrenceId).toBe('2027-03-08T09:00:00');
    await page.context().close();
  });
});
