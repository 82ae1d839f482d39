// Taqweem's page: no framework, no build step. Every text from the API goes into text nodes, never HTML.
const T = {
  en: { calendar: 'Calendar', month: 'Month', list: 'List', prev: 'Previous month', next: 'Next month', subscribe: 'Subscribe', google: 'Add to Google Calendar', webcal: 'Apple Calendar / Outlook', feedUrl: 'Feed URL', copy: 'Copy', copied: 'Copied', tentative: 'date to be confirmed', cancelled: 'cancelled', yourTime: 'Your time', noEvents: 'No events.', download: 'Download .ics', participants: 'Participants', history: 'History', asOf: 'As it stood on', show: 'Show', edit: 'Edit', cancel: 'Cancel event', invite: 'Invite', name: 'Name', email: 'E-mail', organization: 'Organization', newEvent: 'New event', save: 'Save', title: 'Title', description: 'Description', schedule: 'When', type: 'Type', timed: 'At a time', allDay: 'All day', monthOnly: 'Month only', start: 'Start', end: 'End', startDate: 'First day', endDate: 'Last day', timeZone: 'Time zone', location: 'Location', city: 'City', country: 'Country (ISO code)', kind: 'Kind', status: 'Status', visibility: 'Visibility', tags: 'Tags (comma-separated)', url: 'Link', webhooks: 'Webhooks', newWebhook: 'New webhook', types: 'Change types (comma-separated, or *)', calendars: 'Calendars (comma-separated, optional)', secretOnce: 'The signing secret. It is shown this once: store it now.', stored: 'I have stored it', deliveries: 'Deliveries', replay: 'Replay since', rotate: 'Rotate secret', test: 'Send test', keySet: 'Key in use', forget: 'Forget key', use: 'Use', apiKey: 'API key', needKey: 'Enter an API key to edit.', fixErrors: 'Please fix the marked fields.', retry: 'Retry', saved: 'Saved.', gregorian: 'Gregorian', hijri: 'Hijri' },
  ar: { calendar: 'التقويم', month: 'شهري', list: 'قائمة', prev: 'الشهر السابق', next: 'الشهر التالي', subscribe: 'الاشتراك', google: 'أضف إلى تقويم Google', webcal: 'تقويم Apple / Outlook', feedUrl: 'رابط الموجز', copy: 'نسخ', copied: 'نُسخ', tentative: 'التاريخ يُحدَّد لاحقاً', cancelled: 'ملغاة', yourTime: 'بتوقيتك', noEvents: 'لا توجد فعاليات.', download: 'تنزيل ‎.ics', participants: 'المشاركون', history: 'السجل', asOf: 'كما كانت في', show: 'عرض', edit: 'تعديل', cancel: 'إلغاء الفعالية', invite: 'دعوة', name: 'الاسم', email: 'البريد الإلكتروني', organization: 'الجهة', newEvent: 'فعالية جديدة', save: 'حفظ', title: 'العنوان', description: 'الوصف', schedule: 'الموعد', type: 'النوع', timed: 'في وقت محدد', allDay: 'طوال اليوم', monthOnly: 'الشهر فقط', start: 'البداية', end: 'النهاية', startDate: 'اليوم الأول', endDate: 'اليوم الأخير', timeZone: 'المنطقة الزمنية', location: 'المكان', city: 'المدينة', country: 'البلد (رمز ISO)', kind: 'الصنف', status: 'الحالة', visibility: 'الظهور', tags: 'الوسوم (مفصولة بفواصل)', url: 'الرابط', webhooks: 'الإشعارات (Webhooks)', newWebhook: 'اشتراك جديد', types: 'أنواع التغييرات (مفصولة بفواصل، أو *)', calendars: 'التقاويم (اختياري)', secretOnce: 'سرّ التوقيع. يظهر هذه المرة فقط: احفظه الآن.', stored: 'حفظته', deliveries: 'الإرسالات', replay: 'إعادة الإرسال منذ', rotate: 'تغيير السر', test: 'إرسال تجريبي', keySet: 'المفتاح مستخدم', forget: 'نسيان المفتاح', use: 'استخدام', apiKey: 'مفتاح API', needKey: 'أدخل مفتاح API للتعديل.', fixErrors: 'يرجى تصحيح الحقول المعلَّمة.', retry: 'إعادة', saved: 'حُفظ.', gregorian: 'ميلادي', hijri: 'هجري' },
  zh: { calendar: '日历', month: '月视图', list: '列表', prev: '上个月', next: '下个月', subscribe: '订阅', google: '添加到 Google 日历', webcal: 'Apple 日历 / Outlook', feedUrl: '订阅链接', copy: '复制', copied: '已复制', tentative: '日期待定', cancelled: '已取消', yourTime: '您的时间', noEvents: '没有活动。', download: '下载 .ics', participants: '参与者', history: '历史', asOf: '在此日期的状态', show: '显示', edit: '编辑', cancel: '取消活动', invite: '邀请', name: '姓名', email: '电子邮件', organization: '机构', newEvent: '新活动', save: '保存', title: '标题', description: '描述', schedule: '时间', type: '类型', timed: '具体时间', allDay: '全天', monthOnly: '仅月份', start: '开始', end: '结束', startDate: '第一天', endDate: '最后一天', timeZone: '时区', location: '地点', city: '城市', country: '国家（ISO 代码）', kind: '类别', status: '状态', visibility: '可见性', tags: '标签（逗号分隔）', url: '链接', webhooks: 'Webhooks', newWebhook: '新订阅', types: '变更类型（逗号分隔，或 *）', calendars: '日历（可选）', secretOnce: '签名密钥仅显示这一次：请立即保存。', stored: '我已保存', deliveries: '投递', replay: '重新发送自', rotate: '更换密钥', test: '发送测试', keySet: '正在使用密钥', forget: '忘记密钥', use: '使用', apiKey: 'API 密钥', needKey: '请输入 API 密钥以编辑。', fixErrors: '请修正标记的字段。', retry: '重试', saved: '已保存。', gregorian: '公历', hijri: '伊斯兰历' },
};
const LANGS = ['ar', 'en', 'zh'];
const state = { lang: localStorage.getItem('taqweem.lang') || (navigator.language || 'en').slice(0, 2), key: sessionStorage.getItem('taqweem.key') || '' };
if (!LANGS.includes(state.lang)) state.lang = 'en';
const t = (word) => T[state.lang][word] ?? T.en[word] ?? word;
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** el('a', {href}, 'text', child…): user data always lands in text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false || value === null) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  return node;
}

