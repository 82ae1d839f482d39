/**
 * The launch customer's demo data: the Arab Towns Organization's calendar and the four events of its article
 * (see ../shared/seed/facts.md at the time of writing). Only what the article says, at the precision it says it;
 * every assumption is named in the event's description. Recorded through the API, like any editor's input.
 */
import type { Runtime } from './runtime.ts';

const TRANSLATION_NOTE = 'The English and Chinese wording is our translation of the Arabic article.';

const SECRETARY_GENERAL = { name: 'Badr Wael Badr Al-Ajeel Al-Askar (بدر وائل بدر العجيل العسكر)', organization: 'Arab Towns Organization', role: 'chair' } as const;

export const seedCalendar = {
  id: 'ato',
  body: {
    name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization', zh: '阿拉伯城市组织' },
    description: {
      ar: 'فعاليات منظمة المدن العربية وشركائها.',
      en: 'Events of the Arab Towns Organization and its partners.',
      zh: '阿拉伯城市组织及其合作伙伴的活动。',
    },
    defaultLanguage: 'ar',
    timeZone: 'Asia/Kuwait',
  },
};

export const seedEvents = [
  {
    calendar: 'ato',
    kind: 'meeting',
    status: 'confirmed',
    title: {
      ar: 'اجتماع تنظيمي موسع للأمين العام لمنظمة المدن العربية مع جمعية الصداقة الصينية مع البلدان الأجنبية',
      en: "Expanded organizational meeting of the ATO Secretary-General with the Chinese People's Association for Friendship with Foreign Countries",
      zh: '阿拉伯城市组织秘书长与中国人民对外友好协会扩大组织会议',
    },
    description: {
      ar: 'اجتماع في بكين للتحضير للمنتدى العربي–الصيني للمدن، بحضور رئيس بلدية ظفار والوفد المرافق، وانضم إليه لاحقاً رئيس الجمعية. لم يذكر الخبر تاريخ الاجتماع؛ شهر يونيو 2026 افتراض (عُقد قبل المنتدى في يوليو 2026).',
      en: `Meeting in Beijing to prepare the Arab–Chinese Cities Forum, attended by the Chairman of Dhofar Municipality and his delegation; CPAFFC President Lin Songtian joined later. The article gives no date: it took place in 2026 before the forum (July 2026), and the month shown, June 2026, is an assumption. ${TRANSLATION_NOTE}`,
      zh: '在北京举行的会议，筹备中阿城市论坛；佐法尔市政局主席及代表团出席，协会会长林松添随后加入。原文未给出日期：会议在2026年论坛（7月）之前举行，所示月份（2026年6月）为推测。',
    },
    schedule: { type: 'month', month: '2026-06', timeZone: 'Asia/Shanghai' },
    location: { name: { ar: 'بكين', en: 'Beijing', zh: '北京' }, city: 'Beijing', country: 'CN' },
    organizer: { name: 'Arab Towns Organization' },
    tags: ['cpaffc', 'dhofar', 'arab-chinese-cities-forum'],
    participants: [
      { ...SECRETARY_GENERAL, status: 'accepted' },
      { name: 'Dr. Ahmed bin Mohsen Al-Ghassani (الدكتور أحمد بن محسن الغساني)', organization: 'Dhofar Municipality', role: 'required', status: 'accepted' },
      { name: 'Lin Songtian (林松添)', organization: "Chinese People's Association for Friendship with Foreign Countries", role: 'required', status: 'accepted' },
    ],
  },
  {
    calendar: 'ato',
    kind: 'forum',
    status: 'tentative',
    title: { ar: 'المنتدى العربي–الصيني للمدن', en: 'Arab–Chinese Cities Forum', zh: '中阿城市论坛' },
    description: {
      ar: 'تستضيفه مدينة ظفار، سلطنة عُمان، خلال شهر يوليو 2026؛ لم يُحدد اليوم بعد.',
      en: `Hosted by Dhofar, Sultanate of Oman, in July 2026; the day is not fixed yet. ${TRANSLATION_NOTE}`,
      zh: '由阿曼苏丹国佐法尔主办，时间为2026年7月，具体日期待定。',
    },
    schedule: { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' },
    location: { name: { ar: 'ظفار', en: 'Dhofar', zh: '佐法尔' }, city: 'Dhofar', country: 'OM' },
    organizer: { name: 'Dhofar Municipality' },
    tags: ['arab-chinese-cities-forum', 'dhofar'],
  },
  {
    calendar: 'ato',
    kind: 'conference',
    status: 'tentative',
    title: { ar: 'مؤتمر المدن الصديقة الدولية الصينية', en: 'China International Friendship Cities Conference (CIFCC)', zh: '中国国际友好城市大会' },
    description: {
      ar: 'في شهر أكتوبر 2026؛ لم يذكر الخبر اليوم ولا المدينة. ستوجَّه دعوة رسمية إلى الأمين العام. المنطقة الزمنية (شنغهاي) والبلد (الصين) افتراض.',
      en: `October 2026; the article gives neither the day nor the city. An official invitation will be sent to the ATO Secretary-General. The time zone (Asia/Shanghai) and country (China) are assumptions from the organizer. ${TRANSLATION_NOTE}`,
      zh: '2026年10月；原文未给出具体日期和城市。将向阿拉伯城市组织秘书长发出正式邀请。时区（上海）和国家（中国）为推测。',
    },
    schedule: { type: 'month', month: '2026-10', timeZone: 'Asia/Shanghai' },
    location: { country: 'CN' },
    organizer: { name: "Chinese People's Association for Friendship with Foreign Countries" },
    tags: ['cpaffc', 'cifcc'],
    participants: [{ ...SECRETARY_GENERAL, role: 'required', status: 'invited' }],
  },
  {
    calendar: 'ato',
    kind: 'forum',
    status: 'tentative',
    title: { ar: 'منتدى عمداء المدن العالمي', en: "Global Mayors' Forum (GMF)", zh: '全球市长论坛' },
    description: {
      ar: 'في شهر ديسمبر 2026؛ لم يذكر الخبر اليوم ولا المكان. ستوجَّه دعوة رسمية إلى الأمين العام. المنطقة الزمنية (شنغهاي) افتراض.',
      en: `December 2026; the article gives neither the day nor the place. An official invitation will be sent to the ATO Secretary-General. The time zone (Asia/Shanghai) is an assumption from the organizer. ${TRANSLATION_NOTE}`,
      zh: '2026年12月；原文未给出具体日期和地点。将向阿拉伯城市组织秘书长发出正式邀请。时区（上海）为推测。',
    },
    schedule: { type: 'month', month: '2026-12', timeZone: 'Asia/Shanghai' },
    organizer: { name: "Chinese People's Association for Friendship with Foreign Countries" },
    tags: ['cpaffc', 'gmf'],
    participants: [{ ...SECRETARY_GENERAL, role: 'required', status: 'invited' }],
  },
];

/** Loads the demo data when the store has no calendar yet; returns how many events it recorded. */
export async function seedIfEmpty(runtime: Runtime): Promise<number> {
  const calendars = await runtime.invoke('GET', '/calendars?limit=1');
  if ((calendars.body as { items: unknown[] }).items.length > 0) return 0;
  const calendar = await runtime.invoke('PUT', `/calendars/${seedCalendar.id}`, { body: seedCalendar.body });
  if (calendar.status !== 201) throw new Error(`seeding the calendar failed: ${JSON.stringify(calendar.body)}`);
  for (const [i, event] of seedEvents.entries()) {
    // The idempotency key makes a seed interrupted half-way safe to run again.
    const created = await runtime.invoke('POST', '/events', { body: event, headers: { 'idempotency-key': `seed-${i}` } });
    if (created.status !== 201) throw new Error(`seeding event ${i} failed: ${JSON.stringify(created.body)}`);
  }
  return seedEvents.length;
}
