/** axe-core on every view, in Arabic, English and Chinese, at desktop and phone width: no violation of any impact. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { dayIn, DESKTOP, newCalendar, newEvent, open, PHONE, useBrowser, type Env } from './browser.ts';

const env = useBrowser();
vi.setConfig({ testTimeout: 240_000 });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string;
  nodes: string[];
}

/** Runs axe with every rule it enables by default (best practices included) and AAA contrast on top. */
async function axe(page: Page): Promise<Violation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not apply to it.
  await page.evaluate(axeSource);
  return (await page.evaluate(`axe.run(document, { rules: { 'color-contrast-enhanced': { enabled: true } }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').slice(0, 160)) })))`)) as Violation[];
}

let fixtures: Promise<{ eventId: string; seriesId: string; webhookId: string; created: string }> | undefined;
function prepare(env: Env) {
  fixtures ??= (async () => {
    await newCalendar(env, 'a11y', 'Asia/Muscat');
    const eventId = await newEvent(env, {
      calendar: 'a11y',
      title: { ar: 'ندوة المياه', en: 'Water seminar', zh: '水资源研讨会' },
      tags: ['water'],
      status: 'tentative',
      schedule: { type: 'timed', start: '2027-01-12T22:00', end: '2027-01-14T10:00', timeZone: 'Asia/Muscat' },
      location: { name: { ar: 'قاعة البلدية', en: 'Town hall' }, city: 'Salalah', country: 'OM' },
      participants: [{ name: 'Lin Songtian (林松添)', organization: 'CPAFFC', role: 'chair', status: 'accepted' }],
    });
    await env.t.call('PATCH', `/events/${eventId}`, { body: { title: { en: 'Water seminar (2nd)' } } });
    // A weekly series with one occurrence moved: its rows, its occurrence page and its editors are checked too.
    const seriesId = await newEvent(env, {
      calendar: 'a11y',
      title: { ar: 'اجتماع التنسيق', en: 'Coordination call', zh: '协调会' },
      schedule: { type: 'timed', start: '2027-01-04T09:00', end: '2027-01-04T10:00', timeZone: 'Asia/Muscat', recurrence: { rule: 'FREQ=WEEKLY;COUNT=8' } },
    });
    await env.t.call('PATCH', `/events/${seriesId}/occurrences/2027-01-11T09:00`, { body: { title: { en: 'Coordination call (moved)' }, schedule: { start: '2027-01-12T09:00', end: '2027-01-12T10:00' } } });
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    const hook = await env.t.call('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['*'] } });
    delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    const created = (await env.t.call('GET', `/events/${eventId}`)).body.createdAt as string;
    return { eventId, seriesId, webhookId: hook.body.id as string, created };
  })();
  return fixtures;
}

describe('accessibility', () => {
  for (const lang of ['ar', 'en', 'zh']) {
    for (const [width, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      it(`has no axe violations on any view in ${lang} at ${width} width`, async () => {
        const { eventId, seriesId, webhookId, created } = await prepare(env);
        const views: [string, string, boolean][] = [
          ['month', '#/c/a11y?view=month&date=2027-01-01', false],
          ['month-ato', '#/c/ato?view=month&date=2026-07-01', false],
          ['week', '#/c/a11y?view=week&date=2027-01-12', false],
          ['agenda', '#/c/ato?view=agenda&date=2026-06-01', false],
          ['search', '#/c/ato?view=agenda&q=forum', false],
          ['search-refused', `#/c/ato?view=agenda&q=${'x'.repeat(101)}`, false],
          ['event', `#/e/${eventId}`, false],
          ['event-as-of', `#/e/${eventId}?asOf=${dayIn('Asia/Muscat', created)}`, false],
          ['event-editor', `#/e/${eventId}`, true],
          ['edit', `#/edit/${eventId}`, true],
          ['new', '#/new?calendar=a11y', true],
          ['occurrence', `#/e/${seriesId}?occurrence=2027-01-11T09:00:00`, true],
          ['edit-series', `#/edit/${seriesId}`, true],
          ['edit-occurrence', `#/edit/${seriesId}?occurrence=2027-01-18T09:00:00`, true],
          ['webhooks', '#/webhooks', true],
          ['webhook', `#/w/${webhookId}`, true],
          ['embed-month', 'embed/a11y?view=month', false],
          ['embed-agenda', 'embed/ato?view=agenda', false],
        ];
        const found: Record<string, Violation[]> = {};
        const page = await open(env, '', { lang, viewport });
        for (const [name, path, signedIn] of views) {
          await page.evaluate(signedIn ? `sessionStorage.setItem('taqweem.key', ${JSON.stringify(env.t.adminKey)})` : "sessionStorage.removeItem('taqweem.key')");
          await page.goto('about:blank');
          await page.goto(`${env.t.runtime.url}/${path}`);
          await page.waitForSelector('main h1');
          await page.waitForFunction('!document.querySelector("main[aria-busy]")');
          if (name === 'month') await page.click('#sign-in');
          const violations = await axe(page);
          if (violations.length) found[name] = violations;
        }
        await page.context().close();
        expect(found).toEqual({});
      });
    }
  }

  for (const [lang, width, viewport] of [
    ['ar', 'phone', PHONE],
    ['en', 'desktop', DESKTOP],
  ] as const) {
    it(`has no axe violations with the "which events?" dialog open, in ${lang} at ${width} width`, async () => {
      const { seriesId } = await prepare(env);
      const page = await open(env, `#/edit/${seriesId}?occurrence=2027-01-25T09:00:00`, { lang, viewport, key: env.t.adminKey });
      await page.fill('#f-title-zh', '协调会（改）');
      await page.click('#save');
      await page.waitForSelector('#scope-dialog[open]');
      const violations = await axe(page);
      await page.context().close();
      expect(violations).toEqual([]);
    });
  }
});