class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (state.key) headers.authorization = `Bearer ${state.key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text && /json/.test(response.headers.get('content-type') || '') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(typeof data === 'object' ? data : { title: String(response.status), detail: text });
  return data;
}

/** The text in the page's language, else the calendar's, else any. */
function pick(texts, fallback = 'en') {
  if (!texts) return '';
  return texts[state.lang] ?? texts[fallback] ?? texts.en ?? Object.values(texts)[0] ?? '';
}

// Wall time in a zone → instant, as the server computes it (the earlier instant when the clock is set back).
function instantOf(wall, zone) {
  const [date, time = '00:00'] = wall.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offset = (at) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)]));
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - at;
  };
  const candidates = [asUtc - offset(asUtc), asUtc - offset(asUtc - 864e5), asUtc - offset(asUtc + 864e5)];
  return Math.min(...candidates.filter((c) => c + offset(c) === asUtc));
}

const fmt = (options, zone, calendar) => new Intl.DateTimeFormat(`${state.lang}${calendar ? `-u-ca-${calendar}` : ''}`, { ...options, timeZone: zone });

function describeWhen(event) {
  const s = event.schedule;
  const lines = [];
  if (s.type === 'timed') {
    const start = instantOf(s.start, s.timeZone);
    const end = instantOf(s.end, s.timeZone);
    lines.push(`${fmt({ dateStyle: 'full', timeStyle: 'short' }, s.timeZone).formatRange(start, end)} (${s.timeZone})`);
    if (viewerZone !== s.timeZone) lines.push(`${t('yourTime')}: ${fmt({ dateStyle: 'medium', timeStyle: 'short' }, viewerZone).formatRange(start, end)} (${viewerZone})`);
    if (state.lang === 'ar') lines.push(`${t('hijri')}: ${fmt({ dateStyle: 'full' }, s.timeZone, 'islamic-umalqura').format(start)}`);
  } else if (s.type === 'allDay') {
    const start = Date.parse(`${s.startDate}T00:00:00Z`);
    const end = Date.parse(`${s.endDate}T00:00:00Z`);
    lines.push(fmt({ dateStyle: 'full' }, 'UTC').formatRange(start, end));
    if (state.lang === 'ar') lines.push(`${t('hijri')}: ${fmt({ dateStyle: 'long' }, 'UTC', 'islamic-umalqura').formatRange(start, end)}`);
  } else {
    const first = Date.parse(`${s.month}-15T00:00:00Z`);
    lines.push(`${fmt({ year: 'numeric', month: 'long' }, 'UTC').format(first)} — ${t('tentative')} (${s.timeZone})`);
  }
  return lines;
}

function badges(event) {
  return [
    event.schedule.type === 'month' || event.status === 'tentative' ? el('span', { class: 'badge tentative' }, event.schedule.type === 'month' ? t('tentative') : event.status) : null,
    event.status === 'cancelled' ? el('span', { class: 'badge cancelled' }, t('cancelled')) : null,
  ];
}

function eventItem(event, fallback) {
  return el(
    'li',
    { class: event.status === 'cancelled' ? 'cancelled' : '' },
    el('a', { class: 'title', href: `#/e/${event.id}` }, pick(event.title, fallback)),
    badges(event),
    ...describeWhen(event).map((line) => el('div', { class: 'when' }, line)),
  );
}

