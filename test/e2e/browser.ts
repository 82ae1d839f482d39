/** Shared setup for the browser tests: the local runtime with the launch customer's data, and Debian's Chromium. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { repositoryRoot } from '../../infra/paths.ts';
import { seedIfEmpty } from '../../infra/local/seed.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

export const artifacts = join(repositoryRoot, 'test-artifacts');
// The page answers in milliseconds; the margin is for a CI machine busy with other test files.
export const POLL = { timeout: 15_000 };
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1200, height: 900 };

export interface Env {
  t: Awaited<ReturnType<typeof startTestRuntime>>;
  browser: Browser;
}

/** Starts the runtime and the browser for one test file; `env.t` and `env.browser` are set before the first test. */
export function useBrowser(): Env {
  const env = {} as Env;
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    env.t = await startTestRuntime();
    await seedIfEmpty(env.t.runtime);
    env.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.t?.close();
  });
  return env;
}

export interface OpenOptions {
  lang: string;
  key?: string;
  viewport?: { width: number; height: number };
  zone?: string;
  /** The viewer's time zone, as the browser reports it (never the test machine's). */
  timezoneId?: string;
}

export async function open(env: Env, path: string, options: OpenOptions): Promise<Page> {
  const context = await env.browser.newContext({
    locale: options.lang === 'ar' ? 'ar' : options.lang === 'zh' ? 'zh-CN' : 'en-US',
    timezoneId: options.timezoneId ?? 'Europe/Berlin',
    viewport: options.viewport ?? DESKTOP,
    hasTouch: options.viewport === PHONE,
    isMobile: options.viewport === PHONE,
  });
  // A script string: it runs in the page, where localStorage exists.
  const init = [
    `localStorage.setItem('taqweem.lang', ${JSON.stringify(options.lang)});`,
    options.key ? `sessionStorage.setItem('taqweem.key', ${JSON.stringify(options.key)});` : '',
    options.zone ? `localStorage.setItem('taqweem.zone', ${JSON.stringify(options.zone)});` : '',
  ].join('');
  await context.addInitScript(`if (!sessionStorage.getItem('taqweem.test-init')) { sessionStorage.setItem('taqweem.test-init', '1'); ${init} }`);
  const page = await context.newPage();
  await page.goto(`${env.t.runtime.url}/${path}`);
  return page;
}

/**
 * The date (YYYY-MM-DD) an instant falls on in `timeZone`: the page reads `asOf` days in the calendar's zone, so the
 * day an event was created is its creation's date there (in Kuwait, from 21:00 UTC on, the next UTC date).
 */
export const dayIn = (timeZone: string, instant: string): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

export const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

/** Creates a calendar of its own for a test, so no test depends on another's data. */
export async function newCalendar(env: Env, id: string, timeZone: string): Promise<void> {
  const reply = await env.t.call('PUT', `/calendars/${id}`, { body: { name: { en: `Test ${id}`, ar: `اختبار ${id}`, zh: `测试 ${id}` }, defaultLanguage: 'en', timeZone } });
  if (reply.status >= 300) throw new Error(`PUT /calendars/${id}: ${reply.status} ${reply.text}`);
}

export async function newEvent(env: Env, body: Record<string, unknown>): Promise<string> {
  const reply = await env.t.call('POST', '/events', { body });
  if (reply.status !== 201) throw new Error(`POST /events: ${reply.status} ${reply.text}`);
  return reply.body.id as string;
}