function subscribeBox(calendar) {
  const feed = new URL(`/feeds/${calendar.id}.ics?lang=${state.lang}`, location.href);
  const webcal = `webcal://${feed.host}${feed.pathname}${feed.search}`;
  const google = `https://calendar.google.com/calendar/render?cid=${encodeURIComponent(webcal)}`;
  const input = el('input', { id: 'feed-url', readonly: true, value: feed.href });
  const copy = el('button', { type: 'button', class: 'secondary', onclick: async () => {
    input.select();
    try { await navigator.clipboard.writeText(feed.href); } catch { document.execCommand?.('copy'); }
    copy.textContent = t('copied');
  } }, t('copy'));
  return el('section', { class: 'subscribe', 'aria-labelledby': 'subscribe-heading' },
    el('h2', { id: 'subscribe-heading' }, t('subscribe')),
    el('p', { class: 'toolbar' }, el('a', { class: 'button', id: 'subscribe-google', href: google, target: '_blank', rel: 'noopener' }, t('google')), el('a', { class: 'button secondary', id: 'subscribe-webcal', href: webcal }, t('webcal'))),
    el('p', {}, el('label', { for: 'feed-url' }, `${t('feedUrl')} `), input, ' ', copy));
}

function monthGrid(month, events, fallback) {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const dayNames = [...Array(7)].map((_, i) => fmt({ weekday: 'short' }, 'UTC').format(Date.UTC(2024, 0, 1 + i)));
  const cells = [...Array(lead)].map(() => el('td', { class: 'out' }));
  for (let day = 1; day <= days; day++) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    const at = Date.parse(`${date}T00:00:00Z`);
    const todays = events.filter((e) => (e.schedule.type === 'timed' ? e.schedule.start.slice(0, 10) === date : e.schedule.type === 'allDay' && e.schedule.startDate <= date && e.schedule.endDate >= date));
    cells.push(el('td', {},
      el('div', {}, el('time', { datetime: date }, fmt({ day: 'numeric' }, 'UTC').format(at)), state.lang === 'ar' ? el('small', {}, ` · ${fmt({ day: 'numeric', month: 'short' }, 'UTC', 'islamic-umalqura').format(at)}`) : null),
      ...todays.map((e) => el('div', { class: e.status === 'cancelled' ? 'cancelled' : '' }, el('a', { class: 'title', href: `#/e/${e.id}` }, pick(e.title, fallback)), badges(e)))));
  }
  while (cells.length % 7) cells.push(el('td', { class: 'out' }));
  const weeks = [...Array(cells.length / 7)].map((_, w) => el('tr', {}, cells.slice(w * 7, w * 7 + 7)));
  const monthOnly = events.filter((e) => e.schedule.type === 'month');
  return [
    monthOnly.length ? el('ul', { class: 'events', 'aria-label': t('tentative') }, monthOnly.map((e) => eventItem(e, fallback))) : null,
    el('table', { class: 'month' }, el('caption', { class: 'visually-hidden' }, fmt({ year: 'numeric', month: 'long' }, 'UTC').format(Date.parse(`${month}-15T00:00:00Z`))),
      el('thead', {}, el('tr', {}, dayNames.map((name) => el('th', { scope: 'col' }, name)))), el('tbody', {}, weeks)),
  ];
}

const shiftMonth = (month, by) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + by, 1)).toISOString().slice(0, 7);
};

async function calendarPage(id, params) {
  const calendar = await api('GET', `/calendars/${id}`);
  const month = params.get('month') || new Date().toISOString().slice(0, 7);
  const view = params.get('view') || 'month';
  const from = `${month}-01T00:00:00Z`;
  const to = view === 'month' ? `${shiftMonth(month, 1)}-01T00:00:00Z` : undefined;
  const events = (await api('GET', `/events?calendar=${id}&from=${from}${to ? `&to=${to}` : ''}&limit=200`)).items;
  const link = (changes) => `#/c/${id}?${new URLSearchParams({ view, month, ...changes })}`;
  return [
    el('h1', {}, pick(calendar.name, calendar.defaultLanguage)),
    subscribeBox(calendar),
    el('p', { class: 'toolbar' },
      el('a', { class: 'button secondary', href: link({ month: shiftMonth(month, -1) }), 'aria-label': t('prev') }, '‹'),
      el('strong', { id: 'month-label' }, fmt({ year: 'numeric', month: 'long' }, 'UTC').format(Date.parse(`${month}-15T00:00:00Z`))),
      el('a', { class: 'button secondary', href: link({ month: shiftMonth(month, 1) }), 'aria-label': t('next') }, '›'),
      el('a', { class: `button${view === 'month' ? '' : ' secondary'}`, href: link({ view: 'month' }), 'aria-current': view === 'month' ? 'page' : undefined }, t('month')),
      el('a', { class: `button${view === 'list' ? '' : ' secondary'}`, href: link({ view: 'list' }), 'aria-current': view === 'list' ? 'page' : undefined }, t('list')),
      state.key ? el('a', { class: 'button', href: `#/new?calendar=${id}` }, t('newEvent')) : null),
    view === 'month' ? monthGrid(month, events, calendar.defaultLanguage) : events.length ? el('ul', { class: 'events' }, events.map((e) => eventItem(e, calendar.defaultLanguage))) : el('p', {}, t('noEvents')),
  ];
}

async function eventPage(id, params) {
  const asOf = params.get('asOf');
  const event = await api('GET', `/events/${id}${asOf ? `?asOf=${asOf}T23:59:59Z` : ''}`);
  const history = (await api('GET', `/events/${id}/history?limit=200`)).items;
  const participants = event.participants.map((p) => el('li', {}, p.name, p.organization ? ` — ${p.organization}` : '', p.email ? ` <${p.email}>` : '', ` (${p.role}, ${p.status})`));
  const asOfForm = el('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); location.hash = `#/e/${id}?asOf=${e.target.elements.asOf.value}`; } },
    el('label', { for: 'asOf' }, t('asOf')), el('input', { id: 'asOf', name: 'asOf', type: 'date', required: true, value: asOf || '' }), el('button', { type: 'submit' }, t('show')));
  return [
    el('h1', { class: event.status === 'cancelled' ? 'cancelled' : '' }, el('span', { class: 'title' }, pick(event.title)), badges(event)),
    ...describeWhen(event).map((line) => el('p', { class: 'when' }, line)),
    event.description ? el('p', {}, pick(event.description)) : null,
    event.location ? el('p', {}, [pick(event.location.name), event.location.city, event.location.country].filter(Boolean).join(', ')) : null,
    el('p', { class: 'toolbar' }, el('a', { class: 'button secondary', id: 'download-ics', href: `/events/${id}.ics?lang=${state.lang}`, download: `${id}.ics` }, t('download')),
      state.key && event.status !== 'cancelled' ? el('a', { class: 'button', href: `#/edit/${id}` }, t('edit')) : null,
      state.key && event.status !== 'cancelled' ? el('button', { type: 'button', class: 'secondary', onclick: async () => { if (!confirm(`${t('cancel')}?`)) return; await api('POST', `/events/${id}/cancel`, {}); render(); } }, t('cancel')) : null),
    el('h2', {}, t('participants')), el('ul', {}, participants),
    state.key && event.status !== 'cancelled' ? inviteForm(id) : null,
    el('h2', {}, t('history')), asOfForm,
    el('ol', { id: 'history' }, history.map((c) => el('li', {}, el('code', {}, c.type), ` v${c.version} — ${fmt({ dateStyle: 'medium', timeStyle: 'short' }, viewerZone).format(Date.parse(c.at))} — ${c.actor}`))),
  ];
}

function inviteForm(eventId) {
  return el('form', { id: 'invite', onsubmit: (e) => submit(e, (values) => api('POST', `/events/${eventId}/participants`, values), () => render()) },
    el('fieldset', {}, el('legend', {}, t('invite')), field('name', t('name'), el('input', { name: 'name', required: true })), field('email', t('email'), el('input', { name: 'email', type: 'email' })),
      field('organization', t('organization'), el('input', { name: 'organization' })), el('p', { class: 'form-error', role: 'alert' }), el('button', { type: 'submit' }, t('invite'))));
}

/** A labelled control with an error slot that the API's field name finds. */
function field(name, label, control) {
  const id = `f-${name.replaceAll('.', '-')}`;
  control.id = id;
  control.dataset.field = name;
  control.setAttribute('aria-describedby', `${id}-error`);
  return el('div', { class: 'field' }, el('label', { for: id }, label), control, el('p', { class: 'error', id: `${id}-error`, 'data-error-for': name }));
}

const formValues = (form) => Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== '').map(([k, v]) => [k, v.trim()]));

/** Sends a form; a problem's field errors appear next to their fields, the rest above the button. */
async function submit(e, send, done) {
  e.preventDefault();
  const form = e.target;
  for (const slot of form.querySelectorAll('.error, .form-error')) slot.textContent = '';
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  try {
    done(await send(formValues(form)));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const unplaced = [];
    for (const { field: name, message } of error.problem.errors ?? []) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`) ?? form.querySelector(`[data-error-for^="${CSS.escape(name)}."]`);
      if (slot) {
        slot.textContent = message;
        form.querySelector(`#${CSS.escape(slot.id.replace(/-error$/, ''))}`)?.setAttribute('aria-invalid', 'true');
      } else unplaced.push(`${name}: ${message}`);
    }
    form.querySelector('.form-error').textContent = unplaced.length ? unplaced.join(' · ') : error.problem.errors ? t('fixErrors') : error.message;
    form.querySelector('[aria-invalid="true"]')?.focus();
  }
}

const localized = (values, prefix) => Object.fromEntries(LANGS.map((l) => [l, values[`${prefix}.${l}`] ?? null]));
const compact = (map) => Object.fromEntries(Object.entries(map).filter(([, v]) => v !== null));

function eventBody(values, editing) {
  const type = values['schedule.type'];
  const schedule = type === 'timed' ? { type, start: values['schedule.start'], end: values['schedule.end'], timeZone: values['schedule.timeZone'] }
    : type === 'allDay' ? { type, startDate: values['schedule.startDate'], endDate: values['schedule.endDate'] }
    : { type, month: values['schedule.month'], timeZone: values['schedule.timeZone'] };
  const location = compact({ city: values['location.city'] ?? null, country: values['location.country'] ?? null });
  const description = localized(values, 'description');
  const body = {
    title: editing ? localized(values, 'title') : compact(localized(values, 'title')),
    description: editing ? description : compact(description),
    schedule: Object.fromEntries(Object.entries(schedule).filter(([, v]) => v !== undefined)),
    location: Object.keys(location).length ? location : editing ? null : undefined,
    kind: values.kind, status: values.status, visibility: values.visibility,
    tags: values.tags ? values.tags.split(',').map((s) => s.trim()).filter(Boolean) : editing ? [] : undefined,
    url: values.url ?? (editing ? null : undefined),
  };
  if (!editing) body.calendar = values.calendar;
  if (editing && Object.values(body.description).every((v) => v === null)) body.description = null;
  return body;
}

async function eventForm(id, params) {
  if (!state.key) return el('p', {}, t('needKey'));
  const event = id ? await api('GET', `/events/${id}`) : undefined;
  const s = event?.schedule ?? { type: 'timed', timeZone: 'Asia/Kuwait' };
  const options = (name, values, current) => el('select', { name }, values.map(([value, label]) => el('option', { value, selected: value === current }, label)));
  const typeSelect = options('schedule.type', [['timed', t('timed')], ['allDay', t('allDay')], ['month', t('monthOnly')]], s.type);
  // Only the inputs of the chosen schedule type are shown.
  const scheduleInputs = { timed: ['start', 'end', 'timeZone'], allDay: ['startDate', 'endDate'], month: ['month', 'timeZone'] };
  const showScheduleInputs = () => {
    for (const name of ['start', 'end', 'startDate', 'endDate', 'month', 'timeZone']) {
      const wrapper = form.querySelector(`#f-schedule-${name}`)?.parentElement;
      if (wrapper) wrapper.hidden = !scheduleInputs[typeSelect.value].includes(name);
    }
  };
  typeSelect.addEventListener('change', showScheduleInputs);
  const form = el('form', { id: 'event-form', novalidate: true, onsubmit: (e) => submit(e, (values) => api(id ? 'PATCH' : 'POST', id ? `/events/${id}` : '/events', eventBody(values, !!id)), (saved) => { location.hash = `#/e/${saved.id}`; }) },
    el('h1', {}, id ? `${t('edit')}: ${pick(event.title)}` : t('newEvent')),
    id ? null : el('input', { type: 'hidden', name: 'calendar', value: params.get('calendar') || 'ato' }),
    el('fieldset', {}, el('legend', {}, t('title')), el('div', { class: 'grid' }, LANGS.map((l) => field(`title.${l}`, `${t('title')} (${l})`, el('input', { name: `title.${l}`, lang: l, dir: l === 'ar' ? 'rtl' : 'ltr', value: event?.title?.[l] ?? '' }))))),
    el('fieldset', {}, el('legend', {}, t('description')), el('div', { class: 'grid' }, LANGS.map((l) => field(`description.${l}`, `${t('description')} (${l})`, el('textarea', { name: `description.${l}`, lang: l, dir: l === 'ar' ? 'rtl' : 'ltr', rows: 3 }, event?.description?.[l] ?? ''))))),
    el('fieldset', {}, el('legend', {}, t('schedule')), field('schedule.type', t('type'), typeSelect),
      el('div', { class: 'grid' },
        field('schedule.start', t('start'), el('input', { name: 'schedule.start', type: 'datetime-local', value: s.start ?? '' })),
        field('schedule.end', t('end'), el('input', { name: 'schedule.end', type: 'datetime-local', value: s.end ?? '' })),
        field('schedule.startDate', t('startDate'), el('input', { name: 'schedule.startDate', type: 'date', value: s.startDate ?? '' })),
        field('schedule.endDate', t('endDate'), el('input', { name: 'schedule.endDate', type: 'date', value: s.endDate ?? '' })),
        field('schedule.month', t('month'), el('input', { name: 'schedule.month', type: 'month', value: s.month ?? '' })),
        field('schedule.timeZone', t('timeZone'), el('input', { name: 'schedule.timeZone', value: s.timeZone ?? '', list: 'zones' })))),
    el('datalist', { id: 'zones' }, ['Asia/Kuwait', 'Asia/Muscat', 'Asia/Shanghai', 'UTC'].map((z) => el('option', { value: z }))),
    el('fieldset', {}, el('legend', {}, t('location')), el('div', { class: 'grid' },
      field('location.city', t('city'), el('input', { name: 'location.city', value: event?.location?.city ?? '' })),
      field('location.country', t('country'), el('input', { name: 'location.country', value: event?.location?.country ?? '', maxlength: 2 })))),
    el('div', { class: 'grid' },
      field('kind', t('kind'), options('kind', ['meeting', 'forum', 'conference', 'other'].map((k) => [k, k]), event?.kind ?? 'meeting')),
      field('status', t('status'), options('status', [['tentative', 'tentative'], ['confirmed', 'confirmed']], event?.status ?? 'confirmed')),
      field('visibility', t('visibility'), options('visibility', [['public', 'public'], ['private', 'private']], event?.visibility ?? 'public')),
      field('tags', t('tags'), el('input', { name: 'tags', value: (event?.tags ?? []).join(', ') })),
      field('url', t('url'), el('input', { name: 'url', type: 'url', value: event?.url ?? '' }))),
    el('p', { class: 'form-error', role: 'alert' }),
    el('button', { type: 'submit' }, t('save')));
  showScheduleInputs();
  return form;
}

function secretNotice(secret) {
  const box = el('div', { class: 'secret', role: 'alert' }, el('p', {}, t('secretOnce')), el('code', { id: 'secret' }, secret),
    el('button', { type: 'button', onclick: () => box.remove() }, t('stored')));
  return box;
}

async function webhooksPage() {
  if (!state.key) return el('p', {}, t('needKey'));
  const hooks = (await api('GET', '/webhooks?limit=200')).items;
  const notice = el('div');
  const form = el('form', { id: 'webhook-form', onsubmit: (e) => submit(e, (v) => api('POST', '/webhooks', { url: v.url, types: (v.types || '*').split(',').map((s) => s.trim()), ...(v.calendars ? { calendars: v.calendars.split(',').map((s) => s.trim()) } : {}) }), async (created) => {
    await render();
    document.querySelector('main').prepend(secretNotice(created.secret));
  }) }, el('fieldset', {}, el('legend', {}, t('newWebhook')), field('url', t('url'), el('input', { name: 'url', type: 'url', required: true })), field('types', t('types'), el('input', { name: 'types', value: '*' })),
    field('calendars', t('calendars'), el('input', { name: 'calendars' })), el('p', { class: 'form-error', role: 'alert' }), el('button', { type: 'submit' }, t('save'))));
  return [el('h1', {}, t('webhooks')), notice, el('ul', { class: 'events' }, hooks.map((h) => el('li', {}, el('a', { href: `#/w/${h.id}` }, h.url), h.disabled ? el('span', { class: 'badge cancelled' }, h.disabledReason || 'disabled') : null, el('div', { class: 'when' }, h.types.join(', '))))), form];
}

async function webhookPage(id) {
  const hook = await api('GET', `/webhooks/${id}`);
  const deliveries = (await api('GET', `/webhooks/${id}/deliveries?limit=100`)).items;
  const out = el('div');
  const rows = deliveries.flatMap((d) => [el('tr', {}, el('td', {}, el('code', {}, d.id)), el('td', {}, d.type), el('td', {}, d.status), el('td', {}, d.attempts.map((a) => el('div', {}, `${a.at} — ${a.statusCode ?? a.error} — ${a.durationMs} ms`))),
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: async () => { await api('POST', `/webhooks/${id}/deliveries/${d.id}/retry`); render(); } }, t('retry'))))]);
  return [
    el('h1', {}, hook.url), out,
    el('p', { class: 'toolbar' },
      el('button', { type: 'button', onclick: async () => { const r = await api('POST', `/webhooks/${id}/test`); out.replaceChildren(el('p', {}, JSON.stringify(r.outcome))); } }, t('test')),
      el('button', { type: 'button', class: 'secondary', onclick: async () => { const r = await api('POST', `/webhooks/${id}/rotate-secret`); out.replaceChildren(secretNotice(r.secret)); } }, t('rotate'))),
    el('form', { class: 'toolbar', onsubmit: (e) => submit(e, (v) => api('POST', `/webhooks/${id}/replay`, { since: `${v.since}:00Z` }), (r) => { out.replaceChildren(el('p', {}, JSON.stringify(r))); }) },
      field('since', `${t('replay')} (UTC)`, el('input', { name: 'since', type: 'datetime-local', required: true })), el('p', { class: 'form-error', role: 'alert' }), el('button', { type: 'submit' }, t('replay'))),
    el('h2', {}, t('deliveries')),
    el('table', {}, el('thead', {}, el('tr', {}, ['id', t('type'), t('status'), 'attempts', ''].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows)),
  ];
}

const routes = [
  [/^#\/e\/([^/?]+)/, eventPage],
  [/^#\/edit\/([^/?]+)/, eventForm],
  [/^#\/new/, () => eventForm(undefined, new URLSearchParams(location.hash.split('?')[1]))],
  [/^#\/w\/([^/?]+)/, webhookPage],
  [/^#\/webhooks/, webhooksPage],
  [/^#\/c\/([^/?]+)/, calendarPage],
];

async function render() {
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === 'ar' ? 'rtl' : 'ltr';
  document.getElementById('lang').value = state.lang;
  document.getElementById('key-label').textContent = state.key ? t('keySet') : t('apiKey');
  document.getElementById('key').hidden = !!state.key;
  document.getElementById('key-use').hidden = !!state.key;
  document.getElementById('key-use').textContent = t('use');
  document.getElementById('key-forget').hidden = !state.key;
  document.getElementById('key-forget').textContent = t('forget');
  const main = document.getElementById('main');
  const hash = location.hash || '#/c/ato';
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const [pattern, page] = routes.find(([p]) => p.test(hash)) ?? [/^#\/c\/(ato)/, calendarPage];
  try {
    const content = await page((pattern.exec(hash) ?? [])[1] ?? 'ato', params);
    const nav = el('p', { class: 'toolbar' }, el('a', { href: '#/c/ato' }, t('calendar')), state.key ? el('a', { href: '#/webhooks' }, t('webhooks')) : null);
    main.replaceChildren(nav, ...[content].flat(2).filter(Boolean));
  } catch (error) {
    main.replaceChildren(el('p', { class: 'form-error', role: 'alert' }, error.message));
  }
}

document.getElementById('lang').addEventListener('change', (e) => { state.lang = e.target.value; localStorage.setItem('taqweem.lang', state.lang); render(); });
document.getElementById('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('key');
  state.key = input.value.trim();
  input.value = '';
  sessionStorage.setItem('taqweem.key', state.key);
  render();
});
document.getElementById('key-forget').addEventListener('click', () => { state.key = ''; sessionStorage.removeItem('taqweem.key'); render(); });
addEventListener('hashchange', render);
render();
