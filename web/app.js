// Taqweem's page: no framework, no build step. Every text from the API goes into text nodes, never HTML.
// Every word the page shows, as [English, Arabic, Chinese]: a missing translation is a visible gap in one row.
const WORDS = {
  skip: ['Skip to content', 'تخطَّ إلى المحتوى', '跳到内容'],
  language: ['Language', 'اللغة', '语言'],
  site: ['Taqweem', 'تقويم', 'Taqweem'],
  loading: ['Loading…', 'جارٍ التحميل…', '加载中…'],
  calendar: ['Calendar', 'التقويم', '日历'],
  month: ['Month', 'شهر', '月'],
  week: ['Week', 'أسبوع', '周'],
  agenda: ['Agenda', 'جدول الأعمال', '日程'],
  today: ['Today', 'اليوم', '今天'],
  prevMonth: ['Previous month', 'الشهر السابق', '上个月'],
  nextMonth: ['Next month', 'الشهر التالي', '下个月'],
  prevWeek: ['Previous week', 'الأسبوع السابق', '上一周'],
  nextWeek: ['Next week', 'الأسبوع التالي', '下一周'],
  views: ['Views', 'طرق العرض', '视图'],
  sections: ['Sections', 'الأقسام', '栏目'],
  calendarNav: ['Move through the calendar', 'التنقل في التقويم', '日历导航'],
  zone: ['Time zone', 'المنطقة الزمنية', '时区'],
  zoneCalendar: ["{zone} (the calendar's)", '{zone} (منطقة التقويم)', '{zone}（日历时区）'],
  zoneDevice: ['{zone} (this device)', '{zone} (هذا الجهاز)', '{zone}（本设备）'],
  timesIn: ['Times in {zone}', 'الأوقات بتوقيت {zone}', '时间按 {zone}'],
  clock: ['Clock', 'الساعة', '时钟'],
  clockAuto: ['As the language does', 'حسب اللغة', '按语言习惯'],
  h24: ['24-hour', '24 ساعة', '24 小时制'],
  h12: ['12-hour', '12 ساعة', '12 小时制'],
  apply: ['Apply', 'تطبيق', '应用'],
  search: ['Search titles', 'البحث في العناوين', '搜索标题'],
  searchGo: ['Search', 'بحث', '搜索'],
  results: ['Titles matching “{q}”', 'العناوين المطابقة لـ «{q}»', '标题包含“{q}”的活动'],
  clearSearch: ['Clear search', 'مسح البحث', '清除搜索'],
  searchFurther: ['No matching titles so far. “More” searches further on.', 'لا عناوين مطابقة حتى الآن. «المزيد» يبحث فيما بعد.', '目前没有匹配的标题。“更多”会继续往后搜索。'],
  searchProblem: ['Search: {problem}', 'البحث: {problem}', '搜索：{problem}'],
  upcoming: ['Upcoming from {date}', 'القادمة ابتداءً من {date}', '{date} 起的活动'],
  more: ['More', 'المزيد', '更多'],
  moreN: ['+{n} more', '+{n} أخرى', '另有 {n} 项'],
  noEvents: ['No events.', 'لا توجد فعاليات.', '没有活动。'],
  noMore: ['No more events.', 'لا مزيد من الفعاليات.', '没有更多活动。'],
  monthOnlyList: ['This month, day to be confirmed', 'هذا الشهر، واليوم يُحدَّد لاحقاً', '本月，日期待定'],
  allDayShort: ['all day', 'طوال اليوم', '全天'],
  continues: ['continued', 'متواصلة', '续'],
  subscribe: ['Subscribe', 'الاشتراك', '订阅'],
  subscribeIntro: ['Follow this calendar in your own calendar app; it updates itself.', 'تابع هذا التقويم في تطبيق التقويم لديك؛ يتحدّث تلقائياً.', '在您的日历应用中关注此日历，它会自动更新。'],
  google: ['Google Calendar', 'تقويم Google', 'Google 日历'],
  apple: ['Apple Calendar (webcal)', 'تقويم Apple ‏(webcal)', 'Apple 日历（webcal）'],
  outlookCom: ['Outlook.com', 'Outlook.com', 'Outlook.com'],
  m365: ['Microsoft 365', 'Microsoft 365', 'Microsoft 365'],
  feedUrl: ['Feed URL', 'رابط الموجز', '订阅链接'],
  copy: ['Copy', 'نسخ', '复制'],
  copied: ['Copied', 'نُسخ', '已复制'],
  onlyTags: ['Only these tags (comma-separated, optional)', 'هذه الوسوم فقط (مفصولة بفواصل، اختياري)', '仅这些标签（逗号分隔，可选）'],
  hideTentative: ['Leave out events whose date is not confirmed', 'استبعاد الفعاليات غير المؤكدة الموعد', '不含日期未确定的活动'],
  embed: ['Put this calendar on your site', 'ضع هذا التقويم في موقعك', '将此日历嵌入您的网站'],
  embedCode: ['HTML to paste into your page', 'شيفرة HTML للصقها في صفحتك', '粘贴到网页中的 HTML'],
  embedTitle: ['Calendar: {name}', 'تقويم: {name}', '日历：{name}'],
  openFull: ['Open in Taqweem', 'افتح في تقويم', '在 Taqweem 中打开'],
  tentative: ['date to be confirmed', 'الموعد يُحدَّد لاحقاً', '日期待定'],
  yourTime: ['In {zone}', 'بتوقيت {zone}', '按 {zone}'],
  eventZone: ['Local time ({zone})', 'بالتوقيت المحلي ({zone})', '当地时间（{zone}）'],
  download: ['Download .ics', 'تنزيل ملف ‎.ics', '下载 .ics'],
  addGoogle: ['Add to Google Calendar', 'أضف إلى تقويم Google', '添加到 Google 日历'],
  addOutlook: ['Add to Outlook', 'أضف إلى Outlook', '添加到 Outlook'],
  addTo: ['Add to your calendar', 'أضف إلى تقويمك', '添加到您的日历'],
  participants: ['Participants', 'المشاركون', '参与者'],
  noParticipants: ['No participants yet.', 'لا مشاركين بعد.', '暂无参与者。'],
  history: ['History', 'السجل', '历史'],
  asOf: ['As it stood on', 'كما كانت في', '查看某日的状态'],
  show: ['Show', 'عرض', '显示'],
  pastBanner: ['You are looking at the past: this is the event as it stood at the end of {date} ({zone}).', 'أنت تنظر إلى الماضي: هذه الفعالية كما كانت في نهاية {date} ‏({zone}).', '您正在查看过去：这是活动在 {date} 结束时（{zone}）的状态。'],
  seeCurrent: ['See it as it is now', 'اعرضها كما هي الآن', '查看当前状态'],
  notYet: ['The event did not exist yet at the end of that day.', 'لم تكن الفعالية موجودة بعد في نهاية ذلك اليوم.', '当天结束时该活动尚不存在。'],
  edit: ['Edit', 'تعديل', '编辑'],
  editing: ['Edit: {title}', 'تعديل: {title}', '编辑：{title}'],
  cancelEvent: ['Cancel event', 'إلغاء الفعالية', '取消活动'],
  cancelReason: ['Reason for cancelling (optional)', 'سبب الإلغاء (اختياري)', '取消原因（可选）'],
  cancelledBecause: ['Cancelled: {reason}', 'أُلغيت: {reason}', '已取消：{reason}'],
  invite: ['Invite', 'دعوة', '邀请'],
  name: ['Name', 'الاسم', '姓名'],
  email: ['E-mail', 'البريد الإلكتروني', '电子邮件'],
  organization: ['Organization', 'الجهة', '机构'],
  role: ['Role', 'الدور', '角色'],
  remove: ['Remove {name}', 'إزالة {name}', '移除 {name}'],
  newEvent: ['New event', 'فعالية جديدة', '新活动'],
  save: ['Save', 'حفظ', '保存'],
  saving: ['Saving…', 'جارٍ الحفظ…', '保存中…'],
  title: ['Title', 'العنوان', '标题'],
  description: ['Description', 'الوصف', '描述'],
  schedule: ['When', 'الموعد', '时间'],
  type: ['Type', 'النوع', '类型'],
  timed: ['At a time', 'في وقت محدد', '具体时间'],
  allDay: ['All day', 'طوال اليوم', '全天'],
  monthOnly: ['Month only', 'الشهر فقط', '仅月份'],
  start: ['Start', 'البداية', '开始'],
  end: ['End', 'النهاية', '结束'],
  startDate: ['First day', 'اليوم الأول', '第一天'],
  endDate: ['Last day', 'اليوم الأخير', '最后一天'],
  location: ['Venue', 'المكان', '地点'],
  venueName: ['Venue name', 'اسم المكان', '场地名称'],
  address: ['Address', 'العنوان البريدي', '地址'],
  city: ['City', 'المدينة', '城市'],
  country: ['Country (ISO code, e.g. OM)', 'البلد (رمز ISO، مثل OM)', '国家（ISO 代码，如 OM）'],
  organizer: ['Organizer', 'الجهة المنظِّمة', '组织者'],
  kind: ['Kind', 'الصنف', '类别'],
  status: ['Status', 'الحالة', '状态'],
  visibility: ['Visibility', 'الظهور', '可见性'],
  tags: ['Tags (comma-separated)', 'الوسوم (مفصولة بفواصل)', '标签（逗号分隔）'],
  tagsShort: ['Tags', 'الوسوم', '标签'],
  url: ['Link', 'الرابط', '链接'],
  langName: ['{field} in {lang}', '{field} بـ{lang}', '{field}（{lang}）'],
  webhooks: ['Webhooks', 'الإشعارات الآلية (Webhooks)', 'Webhooks'],
  newWebhook: ['New webhook', 'اشتراك جديد', '新的 Webhook'],
  types: ['Change types (comma-separated, or *)', 'أنواع التغييرات (مفصولة بفواصل، أو *)', '变更类型（逗号分隔，或 *）'],
  calendars: ['Calendars (comma-separated, optional)', 'التقاويم (مفصولة بفواصل، اختياري)', '日历（逗号分隔，可选）'],
  secretOnce: ['The signing secret. It is shown this once: store it now.', 'سرّ التوقيع. يظهر هذه المرة فقط: احفظه الآن.', '签名密钥仅显示这一次：请立即保存。'],
  stored: ['I have stored it', 'حفظته', '我已保存'],
  deliveries: ['Deliveries', 'الإرسالات', '投递'],
  noDeliveries: ['No deliveries yet.', 'لا إرسالات بعد.', '暂无投递。'],
  delivery: ['Delivery', 'الإرسال', '投递'],
  attempts: ['Attempts', 'المحاولات', '尝试'],
  actions: ['Actions', 'إجراءات', '操作'],
  replay: ['Send again every change since', 'أعد إرسال كل تغيير منذ', '重新发送此后的所有变更'],
  replayGo: ['Replay', 'إعادة الإرسال', '重新发送'],
  replayed: ['{n} deliveries queued.', 'أُدرج {n} من الإرسالات في الطابور.', '已排队 {n} 次投递。'],
  rotate: ['Rotate secret', 'تغيير السر', '更换密钥'],
  rotated: ['The old secret stays valid until {date}.', 'يبقى السر القديم صالحاً حتى {date}.', '旧密钥在 {date} 之前仍然有效。'],
  test: ['Send test', 'إرسال تجريبي', '发送测试'],
  testOk: ['Test delivered: HTTP {code} in {ms} ms.', 'وصل الإرسال التجريبي: HTTP {code} خلال {ms} ملّي ثانية.', '测试已送达：HTTP {code}，用时 {ms} 毫秒。'],
  testFailed: ['Test not delivered: {reason}.', 'لم يصل الإرسال التجريبي: {reason}.', '测试未送达：{reason}。'],
  noAnswer: ['no answer', 'لا رد', '无响应'],
  retry: ['Send again', 'إعادة الإرسال', '重新发送'],
  retried: ['Queued again.', 'أُعيد إلى الطابور.', '已重新排队。'],
  deleteWebhook: ['Delete webhook', 'حذف الاشتراك', '删除 Webhook'],
  deleted: ['Deleted.', 'حُذف.', '已删除。'],
  disabled: ['disabled', 'معطَّل', '已停用'],
  signIn: ['Sign in', 'تسجيل الدخول', '登录'],
  signOut: ['Sign out', 'تسجيل الخروج', '退出'],
  signedIn: ['Signed in with an API key', 'مسجَّل الدخول بمفتاح API', '已使用 API 密钥登录'],
  apiKey: ['API key', 'مفتاح API', 'API 密钥'],
  use: ['Use', 'استخدام', '使用'],
  keyRejected: ['That API key was not accepted, so it has been forgotten. You are reading the public calendar.', 'لم يُقبل مفتاح API هذا فأُزيل. أنت تتصفح التقويم العام.', '该 API 密钥未被接受，已被移除。您正在浏览公开日历。'],
  needKey: ['Sign in with an API key to edit.', 'سجِّل الدخول بمفتاح API للتعديل.', '请使用 API 密钥登录后编辑。'],
  fixErrors: ['Please fix the marked fields.', 'يرجى تصحيح الحقول المعلَّمة.', '请修正标记的字段。'],
  saved: ['Saved.', 'حُفظ.', '已保存。'],
  noChanges: ['Nothing has changed, so nothing was saved.', 'لم يتغير شيء، فلم يُحفظ شيء.', '没有任何更改，因此未保存。'],
  conflictTitle: ['Someone changed this event while you were editing it', 'غيّر شخص آخر هذه الفعالية أثناء تعديلك لها', '在您编辑期间，其他人修改了此活动'],
  conflictIntro: ['Nothing of yours has been saved yet. Compare, then choose.', 'لم يُحفظ شيء من تعديلاتك بعد. قارن ثم اختر.', '您的更改尚未保存。请比较后选择。'],
  field: ['Field', 'الحقل', '字段'],
  yours: ['Your version', 'نسختك', '您的版本'],
  theirs: ['Current version', 'النسخة الحالية', '当前版本'],
  keepMine: ['Save my changes over the current version', 'احفظ تعديلاتي فوق النسخة الحالية', '用我的更改覆盖当前版本'],
  keepTheirs: ['Discard my changes', 'تجاهل تعديلاتي', '放弃我的更改'],
  empty: ['(empty)', '(فارغ)', '（空）'],
  hijri: ['Hijri', 'هجري', '伊斯兰历'],
  gregorian: ['Gregorian', 'ميلادي', '公历'],
  version: ['version {n}', 'النسخة {n}', '第 {n} 版'],
  by: ['by {actor}', 'بواسطة {actor}', '由 {actor}'],
  notice: ['Notice', 'تنبيه', '提示'],
  notFoundPage: ['There is no such page.', 'لا توجد صفحة كهذه.', '没有这个页面。'],
  // series (#14): repeating events, their occurrences, and "this / this and following / all".
  repeating: ['repeating event', 'فعالية متكررة', '重复活动'],
  recurrence: ['Repeats', 'التكرار', '重复'],
  freq_none: ['Does not repeat', 'لا تتكرر', '不重复'],
  freq_DAILY: ['Daily', 'يومياً', '每天'],
  freq_WEEKLY: ['Weekly', 'أسبوعياً', '每周'],
  freq_MONTHLY: ['Monthly', 'شهرياً', '每月'],
  freq_YEARLY: ['Yearly', 'سنوياً', '每年'],
  freq_custom: ['A rule of its own (kept as it is)', 'قاعدة خاصة (تبقى كما هي)', '自定义规则（保持不变）'],
  interval: ['Every how many days, weeks, months or years', 'كل كم يوماً أو أسبوعاً أو شهراً أو سنة', '每隔多少天、周、月或年'],
  howOften: ['How often', 'مدى التكرار', '频率'],
  ends: ['Ends', 'تنتهي', '结束'],
  ends_never: ['Never', 'لا تنتهي', '永不'],
  ends_count: ['After a number of times', 'بعد عدد من المرات', '重复若干次后'],
  ends_until: ['On a date', 'في تاريخ', '在某日期'],
  count: ['Number of times', 'عدد المرات', '次数'],
  until: ['Last date', 'التاريخ الأخير', '最后日期'],
  everyN_DAILY: ['Every {n} days', 'كل {n} أيام', '每 {n} 天'],
  everyN_WEEKLY: ['Every {n} weeks', 'كل {n} أسابيع', '每 {n} 周'],
  everyN_MONTHLY: ['Every {n} months', 'كل {n} أشهر', '每 {n} 个月'],
  everyN_YEARLY: ['Every {n} years', 'كل {n} سنوات', '每 {n} 年'],
  timesInAll: ['{n} times in all', '{n} مرة في المجموع', '共 {n} 次'],
  untilDate: ['until {date}', 'حتى {date}', '直到 {date}'],
  ruleOwn: ['by a rule of its own', 'وفق قاعدة خاصة', '按自定义规则'],
  oneOccurrence: ['One occurrence of a repeating event ({rule}).', 'مرة واحدة من فعالية متكررة ({rule}).', '重复活动中的一次（{rule}）。'],
  seriesRule: ['A repeating event: {rule}.', 'فعالية متكررة: {rule}.', '重复活动：{rule}。'],
  changedHere: ['Changed for this date only.', 'عُدِّلت لهذا الموعد فقط.', '仅此次已更改。'],
  seeSeries: ['See the whole series', 'اعرض السلسلة كلها', '查看整个系列'],
  restoreOccurrence: ['Undo the changes to this occurrence', 'تراجع عن تعديلات هذه المرة', '撤销对此次的更改'],
  occurrenceOnly: ['An occurrence keeps the series’ kind of schedule; its rule is the series’.', 'تحتفظ المرة الواحدة بنوع موعد السلسلة، وقاعدتها قاعدة السلسلة.', '单次沿用系列的时间类型和规则。'],
  scopeEdit: ['Change which events?', 'تعديل أيّ الفعاليات؟', '更改哪些活动？'],
  scopeCancel: ['Cancel which events?', 'إلغاء أيّ الفعاليات؟', '取消哪些活动？'],
  scope_this: ['This event only', 'هذه الفعالية فقط', '仅此活动'],
  scope_following: ['This and the following events', 'هذه الفعالية والفعاليات التالية', '此活动及之后的活动'],
  scope_all: ['All events of the series', 'كل فعاليات السلسلة', '系列中的所有活动'],
  scopeThisFields: ['Only the title, description, venue, link and time can differ for one event of a series.', 'لا يختلف في فعالية واحدة من السلسلة إلا العنوان والوصف والمكان والرابط والموعد.', '系列中的单个活动只能更改标题、描述、地点、链接和时间。'],
  continue: ['Continue', 'متابعة', '继续'],
  back: ['Go back', 'رجوع', '返回'],
  // --- end series
  // Enumerations the API returns.
  status_tentative: ['tentative', 'مبدئية', '暂定'],
  status_confirmed: ['confirmed', 'مؤكدة', '已确认'],
  status_cancelled: ['cancelled', 'ملغاة', '已取消'],
  visibility_public: ['public', 'عامة', '公开'],
  visibility_private: ['private', 'خاصة', '私密'],
  kind_meeting: ['meeting', 'اجتماع', '会议'],
  kind_forum: ['forum', 'منتدى', '论坛'],
  kind_conference: ['conference', 'مؤتمر', '大会'],
  kind_other: ['other', 'أخرى', '其他'],
  role_chair: ['chair', 'رئيس', '主持'],
  role_required: ['required', 'أساسي', '必需'],
  role_optional: ['optional', 'اختياري', '可选'],
  pstatus_invited: ['invited', 'مدعو', '已邀请'],
  pstatus_accepted: ['accepted', 'قَبِل', '已接受'],
  pstatus_declined: ['declined', 'اعتذر', '已拒绝'],
  pstatus_tentative: ['maybe', 'ربما', '待定'],
  'change_event.created': ['created', 'أُنشئت', '已创建'],
  'change_event.updated': ['updated', 'عُدِّلت', '已更新'],
  'change_event.rescheduled': ['rescheduled', 'تغيّر موعدها', '已改期'],
  'change_event.confirmed': ['confirmed', 'تأكدت', '已确认'],
  'change_event.cancelled': ['cancelled', 'أُلغيت', '已取消'],
  'change_participant.invited': ['participant invited', 'دُعي مشارك', '已邀请参与者'],
  'change_participant.responded': ['participant responded', 'ردّ مشارك', '参与者已回复'],
  'change_participant.removed': ['participant removed', 'أُزيل مشارك', '已移除参与者'],
  // recur (#14): changes of one occurrence of a series, and a series ended by "this and following"
  'change_occurrence.rescheduled': ['occurrence rescheduled', 'تغيّر موعد إحدى المرات', '单次已改期'],
  'change_occurrence.updated': ['occurrence updated', 'عُدِّلت إحدى المرات', '单次已更新'],
  'change_occurrence.cancelled': ['occurrence cancelled', 'أُلغيت إحدى المرات', '单次已取消'],
  'change_occurrence.restored': ['occurrence restored', 'أُعيدت إحدى المرات', '单次已恢复'],
  'change_event.series.ended': ['series ended (continues as a new series)', 'انتهت السلسلة (تستمر سلسلةً جديدة)', '系列已结束（以新系列继续）'],
  // --- end recur
  'change_webhook.test': ['test', 'تجريبي', '测试'],
  delivery_pending: ['pending', 'قيد الانتظار', '待发送'],
  delivery_succeeded: ['delivered', 'وصل', '已送达'],
  delivery_failed: ['failed', 'فشل', '失败'],
  // Field error codes (shared/domain/errors.ts fieldErrorCodes): the API's `message` is English prose, never shown.
  err_required: ['is required', 'مطلوب', '必填'],
  err_invalid_type: ['has the wrong type', 'من نوع غير صحيح', '类型不正确'],
  err_unknown_field: ['is not a field this accepts', 'حقل غير مقبول', '不是可接受的字段'],
  err_empty: ['must not be empty', 'يجب ألا يكون فارغاً', '不能为空'],
  err_too_short: ['is too short', 'قصير جداً', '太短'],
  err_too_long: ['is too long', 'طويل جداً', '太长'],
  err_too_few: ['has too few entries', 'عدد العناصر أقل من المطلوب', '条目太少'],
  err_too_many: ['has too many entries', 'عدد العناصر أكثر من المسموح', '条目太多'],
  err_too_large: ['is too large', 'كبير جداً', '太大'],
  err_too_deep: ['is nested too deeply', 'متداخل أكثر من اللازم', '嵌套太深'],
  err_invalid_format: ['is not in the expected format', 'ليس بالصيغة المطلوبة', '格式不正确'],
  err_invalid_encoding: ['holds damaged text (not UTF-8, or the � mark): retype it', 'يحتوي نصاً تالفاً (ليس UTF-8 أو فيه العلامة �): أعد كتابته', '含有损坏的文本（不是 UTF-8 或含 � 标记），请重新输入'],
  err_invalid_value: ['is not a valid value', 'قيمة غير صالحة', '值无效'],
  err_invalid_time_zone: ['is not a time zone (e.g. Asia/Kuwait)', 'ليست منطقة زمنية (مثل Asia/Kuwait)', '不是有效时区（如 Asia/Shanghai）'],
  err_invalid_language: ['is not a language code (e.g. ar, en, zh)', 'ليس رمز لغة (مثل ar أو en أو zh)', '不是语言代码（如 ar、en、zh）'],
  err_invalid_country: ['is not a two-letter country code (e.g. OM)', 'ليس رمز بلد من حرفين (مثل OM)', '不是两位国家代码（如 CN）'],
  err_invalid_url: ['is not a web address', 'ليس عنوان ويب صالحاً', '不是有效网址'],
  err_invalid_email: ['is not an e-mail address', 'ليس بريداً إلكترونياً صالحاً', '不是有效的电子邮件地址'],
  err_nonexistent_time: ['does not exist in that time zone (the clocks skip it)', 'غير موجود في تلك المنطقة الزمنية (تقفز الساعة فوقه)', '该时区不存在这个时间（时钟跳过）'],
  err_ambiguous_time: ['happens twice in that time zone (the clocks go back); choose another time', 'يتكرر مرتين في تلك المنطقة الزمنية (تعود الساعة)؛ اختر وقتاً آخر', '在该时区出现两次（时钟回拨），请选择其他时间'],
  err_out_of_range: ['is out of range', 'خارج النطاق المسموح', '超出范围'],
  err_end_before_start: ['must be after the start', 'يجب أن تكون بعد البداية', '必须晚于开始时间'],
  err_invalid_cursor: ['is no longer valid; start again', 'لم يعد صالحاً؛ ابدأ من جديد', '已失效，请重新开始'],
  err_stale: ['was changed by someone else meanwhile', 'غيّره شخص آخر في الأثناء', '已被他人修改'],
  err_unsupported: ['is not supported', 'غير مدعوم', '不受支持'],
  err_unsupported_media_type: ['is not a supported format', 'صيغة غير مدعومة', '格式不受支持'],
  err_not_found: ['was not found', 'غير موجود', '未找到'],
  err_conflict: ['conflicts with what is recorded', 'يتعارض مع ما هو مسجَّل', '与已记录的内容冲突'],
  err_reused_key: ['was already used for a different request', 'استُخدم لطلب مختلف من قبل', '已用于其他请求'],
  err_unauthorized: ['needs a valid API key', 'يتطلب مفتاح API صالحاً', '需要有效的 API 密钥'],
  err_generic: ['was not accepted', 'لم يُقبل', '未被接受'],
  // Whole-request problems, by HTTP status.
  http_400: ['The request was not accepted.', 'لم يُقبل الطلب.', '请求未被接受。'],
  http_401: ['An API key is needed for this.', 'يلزم مفتاح API لهذا.', '此操作需要 API 密钥。'],
  http_403: ['Your key does not allow this.', 'مفتاحك لا يسمح بهذا.', '您的密钥不允许此操作。'],
  http_404: ['Not found.', 'غير موجود.', '未找到。'],
  http_409: ['This conflicts with what is recorded.', 'يتعارض هذا مع ما هو مسجَّل.', '这与已记录的内容冲突。'],
  http_412: ['Someone else changed this meanwhile. Reload to see the current version.', 'غيّر شخص آخر هذا في الأثناء. أعد التحميل لترى النسخة الحالية.', '其他人已修改此内容。请重新加载查看当前版本。'],
  http_413: ['That is too large.', 'هذا كبير جداً.', '内容太大。'],
  http_422: ['That cannot be done in the current state.', 'لا يمكن تنفيذ ذلك في الحالة الراهنة.', '当前状态下无法执行。'],
  http_428: ['The page must name the version it edits; reload and try again.', 'يجب أن تحدد الصفحة النسخة التي تعدّلها؛ أعد التحميل وحاول مجدداً.', '页面必须指明所编辑的版本；请重新加载后重试。'],
  http_429: ['Too many requests; wait a moment and try again.', 'طلبات كثيرة؛ انتظر قليلاً وحاول مجدداً.', '请求过多，请稍后再试。'],
  http_500: ['Something went wrong on our side; it is safe to try again.', 'حدث خطأ لدينا؛ يمكنك المحاولة مجدداً بأمان.', '服务器出错，可以放心重试。'],
  network: ['The server could not be reached. Check the connection and try again.', 'تعذّر الوصول إلى الخادم. تحقّق من الاتصال وحاول مجدداً.', '无法连接服务器。请检查网络后重试。'],
};
const LANGS = ['en', 'ar', 'zh'];
const LANGUAGE_NAMES = { ar: 'العربية', en: 'English', zh: '中文' };

const EMBED = location.pathname.startsWith('/embed/');
const query0 = new URLSearchParams(location.search);
const stored = (name) => (EMBED ? null : localStorage.getItem(`taqweem.${name}`));
const state = {
  lang: (EMBED && query0.get('lang')) || stored('lang') || (navigator.language || 'ar').slice(0, 2),
  // The embed is read-only: it never sends a key, whatever this browser holds.
  key: EMBED ? '' : sessionStorage.getItem('taqweem.key') || '',
  zone: (EMBED && query0.get('zone')) || stored('zone') || '',
  clock: stored('clock') || '',
};
if (!LANGS.includes(state.lang)) state.lang = 'ar';
const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** t('moreN', {n: 3}): the word in the page's language, with its {placeholders} filled in. */
function t(word, values = {}) {
  const row = WORDS[word];
  const text = row ? row[LANGS.indexOf(state.lang)] ?? row[0] : word;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}
const label = (prefix, value) => (WORDS[`${prefix}_${value}`] ? t(`${prefix}_${value}`) : value);
const num = (n) => new Intl.NumberFormat(state.lang).format(n);

/** el('a', {href}, 'text', child…): user data always lands in text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false || value === null) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** Text from the API in a language of its own: isolated from the surrounding direction, and tagged with its language. */
function localizedText(texts, fallback, tag = 'bdi') {
  if (!texts) return '';
  const lang = [state.lang, fallback, 'en'].find((l) => l && texts[l]) ?? Object.keys(texts)[0];
  return el(tag, { lang: lang === state.lang ? undefined : lang, dir: 'auto' }, texts[lang] ?? '');
}
const pickText = (texts, fallback) => (texts ? texts[state.lang] ?? texts[fallback] ?? texts.en ?? Object.values(texts)[0] ?? '' : '');
const isolate = (text) => el('bdi', { dir: 'auto' }, text);

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title || String(status));
    this.status = status;
    this.problem = problem;
  }
}

/** A problem in the page's language: field errors by their code, the rest by HTTP status. */
function problemText(error) {
  if (!(error instanceof ApiError)) return t('network');
  return WORDS[`http_${error.status}`] ? t(`http_${error.status}`) : error.status >= 500 ? t('http_500') : t('http_400');
}
/** A refused search names what was wrong with the words typed (empty, too long), in the page's language. */
function searchProblemText(error) {
  const refused = error instanceof ApiError && (error.problem.errors ?? []).find((e) => e.field === 'query.q');
  return refused ? t('searchProblem', { problem: fieldErrorText(refused.code) }) : problemText(error);
}
const fieldErrorText = (code) => t(WORDS[`err_${code}`] ? `err_${code}` : 'err_generic');

function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function showNotice(text) {
  const notice = document.getElementById('notice');
  if (!notice) return;
  notice.textContent = text;
  notice.hidden = !text;
}

function forgetKey() {
  state.key = '';
  sessionStorage.removeItem('taqweem.key');
}

/** Calls the API. A key the API rejects is forgotten at once, and a read is retried without it. */
async function api(method, path, { body, headers = {} } = {}) {
  const send = () => fetch(path, {
    method,
    headers: { ...headers, ...(state.key ? { authorization: `Bearer ${state.key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let response;
  try {
    response = await send();
    if (response.status === 401 && state.key) {
      forgetKey();
      showNotice(t('keyRejected'));
      renderHeader();
      if (method === 'GET') response = await send();
    }
  } catch {
    throw new ApiError(0, {});
  }
  const text = await response.text();
  const data = text && /json/.test(response.headers.get('content-type') || '') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, typeof data === 'object' ? data : {});
  return { data, etag: response.headers.get('etag') };
}
const get = async (path) => (await api('GET', path)).data;

// Wall time in a zone → instant, as the server computes it (the earlier instant when the clock is set back).
const zoneFormatters = new Map();
function zoneParts(at, zone) {
  if (!zoneFormatters.has(zone)) zoneFormatters.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }));
  return Object.fromEntries(zoneFormatters.get(zone).formatToParts(new Date(at)).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}
function instantOf(wall, zone) {
  const [date, time = '00:00'] = wall.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offset = (at) => {
    const p = zoneParts(at, zone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
  };
  const candidates = [asUtc - offset(asUtc), asUtc - offset(asUtc - 864e5), asUtc - offset(asUtc + 864e5)].filter((c) => c + offset(c) === asUtc);
  return candidates.length ? Math.min(...candidates) : asUtc - offset(asUtc);
}
/** The calendar date (YYYY-MM-DD) an instant falls on in a zone. */
function dateIn(at, zone) {
  const p = zoneParts(at, zone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
const dateMs = (date) => Date.parse(`${date}T12:00:00Z`);
const addDays = (date, n) => new Date(dateMs(date) + n * 864e5).toISOString().slice(0, 10);
const shiftMonth = (month, by) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + by, 1)).toISOString().slice(0, 7);
};
const weekday = (date) => new Date(dateMs(date)).getUTCDay() || 7; // 1 = Monday … 7 = Sunday

/** The first day of the week where the page's language is spoken (Saturday for Arabic, Monday for Chinese). */
function firstDayOfWeek() {
  try {
    const locale = new Intl.Locale(state.lang === 'ar' ? 'ar-KW' : state.lang === 'zh' ? 'zh-CN' : 'en-US');
    return (locale.getWeekInfo?.() ?? locale.weekInfo)?.firstDay ?? 1;
  } catch {
    return 1;
  }
}
const weekStart = (date) => addDays(date, -((weekday(date) - firstDayOfWeek() + 7) % 7));

function fmt(options, zone, calendar) {
  const clock = state.clock && (options.timeStyle || options.hour) ? { hourCycle: state.clock } : {};
  return new Intl.DateTimeFormat(`${state.lang}${calendar ? `-u-ca-${calendar}` : ''}`, { ...options, ...clock, timeZone: zone });
}
/** A calendar date (no zone of its own) in words. */
const dateWords = (date, options = { dateStyle: 'full' }, calendar) => fmt(options, 'UTC', calendar).format(dateMs(date));
const monthWords = (month) => fmt({ year: 'numeric', month: 'long' }, 'UTC').format(dateMs(`${month}-15`));

/**
 * The days (YYYY-MM-DD, in `zone`) an event covers: each once. A timed event ending at midnight does not cover
 * the next day; an all-day event's days are the same everywhere; a month-only event covers no day.
 */
function daysOf(event, zone) {
  const s = event.schedule;
  let first;
  let last;
  if (s.type === 'timed') {
    const start = instantOf(s.start, s.timeZone);
    const end = Math.max(start, instantOf(s.end, s.timeZone) - 1);
    [first, last] = [dateIn(start, zone), dateIn(end, zone)];
  } else if (s.type === 'allDay') [first, last] = [s.startDate, s.endDate];
  else return [];
  const days = [];
  for (let day = first; day <= last && days.length < 400; day = addDays(day, 1)) days.push(day);
  return days;
}

/** t() with nodes for some placeholders, so isolated user text can sit inside a translated sentence. */
function tNodes(word, nodes) {
  return t(word, Object.fromEntries(Object.keys(nodes).map((k) => [k, `\u0000${k}\u0000`]))).split('\u0000').map((part, i) => (i % 2 ? nodes[part] : part)).filter((p) => p !== '');
}

const zoneName = (zone) => el('bdi', { dir: 'ltr', class: 'zone' }, zone);
/** An occurrence row (GET /events lists one per occurrence of a series) opens that occurrence: the series' id and its recurrence id. */
const eventPath = (event) => `#/e/${event.id}${event.occurrence ? `?${new URLSearchParams({ occurrence: event.occurrence.recurrenceId })}` : ''}`;
const eventHref = (event) => (EMBED ? `/${eventPath(event)}` : eventPath(event));
/** The mark of a repeating event: an icon for the eye, words for a screen reader (inside the link, so its name says it). */
const repeatMark = () => el('span', { class: 'repeats' }, el('span', { 'aria-hidden': 'true' }, ' ↻'), el('span', { class: 'visually-hidden' }, ` (${t('repeating')})`));
const eventLink = (event, fallback, extra = {}) =>
  el('a', { class: 'title', href: eventHref(event), ...(EMBED ? { target: '_blank', rel: 'noopener' } : {}), ...extra }, localizedText(event.title, fallback), event.occurrence || event.schedule.recurrence ? repeatMark() : null);
/** A row's identity in a list: occurrences of one series share the series' id. */
const rowKey = (event) => (event.occurrence ? `${event.id}@${event.occurrence.recurrenceId}` : event.id);

function describeWhen(event, zone) {
  const s = event.schedule;
  if (s.type === 'timed') {
    const start = instantOf(s.start, s.timeZone);
    const end = instantOf(s.end, s.timeZone);
    return [
      el('p', { class: 'when' }, fmt({ dateStyle: 'full', timeStyle: 'short' }, s.timeZone).formatRange(start, end), ' ', tNodes('eventZone', { zone: zoneName(s.timeZone) })),
      zone !== s.timeZone ? el('p', { class: 'when' }, tNodes('yourTime', { zone: zoneName(zone) }), ': ', fmt({ dateStyle: 'full', timeStyle: 'short' }, zone).formatRange(start, end)) : null,
      el('p', { class: 'when' }, `${t('hijri')}: `, fmt({ dateStyle: 'full' }, s.timeZone, 'islamic-umalqura').formatRange(start, end)),
    ];
  }
  if (s.type === 'allDay') {
    const [start, end] = [dateMs(s.startDate), dateMs(s.endDate)];
    return [
      el('p', { class: 'when' }, fmt({ dateStyle: 'full' }, 'UTC').formatRange(start, end), ` (${t('allDayShort')})`),
      el('p', { class: 'when' }, `${t('hijri')}: `, fmt({ dateStyle: 'full' }, 'UTC', 'islamic-umalqura').formatRange(start, end)),
    ];
  }
  return [el('p', { class: 'when' }, monthWords(s.month), ' — ', t('tentative'))];
}

function badges(event) {
  const undated = event.schedule.type === 'month';
  return [
    undated || event.status === 'tentative' ? el('span', { class: 'badge tentative' }, undated ? t('tentative') : t('status_tentative')) : null,
    event.status === 'cancelled' ? el('span', { class: 'badge cancelled' }, t('status_cancelled')) : null,
  ];
}

const compactUtc = (at) => new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Links that open a prefilled event in Google Calendar and Outlook; none for an event known only to the month. */
function addToCalendarLinks(event) {
  const s = event.schedule;
  if (s.type === 'month') return [];
  const title = pickText(event.title);
  const details = pickText(event.description);
  const where = [pickText(event.location?.name), event.location?.city, event.location?.country].filter(Boolean).join(', ');
  const timed = s.type === 'timed';
  const [start, end] = timed ? [instantOf(s.start, s.timeZone), instantOf(s.end, s.timeZone)] : [s.startDate, addDays(s.endDate, 1)];
  const google = new URLSearchParams({ action: 'TEMPLATE', text: title, dates: timed ? `${compactUtc(start)}/${compactUtc(end)}` : `${start.replaceAll('-', '')}/${end.replaceAll('-', '')}`, details, location: where, ...(timed ? { ctz: s.timeZone } : {}) });
  const outlook = new URLSearchParams({ path: '/calendar/action/compose', rru: 'addevent', subject: title, body: details, location: where, startdt: timed ? new Date(start).toISOString() : start, enddt: timed ? new Date(end).toISOString() : end, ...(timed ? {} : { allday: 'true' }) });
  return [
    el('a', { class: 'button secondary', id: 'add-google', href: `https://calendar.google.com/calendar/render?${google}`, target: '_blank', rel: 'noopener' }, t('addGoogle')),
    el('a', { class: 'button secondary', id: 'add-outlook', href: `https://outlook.live.com/calendar/0/deeplink/compose?${outlook}`, target: '_blank', rel: 'noopener' }, t('addOutlook')),
  ];
}

function copyButton(input, id) {
  const button = el('button', { type: 'button', class: 'secondary', id, onclick: async () => {
    input.select();
    try { await navigator.clipboard.writeText(input.value); } catch { document.execCommand?.('copy'); }
    button.textContent = t('copied');
  } }, t('copy'));
  return button;
}

/** Feed links for each calendar app, following the tag and tentative options as they change. */
function subscribePanel(calendar, view, zone) {
  const name = pickText(calendar.name, calendar.defaultLanguage);
  const tags = el('input', { id: 'sub-tags', dir: 'auto' });
  const hide = el('input', { id: 'sub-hide-tentative', type: 'checkbox' });
  const feedInput = el('input', { id: 'feed-url', readonly: true, dir: 'ltr' });
  const links = {
    google: el('a', { class: 'button', id: 'subscribe-google', target: '_blank', rel: 'noopener' }, t('google')),
    webcal: el('a', { class: 'button secondary', id: 'subscribe-webcal' }, t('apple')),
    outlook: el('a', { class: 'button secondary', id: 'subscribe-outlook', target: '_blank', rel: 'noopener' }, t('outlookCom')),
    m365: el('a', { class: 'button secondary', id: 'subscribe-m365', target: '_blank', rel: 'noopener' }, t('m365')),
  };
  const update = () => {
    const feed = new URL(`/feeds/${calendar.id}.ics`, location.href);
    feed.searchParams.set('lang', state.lang);
    for (const tag of tags.value.split(',').map((s) => s.trim()).filter(Boolean)) feed.searchParams.append('tag', tag);
    if (hide.checked) feed.searchParams.set('tentative', 'exclude');
    const webcal = `webcal://${feed.host}${feed.pathname}${feed.search}`;
    const addFromWeb = (host) => `https://${host}/calendar/0/addfromweb?${new URLSearchParams({ url: feed.href, name })}`;
    feedInput.value = feed.href;
    links.google.href = `https://calendar.google.com/calendar/render?cid=${encodeURIComponent(webcal)}`;
    links.webcal.href = webcal;
    links.outlook.href = addFromWeb('outlook.live.com');
    links.m365.href = addFromWeb('outlook.office.com');
  };
  tags.addEventListener('input', update);
  hide.addEventListener('change', update);
  update();
  const embedUrl = new URL(`/embed/${calendar.id}?${new URLSearchParams({ view: view === 'week' ? 'month' : view, lang: state.lang, zone })}`, location.href);
  const snippet = el('textarea', { id: 'embed-code', readonly: true, rows: 3, dir: 'ltr' });
  snippet.value = `<iframe src="${embedUrl.href.replaceAll('&', '&amp;')}" title="${t('embedTitle', { name }).replaceAll('"', '&quot;')}" width="100%" height="640" style="border:0" loading="lazy"></iframe>`;
  return el('section', { class: 'subscribe', 'aria-labelledby': 'subscribe-heading' },
    el('h2', { id: 'subscribe-heading' }, t('subscribe')),
    el('p', {}, t('subscribeIntro')),
    el('div', { class: 'grid' },
      el('div', { class: 'field' }, el('label', { for: 'sub-tags' }, t('onlyTags')), tags),
      el('div', { class: 'check' }, hide, el('label', { for: 'sub-hide-tentative' }, t('hideTentative')))),
    el('p', { class: 'toolbar' }, Object.values(links)),
    el('div', { class: 'field' }, el('label', { for: 'feed-url' }, t('feedUrl')), el('div', { class: 'inline' }, feedInput, copyButton(feedInput, 'copy-feed'))),
    el('details', {}, el('summary', {}, t('embed')),
      el('div', { class: 'field' }, el('label', { for: 'embed-code' }, t('embedCode')), snippet, el('p', {}, copyButton(snippet, 'copy-embed')))));
}

/** Every event overlapping [from, to), page by page. The range is widened by a day each side: all-day and
 * month-only events are placed by their own dates below, whatever instant range the API uses for them. */
async function eventsBetween(calendarId, from, to) {
  const byId = new Map();
  let cursor;
  do {
    const query = new URLSearchParams({ calendar: calendarId, from: new Date(from - 864e5).toISOString(), to: new Date(to + 864e5).toISOString(), limit: '200', ...(cursor ? { cursor } : {}) });
    const page = await get(`/events?${query}`);
    for (const event of page.items) byId.set(rowKey(event), event);
    cursor = page.nextCursor;
  } while (cursor);
  return [...byId.values()];
}

/** Events by the days they cover (in `zone`), each event once a day, in the order the API gave them. */
function eventsByDay(events, zone) {
  const byDay = new Map();
  for (const event of events) for (const day of daysOf(event, zone)) byDay.set(day, [...(byDay.get(day) ?? []), event]);
  return byDay;
}

function chip(event, day, zone, fallback) {
  const days = daysOf(event, zone);
  const multi = days.length > 1;
  const s = event.schedule;
  const startsToday = days[0] === day;
  const time = s.type === 'timed' && startsToday ? fmt({ timeStyle: 'short' }, zone).format(instantOf(s.start, s.timeZone)) : null;
  const position = !multi ? '' : startsToday ? ' bar-start' : days.at(-1) === day ? ' bar-end' : ' bar-middle';
  return el('li', { class: `chip${multi ? ' bar' : ''}${position}${event.status === 'cancelled' ? ' cancelled' : ''}${event.status === 'tentative' ? ' is-tentative' : ''}` },
    time ? el('time', { class: 'time', datetime: new Date(instantOf(s.start, s.timeZone)).toISOString() }, time) : null,
    multi && !startsToday ? el('span', { class: 'visually-hidden' }, `(${t('continues')}) `) : null,
    // The strike-through is not read out: say it in words too, as the agenda's badge does.
    event.status === 'cancelled' ? el('span', { class: 'visually-hidden' }, `(${t('status_cancelled')}) `) : null,
    eventLink(event, fallback));
}

const MONTH_CELL_LIMIT = 3;

function monthOnlyList(events, month, fallback) {
  const undated = events.filter((e) => e.schedule.type === 'month' && e.schedule.month === month);
  if (!undated.length) return null;
  return el('section', { class: 'undated', 'aria-labelledby': 'undated-heading' }, el('h3', { id: 'undated-heading' }, t('monthOnlyList')),
    el('ul', { class: 'events' }, undated.map((e) => el('li', { class: 'chip' }, eventLink(e, fallback), badges(e)))));
}

function monthView(calendar, month, events, zone, link) {
  const fallback = calendar.defaultLanguage;
  const byDay = eventsByDay(events, zone);
  const first = `${month}-01`;
  const last = addDays(`${shiftMonth(month, 1)}-01`, -1);
  const gridStart = weekStart(first);
  const weeks = [];
  for (let day = gridStart; day <= last; day = addDays(day, 7)) weeks.push([...Array(7)].map((_, i) => addDays(day, i)));
  const hijri = (day) => (state.lang === 'ar' ? el('small', { class: 'hijri' }, dateWords(day, { day: 'numeric', month: 'short' }, 'islamic-umalqura')) : null);
  const cell = (day) => {
    if (day < first || day > last) return el('td', { class: 'out' });
    const todays = byDay.get(day) ?? [];
    const shown = todays.slice(0, MONTH_CELL_LIMIT);
    const hidden = todays.length - shown.length;
    return el('td', { 'data-date': day },
      el('div', { class: 'day' }, el('time', { datetime: day }, dateWords(day, { day: 'numeric' })), hijri(day)),
      shown.length ? el('ul', { class: 'chips' }, shown.map((e) => chip(e, day, zone, fallback))) : null,
      hidden > 0 ? el('a', { class: 'more', href: link({ view: 'week', date: day }) }, t('moreN', { n: num(hidden) })) : null);
  };
  const headers = weeks[0].map((day) => el('th', { scope: 'col', abbr: dateWords(day, { weekday: 'long' }) }, dateWords(day, { weekday: 'short' })));
  const listDays = [...byDay.keys()].filter((d) => d >= first && d <= last).sort();
  return [
    monthOnlyList(events, month, fallback),
    el('table', { class: 'month' }, el('caption', { class: 'visually-hidden' }, monthWords(month)), el('thead', {}, el('tr', {}, headers)), el('tbody', {}, weeks.map((w) => el('tr', {}, w.map(cell))))),
    // Phones: the same month as a list of its days with events (CSS shows one or the other).
    el('div', { class: 'month-agenda' }, listDays.length ? listDays.map((day) => dayList(day, byDay.get(day), zone, fallback)) : events.some((e) => e.schedule.month === month) ? null : el('p', {}, t('noEvents'))),
  ];
}

function dayList(day, events, zone, fallback) {
  return el('section', { class: 'day-list', 'data-date': day }, el('h3', {}, el('time', { datetime: day }, dateWords(day)), state.lang === 'ar' ? el('small', { class: 'hijri' }, ' · ', dateWords(day, { day: 'numeric', month: 'long', year: 'numeric' }, 'islamic-umalqura')) : null),
    el('ul', { class: 'events' }, events.map((e) => el('li', { class: e.status === 'cancelled' ? 'cancelled' : '' }, chipTime(e, day, zone), eventLink(e, fallback), badges(e)))));
}

function chipTime(event, day, zone) {
  const s = event.schedule;
  if (s.type !== 'timed') return el('span', { class: 'time' }, t('allDayShort'));
  const [start, end] = [instantOf(s.start, s.timeZone), instantOf(s.end, s.timeZone)];
  const days = daysOf(event, zone);
  const text = days.length > 1 && days[0] !== day ? `(${t('continues')})` : fmt({ timeStyle: 'short' }, zone).formatRange(start, end);
  return el('span', { class: 'time' }, text);
}

function weekView(calendar, firstDay, events, zone) {
  const fallback = calendar.defaultLanguage;
  const byDay = eventsByDay(events, zone);
  const days = [...Array(7)].map((_, i) => addDays(firstDay, i));
  const months = [...new Set(days.map((d) => d.slice(0, 7)))];
  return [
    months.map((m) => monthOnlyList(events, m, fallback)),
    el('div', { class: 'week' }, days.map((day) => byDay.get(day)?.length ? dayList(day, byDay.get(day), zone, fallback)
      : el('section', { class: 'day-list empty', 'data-date': day }, el('h3', {}, el('time', { datetime: day }, dateWords(day))), el('p', {}, t('noEvents'))))),
  ];
}

/**
 * Upcoming events from a day on, grouped by their first day, with "More" for the next page. A search asks the API
 * (`q`: titles in every language, folded there); each of its pages reads a bounded slice of the calendar and may
 * match nothing, so one click follows the cursor until 20 titles match or five pages are read.
 */
function agendaView(calendar, fromDay, zone, search) {
  const fallback = calendar.defaultLanguage;
  const list = el('div', { class: 'agenda' });
  const status = el('p', { role: 'status', class: 'agenda-status' });
  const more = el('button', { type: 'button', class: 'secondary', id: 'agenda-more', hidden: true }, t('more'));
  let cursor;
  let lastGroup;
  let group;
  const from = search ? undefined : instantOf(`${fromDay}T00:00`, zone);
  const append = (event) => {
    const day = event.schedule.type === 'month' ? event.schedule.month : daysOf(event, zone).find((d) => d >= fromDay) ?? daysOf(event, zone)[0];
    if (day !== lastGroup) {
      lastGroup = day;
      group = el('ul', { class: 'events' });
      list.append(el('section', { class: 'day-list', 'data-date': day }, el('h3', {}, day.length === 7 ? [monthWords(day), ' — ', t('tentative')] : el('time', { datetime: day }, dateWords(day))), group));
    }
    group.append(el('li', { class: event.status === 'cancelled' ? 'cancelled' : '' }, event.schedule.type === 'month' ? null : chipTime(event, day, zone), eventLink(event, fallback), badges(event)));
  };
  const load = async () => {
    more.disabled = true;
    let found = 0;
    let pages = 0;
    const before = list.querySelectorAll('a.title').length;
    try {
      do {
        const query = new URLSearchParams({ calendar: calendar.id, limit: search ? '20' : '50', ...(search ? { q: search } : {}), ...(from !== undefined ? { from: new Date(from).toISOString() } : {}), ...(cursor ? { cursor } : {}) });
        const page = await get(`/events?${query}`);
        page.items.forEach(append);
        found += page.items.length;
        pages += 1;
        cursor = page.nextCursor;
      } while (cursor && search && found < 20 && pages < 5);
      more.hidden = !cursor;
      status.textContent = list.childElementCount > 0 ? (cursor ? '' : t('noMore')) : cursor ? t('searchFurther') : t('noEvents');
      if (before > 0) list.querySelectorAll('a.title')[before]?.focus();
    } catch (error) {
      more.hidden = true;
      status.textContent = searchProblemText(error);
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', load);
  return { nodes: [list, status, more], ready: load() };
}

function periodOf(view, params, zone) {
  const today = dateIn(Date.now(), zone);
  const date = params.get('date') || (params.get('month') ? `${params.get('month')}-01` : today);
  if (view === 'month') {
    const month = date.slice(0, 7);
    const next = shiftMonth(month, 1);
    return { date: `${month}-01`, label: monthWords(month), from: instantOf(`${month}-01T00:00`, zone), to: instantOf(`${next}-01T00:00`, zone), prev: `${shiftMonth(month, -1)}-01`, next: `${next}-01`, today: `${today.slice(0, 7)}-01`, month };
  }
  if (view === 'week') {
    const first = weekStart(date);
    const lastDay = addDays(first, 6);
    return { date: first, label: fmt({ dateStyle: 'long' }, 'UTC').formatRange(dateMs(first), dateMs(lastDay)), from: instantOf(`${first}T00:00`, zone), to: instantOf(`${addDays(first, 7)}T00:00`, zone), prev: addDays(first, -7), next: addDays(first, 7), today: weekStart(today) };
  }
  return { date, label: t('upcoming', { date: dateWords(date, { dateStyle: 'long' }) }), today };
}

const VIEWS = ['month', 'week', 'agenda'];

function settingsForm(calendar, zone, link) {
  const zones = [...new Set([calendar.timeZone, deviceZone, 'Asia/Kuwait', 'Asia/Muscat', 'Asia/Shanghai', 'UTC'])];
  const zoneSelect = el('select', { id: 'zone', name: 'zone' }, zones.map((z) => el('option', { value: z, selected: z === zone }, z === calendar.timeZone ? t('zoneCalendar', { zone: z }) : z === deviceZone ? t('zoneDevice', { zone: z }) : z)));
  const clockSelect = el('select', { id: 'clock', name: 'clock' }, [['', t('clockAuto')], ['h23', t('h24')], ['h12', t('h12')]].map(([value, text]) => el('option', { value, selected: value === state.clock }, text)));
  const apply = () => {
    state.zone = zoneSelect.value === calendar.timeZone ? '' : zoneSelect.value;
    state.clock = clockSelect.value;
    if (!EMBED) {
      localStorage.setItem('taqweem.zone', state.zone);
      localStorage.setItem('taqweem.clock', state.clock);
    }
    location.hash = link({ zone: zoneSelect.value });
  };
  zoneSelect.addEventListener('change', apply);
  clockSelect.addEventListener('change', apply);
  return el('div', { class: 'toolbar settings' },
    el('div', { class: 'field' }, el('label', { for: 'zone' }, t('zone')), zoneSelect),
    el('div', { class: 'field' }, el('label', { for: 'clock' }, t('clock')), clockSelect));
}

function searchForm(search, link) {
  const input = el('input', { id: 'search', name: 'q', type: 'search', value: search || '', dir: 'auto', maxlength: 100 });
  return el('form', { role: 'search', class: 'toolbar search', onsubmit: (e) => {
    e.preventDefault();
    location.hash = input.value.trim() ? link({ view: 'agenda', q: input.value.trim() }) : link({ q: '' });
  } }, el('label', { for: 'search' }, t('search')), input, el('button', { type: 'submit' }, t('searchGo')),
  search ? el('a', { class: 'button secondary', href: link({ q: '' }) }, t('clearSearch')) : null);
}

async function calendarPage(id, params) {
  const calendar = await get(`/calendars/${encodeURIComponent(id)}`);
  const zone = params.get('zone') || state.zone || calendar.timeZone;
  const view = VIEWS.includes(params.get('view')) ? params.get('view') : params.get('view') === 'list' ? 'agenda' : EMBED ? query0.get('view') || 'month' : 'month';
  const search = view === 'agenda' ? params.get('q') || '' : '';
  const period = periodOf(view, params, zone);
  const base = { view, date: period.date, ...(params.get('zone') ? { zone: params.get('zone') } : {}), ...(search ? { q: search } : {}) };
  const link = (changes) => `#/c/${id}?${new URLSearchParams(Object.entries({ ...base, ...changes }).filter(([, v]) => v))}`;
  const name = pickText(calendar.name, calendar.defaultLanguage);
  const viewNames = { month: t('month'), week: t('week'), agenda: t('agenda') };
  const heading = search ? t('results', { q: search }) : period.label;
  let content;
  let ready;
  if (view === 'agenda') ({ nodes: content, ready } = agendaView(calendar, period.date, zone, search));
  else {
    const events = await eventsBetween(id, period.from, period.to);
    content = view === 'month' ? monthView(calendar, period.month, events, zone, link) : weekView(calendar, period.date, events, zone);
  }
  await ready;
  const stepper = view === 'agenda' ? [] : [
    el('a', { class: 'button secondary', href: link({ date: period.prev }), 'aria-label': t(view === 'month' ? 'prevMonth' : 'prevWeek') }, el('span', { 'aria-hidden': 'true', class: 'arrow' }, '‹')),
    el('a', { class: 'button secondary', id: 'today', href: link({ date: period.today }) }, t('today')),
    el('a', { class: 'button secondary', href: link({ date: period.next }), 'aria-label': t(view === 'month' ? 'nextMonth' : 'nextWeek') }, el('span', { 'aria-hidden': 'true', class: 'arrow' }, '›')),
  ];
  const views = el('ul', { class: 'toolbar views', 'aria-label': t('views') }, VIEWS.filter((v) => !EMBED || v !== 'week').map((v) => el('li', {},
    el('a', { class: `button${v === view ? '' : ' secondary'}`, href: link({ view: v, q: '', ...(v === 'agenda' ? { date: dateIn(Date.now(), zone) } : {}) }), 'aria-current': v === view ? 'page' : undefined }, viewNames[v]))));
  return {
    title: `${heading} · ${viewNames[view]} — ${name}`,
    nodes: [
      el('h1', {}, localizedText(calendar.name, calendar.defaultLanguage, 'span')),
      el('nav', { class: 'toolbar', 'aria-label': t('calendarNav') }, stepper, views),
      EMBED ? null : searchForm(search, link),
      settingsForm(calendar, zone, link),
      el('h2', { id: 'period' }, heading),
      el('p', { class: 'zone-note' }, tNodes('timesIn', { zone: zoneName(zone) })),
      content,
      EMBED ? el('p', {}, el('a', { href: `/#/c/${id}`, target: '_blank', rel: 'noopener' }, t('openFull'))) : subscribePanel(calendar, view, zone),
      !EMBED && state.key ? el('p', {}, el('a', { class: 'button', href: `#/new?calendar=${id}` }, t('newEvent'))) : null,
    ],
  };
}

/** Runs a button's action, showing its outcome (or its error, translated) in the notice line. */
async function act(button, work) {
  button.disabled = true;
  try {
    const message = await work();
    if (message) showNotice(message);
  } catch (error) {
    showNotice(problemText(error));
  } finally {
    button.disabled = false;
  }
}

const LIST_SEPARATOR = { ar: '، ', en: ', ', zh: '，' };

// --- series (#14): an occurrence as the page derives it from its series, the rule in words, the scope dialog.

/** A recurrence id as the API keeps it ('2026-03-09T09:00' → '2026-03-09T09:00:00'). */
const fullRecurrenceId = (rid) => (/T\d\d:\d\d$/.test(rid) ? `${rid}:00` : rid);
// Wall times as minute counts, so a move by a delta keeps the wall clock, as the API's series do across DST.
const wallMinutes = (wall) => Date.parse(`${fullRecurrenceId(wall)}Z`) / 6e4;
const wallOf = (minutes) => new Date(minutes * 6e4).toISOString().slice(0, 19);
const daysBetween = (from, to) => Math.round((dateMs(to) - dateMs(from)) / 864e5);
const monthIndex = (month) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
const firstDate = (s) => (s.type === 'timed' ? s.start.slice(0, 10) : s.type === 'allDay' ? s.startDate : `${s.month}-01`);

/** One occurrence of a series, shaped like a list row: its own schedule (moved or as the rule gives it), its fields, its status. */
function occurrenceOf(series, recurrenceId) {
  const rid = fullRecurrenceId(recurrenceId);
  const override = (series.overrides ?? []).find((o) => fullRecurrenceId(o.recurrenceId) === rid);
  const { recurrence, ...base } = series.schedule;
  const length = base.type === 'timed' ? wallMinutes(base.end) - wallMinutes(base.start) : base.type === 'allDay' ? daysBetween(base.startDate, base.endDate) : 0;
  const asRule = base.type === 'timed' ? { ...base, start: wallOf(wallMinutes(rid)), end: wallOf(wallMinutes(rid) + length) } : base.type === 'allDay' ? { ...base, startDate: rid, endDate: addDays(rid, length) } : { ...base, month: rid };
  return {
    ...series,
    ...override?.fields,
    schedule: override?.schedule ?? asRule,
    status: override?.cancelled ? 'cancelled' : series.status,
    cancelReason: override?.cancelled ? override.reason : series.cancelReason,
    occurrence: { seriesId: series.id, recurrenceId: rid, overridden: !!override, cancelled: !!override?.cancelled },
    series: { recurrence },
  };
}

const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
/** The rule parts a simple rule leaves to its start (the API writes them out when it splits a series). */
function impliedParts(rule, schedule) {
  const date = firstDate(schedule);
  const day = Number(date.slice(8, 10));
  if (rule.freq === 'WEEKLY') return { byDay: [{ weekday: WEEKDAY_CODES[new Date(dateMs(date)).getUTCDay()] }] };
  if (rule.freq === 'MONTHLY') return { byMonthDay: [day] };
  if (rule.freq === 'YEARLY') return { byMonthDay: [day], byMonth: [Number(date.slice(5, 7))] };
  return {};
}
const SIMPLE_PARTS = ['freq', 'interval', 'count', 'until', 'wkst'];
const RULE_PARTS = [...SIMPLE_PARTS, 'byDay', 'byMonthDay', 'byMonth', 'bySetPos', 'rscale', 'skip'];
/** Whether the page's own controls (how often, every how many, the end) say all the rule says. */
const isSimpleRule = (rule, schedule) => Object.entries(rule).every(([part, value]) => SIMPLE_PARTS.includes(part) || JSON.stringify(value) === JSON.stringify(impliedParts(rule, schedule)[part]));
/** When a series moves to another day, the parts it implied from its old start (written out) are cleared, so they follow the new start. */
function followingStart(rule, before, after) {
  if (firstDate(before) === firstDate(after)) return {};
  const implied = impliedParts(rule, before);
  const cleared = Object.fromEntries(Object.keys(implied).filter((part) => JSON.stringify(rule[part]) === JSON.stringify(implied[part])).map((part) => [part, null]));
  return Object.keys(cleared).length ? { recurrence: { rule: cleared } } : {};
}
/** The series' schedule moved by as much as one of its occurrences was ("all events" after editing one). */
function seriesMovedLike(schedule, before, after) {
  const { recurrence, ...base } = schedule;
  const shift = (wall, from, to) => wallOf(wallMinutes(wall) + wallMinutes(to) - wallMinutes(from));
  const moved =
    base.type === 'timed'
      ? { ...base, timeZone: after.timeZone ?? base.timeZone, start: shift(base.start, before.start, after.start), end: shift(base.end, before.end, after.end) }
      : base.type === 'allDay'
        ? { ...base, startDate: addDays(base.startDate, daysBetween(before.startDate, after.startDate)), endDate: addDays(base.endDate, daysBetween(before.endDate, after.endDate)) }
        : { ...base, month: monthOf(monthIndex(base.month) + monthIndex(after.month) - monthIndex(before.month)) };
  return { ...moved, ...(recurrence ? followingStart(recurrence.rule, base, moved) : {}) };
}

/** The date an UNTIL means to a person: a timed series' UTC instant shown in the series' zone. */
const untilDate = (until, schedule) => (until.length > 10 ? dateIn(Date.parse(until), schedule.timeZone ?? 'UTC') : until.slice(0, 10));
/** A date typed as the last one → UNTIL: the end of that day in the series' zone (timed), or the date itself. */
function untilOf(date, type, zone) {
  if (type !== 'timed' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  return new Date(instantOf(`${date}T23:59:59`, zone || 'UTC')).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "Weekly, 10 times in all": the rule in the page's language (parts the page cannot word are called a rule of its own). */
function ruleWords(recurrence, schedule) {
  const rule = recurrence?.rule;
  if (!rule?.freq) return t('ruleOwn');
  const every = (rule.interval ?? 1) > 1 ? t(`everyN_${rule.freq}`, { n: num(rule.interval) }) : t(`freq_${rule.freq}`);
  const end = rule.count ? t('timesInAll', { n: num(rule.count) }) : rule.until ? t('untilDate', { date: dateWords(untilDate(rule.until, schedule), { dateStyle: 'long' }) }) : null;
  return [every, isSimpleRule(rule, schedule) ? null : t('ruleOwn'), end].filter(Boolean).join(LIST_SEPARATOR[state.lang]);
}

/**
 * Asks which events a change is for ("this", "following", "all"), in a modal dialog: focus goes to the first choice,
 * Escape or "Go back" answers null, and focus returns to what opened it. `thisAllowed: false` disables the first choice.
 */
function chooseScope(kind, { thisAllowed = true } = {}) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const scopes = ['this', 'following', 'all'];
    const first = thisAllowed ? 'this' : 'following';
    const dialog = el('dialog', { id: 'scope-dialog', 'aria-labelledby': 'scope-heading', 'aria-describedby': thisAllowed ? undefined : 'scope-note' },
      el('form', { method: 'dialog' },
        el('fieldset', {}, el('legend', { id: 'scope-heading' }, t(kind === 'cancel' ? 'scopeCancel' : 'scopeEdit')),
          scopes.map((scope) => el('div', { class: 'check choice' },
            el('input', { type: 'radio', name: 'scope', id: `scope-${scope}`, value: scope, checked: scope === first, disabled: scope === 'this' && !thisAllowed, autofocus: scope === first }),
            el('label', { for: `scope-${scope}` }, t(`scope_${scope}`))))),
        thisAllowed ? null : el('p', { id: 'scope-note', class: 'when' }, t('scopeThisFields')),
        el('p', { class: 'toolbar' }, el('button', { type: 'submit', id: 'scope-ok', value: 'ok' }, t('continue')), el('button', { type: 'submit', class: 'secondary', id: 'scope-back', value: 'back' }, t('back')))));
    dialog.addEventListener('close', () => {
      const choice = dialog.returnValue === 'ok' ? dialog.querySelector('input[name=scope]:checked')?.value ?? null : null;
      dialog.remove();
      // After the caller's button is enabled again (it is disabled while its action runs).
      setTimeout(() => opener?.focus?.());
      resolve(choice);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
// --- end series

async function eventPage(id, params) {
  const asOf = params.get('asOf');
  let event;
  let etag;
  let missingThen = false;
  const [current, historyPage] = await Promise.all([api('GET', `/events/${encodeURIComponent(id)}`), get(`/events/${encodeURIComponent(id)}/history?limit=200`)]);
  const calendar = await get(`/calendars/${encodeURIComponent(current.data.calendar)}`);
  const zone = state.zone || calendar.timeZone;
  if (asOf) {
    try {
      event = await get(`/events/${encodeURIComponent(id)}?asOf=${new Date(instantOf(`${asOf}T23:59:59`, zone) + 999).toISOString()}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      missingThen = true;
    }
  }
  if (!event) ({ data: event, etag } = current);
  const series = event.schedule?.recurrence ? event : undefined;
  // One occurrence of a series (a list row's link): the series, with that occurrence's own schedule, fields and status.
  if (series && params.get('occurrence')) event = occurrenceOf(series, params.get('occurrence'));
  const occurrence = event.occurrence;
  const live = !asOf || missingThen;
  const editable = !EMBED && state.key && live && event.status !== 'cancelled';
  const restorable = !EMBED && state.key && live && occurrence?.overridden && series.status !== 'cancelled';
  const history = historyPage.items;
  const fallback = calendar.defaultLanguage;
  const asOfForm = el('form', { class: 'toolbar', id: 'as-of-form', onsubmit: (e) => { e.preventDefault(); location.hash = `#/e/${id}?asOf=${e.target.elements.asOf.value}`; } },
    el('label', { for: 'asOf' }, t('asOf')), el('input', { id: 'asOf', name: 'asOf', type: 'date', required: true, value: asOf || '' }), el('button', { type: 'submit' }, t('show')));
  const where = event.location ? [event.location.name ? localizedText(event.location.name, fallback) : null, event.location.address, event.location.city, event.location.country ? new Intl.DisplayNames([state.lang], { type: 'region' }).of(event.location.country) : null].filter(Boolean) : [];
  return {
    title: `${pickText(event.title, fallback)} — ${pickText(calendar.name, fallback)}`,
    nodes: [
      asOf && !missingThen ? el('div', { class: 'past', role: 'note', id: 'past-banner' }, el('p', {}, t('pastBanner', { date: dateWords(asOf, { dateStyle: 'long' }), zone })), el('a', { href: `#/e/${id}` }, t('seeCurrent'))) : null,
      missingThen ? el('p', { class: 'form-error', role: 'alert', id: 'past-banner' }, t('notYet')) : null,
      el('h1', { class: event.status === 'cancelled' ? 'cancelled' : '' }, localizedText(event.title, fallback, 'span'), series ? repeatMark() : null, badges(event)),
      series ? el('p', { class: 'series-note', id: 'series-note' }, t(occurrence ? 'oneOccurrence' : 'seriesRule', { rule: ruleWords(series.schedule.recurrence, series.schedule) }), occurrence?.overridden && !occurrence.cancelled ? [' ', t('changedHere')] : null,
        occurrence ? [' ', el('a', { id: 'see-series', href: `#/e/${id}` }, t('seeSeries'))] : null) : null,
      event.cancelReason ? el('p', { class: 'cancel-reason' }, tNodes('cancelledBecause', { reason: isolate(event.cancelReason) })) : null,
      describeWhen(event, zone),
      event.description ? el('p', { class: 'description' }, localizedText(event.description, fallback, 'span')) : null,
      where.length ? el('p', {}, `${t('location')}: `, where.flatMap((part, i) => (i ? [LIST_SEPARATOR[state.lang], isolate(part)] : [isolate(part)]))) : null,
      event.organizer ? el('p', {}, `${t('organizer')}: `, isolate(event.organizer.name), event.organizer.email ? [' ', el('bdi', { dir: 'ltr' }, `<${event.organizer.email}>`)] : null) : null,
      event.tags?.length ? el('p', {}, `${t('tagsShort')}: `, event.tags.map((tag, i) => [i ? LIST_SEPARATOR[state.lang] : '', isolate(tag)])) : null,
      el('p', {}, `${t('kind')}: ${label('kind', event.kind ?? 'other')} · ${t('visibility')}: ${label('visibility', event.visibility ?? 'public')}`),
      el('section', { 'aria-labelledby': 'add-heading' }, el('h2', { id: 'add-heading' }, t('addTo')),
        el('p', { class: 'toolbar' }, addToCalendarLinks(event), el('a', { class: 'button secondary', id: 'download-ics', href: `/events/${id}.ics?lang=${state.lang}`, download: `${id}.ics` }, t('download')))),
      editable || restorable ? el('p', { class: 'toolbar' },
        editable ? el('a', { class: 'button', id: 'edit-link', href: `#/edit/${id}${occurrence ? `?${new URLSearchParams({ occurrence: occurrence.recurrenceId })}` : ''}` }, t('edit')) : null,
        restorable ? el('button', { type: 'button', class: 'secondary', id: 'restore-occurrence', onclick: (e) => act(e.currentTarget, async () => {
          await api('POST', `/events/${id}/occurrences/${encodeURIComponent(occurrence.recurrenceId)}/restore`, { headers: { 'if-match': etag } });
          await render();
          return t('saved');
        }) }, t('restoreOccurrence')) : null) : null,
      editable ? cancelForm(id, etag, occurrence) : null,
      el('h2', {}, t('participants')),
      event.participants.length ? el('ul', { class: 'participants' }, event.participants.map((p) => el('li', {},
        isolate(p.name), p.organization ? [' — ', isolate(p.organization)] : null, p.email ? [' ', el('bdi', { dir: 'ltr' }, `<${p.email}>`)] : null,
        ` · ${label('role', p.role)} · ${label('pstatus', p.status)}`,
        editable ? [' ', el('button', { type: 'button', class: 'secondary small', onclick: (e) => act(e.currentTarget, async () => { await api('DELETE', `/events/${id}/participants/${p.id}`, { headers: { 'if-match': etag } }); await render(); return t('saved'); }) }, t('remove', { name: p.name }))] : null))) : el('p', {}, t('noParticipants')),
      editable ? inviteForm(id, etag) : null,
      el('h2', {}, t('history')), asOfForm,
      el('ol', { id: 'history' }, history.map((c) => el('li', { 'data-type': c.type },
        el('span', { class: 'change' }, label('change', c.type)),
        el('span', { class: 'version' }, t('version', { n: num(c.version) })),
        el('time', { datetime: c.at }, fmt({ dateStyle: 'medium', timeStyle: 'short' }, zone).format(Date.parse(c.at))),
        el('span', { class: 'actor' }, tNodes('by', { actor: isolate(c.actor) }))))),
    ],
  };
}

/** Cancels the event; for one occurrence of a series, after asking which: it, it and the following (split, then cancel the new series), or all. */
function cancelForm(id, etag, occurrence) {
  const reason = el('input', { id: 'cancel-reason', name: 'reason', dir: 'auto', maxlength: 1000 });
  return el('form', { id: 'cancel-form', class: 'toolbar', onsubmit: (e) => {
    e.preventDefault();
    act(e.submitter ?? e.target.querySelector('button'), async () => {
      const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
      const scope = occurrence ? await chooseScope('cancel') : 'all';
      if (!scope) return undefined;
      const path = `/events/${id}/occurrences/${encodeURIComponent(occurrence?.recurrenceId)}`;
      if (scope === 'this') await api('POST', `${path}/cancel`, { body, headers: { 'if-match': etag } });
      else if (scope === 'all') await api('POST', `/events/${id}/cancel`, { body, headers: { 'if-match': etag } });
      else {
        // 201: the new series from this occurrence on; 200: this was the first occurrence, so it is the whole series.
        const split = await api('POST', `${path}/split`, { body: {}, headers: { 'if-match': etag, 'idempotency-key': newIdempotencyKey() } });
        await api('POST', `/events/${split.data.id}/cancel`, { body, headers: { 'if-match': split.etag } });
      }
      await render();
      return t('saved');
    });
  } }, el('label', { for: 'cancel-reason' }, t('cancelReason')), reason, el('button', { type: 'submit', class: 'danger' }, t('cancelEvent')));
}

function inviteForm(eventId, etag) {
  const roles = el('select', { name: 'role' }, ['required', 'optional', 'chair'].map((r) => el('option', { value: r }, label('role', r))));
  return el('form', { id: 'invite', novalidate: true, onsubmit: (e) => submit(e, (values) => api('POST', `/events/${eventId}/participants`, { body: values, headers: { 'if-match': etag } }), () => render()) },
    el('fieldset', {}, el('legend', {}, t('invite')),
      el('div', { class: 'grid' }, field('name', t('name'), el('input', { name: 'name', required: true, dir: 'auto' })), field('email', t('email'), el('input', { name: 'email', type: 'email', dir: 'ltr' })),
        field('organization', t('organization'), el('input', { name: 'organization', dir: 'auto' })), field('role', t('role'), roles)),
      el('p', { class: 'form-error', role: 'alert' }), el('button', { type: 'submit' }, t('invite'))));
}

/** A labelled control with an error slot that the API's field name finds. */
function field(name, text, control) {
  const id = `f-${name.replaceAll('.', '-')}`;
  control.id = id;
  control.dataset.field = name;
  control.setAttribute('aria-describedby', `${id}-error`);
  return el('div', { class: 'field' }, el('label', { for: id }, text), control, el('p', { class: 'error', id: `${id}-error`, 'data-error-for': name }));
}

const formValues = (form) => Object.fromEntries([...new FormData(form)].filter(([, v]) => typeof v === 'string' && v.trim() !== '').map(([k, v]) => [k, v.trim()]));

function clearErrors(form) {
  for (const slot of form.querySelectorAll('.error, .form-error')) slot.textContent = '';
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/** Shows a problem in the form: each field error, translated by its code, next to its field; the rest above the button. */
function showProblem(form, error) {
  const unplaced = [];
  const errors = error instanceof ApiError ? error.problem.errors ?? [] : [];
  for (const { field: name, code } of errors) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`) ?? form.querySelector(`[data-error-for^="${CSS.escape(name)}."]`);
    if (slot && !slot.closest('[hidden]')) {
      slot.textContent = fieldErrorText(code);
      form.querySelector(`#${CSS.escape(slot.id.replace(/-error$/, ''))}`)?.setAttribute('aria-invalid', 'true');
    } else {
      // A field without a visible slot is named by its label when the form has one (never by its API path).
      const text = form.querySelector(`label[for="f-${CSS.escape(name.replaceAll('.', '-'))}"]`)?.textContent;
      unplaced.push(text ? `${text}: ${fieldErrorText(code)}` : fieldErrorText(code));
    }
  }
  form.querySelector('.form-error').textContent = unplaced.length ? unplaced.join(' · ') : errors.length ? t('fixErrors') : problemText(error);
  (form.querySelector('[aria-invalid="true"]') ?? form.querySelector('.form-error'))?.focus?.();
}

/**
 * Sends a form once at a time: its submit button is disabled (and says so) until the answer arrives. `ask(values)`,
 * when given, runs first (a question such as "which events?"); a falsy answer sends nothing.
 */
async function submit(e, send, done, ask) {
  e.preventDefault();
  const form = e.target;
  if (form.dataset.busy) return;
  const button = form.querySelector('button[type=submit]');
  const idle = button.textContent;
  form.dataset.busy = 'true';
  if (ask && !(await ask(formValues(form)))) {
    delete form.dataset.busy;
    return;
  }
  button.disabled = true;
  button.textContent = t('saving');
  clearErrors(form);
  try {
    done(await send(formValues(form)));
  } catch (error) {
    showProblem(form, error);
  } finally {
    delete form.dataset.busy;
    button.disabled = false;
    button.textContent = idle;
  }
}

/** An event as the edit form's values (the names of its controls), so what changed is a comparison of two maps. */
function formValuesOf(event, { recurrence = true } = {}) {
  const s = event?.schedule ?? { type: 'timed', timeZone: 'Asia/Kuwait' };
  const values = { 'schedule.type': s.type, kind: event?.kind ?? 'meeting', status: event?.status === 'tentative' ? 'tentative' : 'confirmed', visibility: event?.visibility ?? 'public' };
  for (const name of ['start', 'end', 'startDate', 'endDate', 'month', 'timeZone']) values[`schedule.${name}`] = s[name];
  if (recurrence) Object.assign(values, recurrenceValuesOf(s));
  for (const l of LANGS) {
    values[`title.${l}`] = event?.title?.[l];
    values[`description.${l}`] = event?.description?.[l];
    values[`location.name.${l}`] = event?.location?.name?.[l];
  }
  for (const name of ['address', 'city', 'country']) values[`location.${name}`] = event?.location?.[name];
  values['organizer.name'] = event?.organizer?.name;
  values['organizer.email'] = event?.organizer?.email;
  values.tags = event?.tags?.length ? event.tags.join(', ') : undefined;
  values.url = event?.url;
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

const SCHEDULE_FIELDS = { timed: ['start', 'end', 'timeZone'], allDay: ['startDate', 'endDate'], month: ['month', 'timeZone'] };
const splitTags = (text) => (text ? text.split(',').map((s) => s.trim()).filter(Boolean) : []);

const RULE = 'schedule.recurrence.rule';
/** The recurrence controls' values for a schedule: a rule they cannot say is "custom" and is kept as it is. */
function recurrenceValuesOf(s) {
  const values = { [`${RULE}.interval`]: '1', 'schedule.recurrence.end': 'never' };
  const rule = s.recurrence?.rule;
  if (!rule) return values;
  if (!rule.freq || !isSimpleRule(rule, s)) return { ...values, [`${RULE}.freq`]: 'custom' };
  Object.assign(values, { [`${RULE}.freq`]: rule.freq, [`${RULE}.interval`]: String(rule.interval ?? 1) });
  if (rule.count) Object.assign(values, { 'schedule.recurrence.end': 'count', [`${RULE}.count`]: String(rule.count) });
  else if (rule.until) Object.assign(values, { 'schedule.recurrence.end': 'until', [`${RULE}.until`]: untilDate(rule.until, s) });
  return values;
}

/**
 * The schedule the form says. With `previousRule` (a patch of a series of the same type), parts of the old rule the
 * form does not say are cleared (a merge patch would otherwise keep a COUNT beside a new UNTIL), and "does not repeat" removes the rule.
 */
function scheduleOf(values, previousRule) {
  const type = values['schedule.type'];
  const schedule = Object.fromEntries([['type', type], ...SCHEDULE_FIELDS[type].map((name) => [name, values[`schedule.${name}`]])].filter(([, v]) => v !== undefined));
  const freq = values[`${RULE}.freq`];
  if (freq === 'custom') return schedule;
  if (!freq) return previousRule ? { ...schedule, recurrence: null } : schedule;
  const rule = { freq, interval: Number(values[`${RULE}.interval`] ?? 1) };
  // An empty count or date goes as it is, so the API names the field that needs it.
  if (values['schedule.recurrence.end'] === 'count') rule.count = Number(values[`${RULE}.count`] ?? 0);
  if (values['schedule.recurrence.end'] === 'until') rule.until = untilOf(values[`${RULE}.until`] ?? '', type, values['schedule.timeZone']);
  if (previousRule) for (const part of RULE_PARTS) if (!(part in rule)) rule[part] = null;
  return { ...schedule, recurrence: { rule } };
}

/** The whole body of a new event. */
function createBody(values, calendar) {
  const localized = (prefix) => Object.fromEntries(LANGS.filter((l) => values[`${prefix}.${l}`]).map((l) => [l, values[`${prefix}.${l}`]]));
  const location = { ...(Object.keys(localized('location.name')).length ? { name: localized('location.name') } : {}), ...Object.fromEntries(['address', 'city', 'country'].filter((n) => values[`location.${n}`]).map((n) => [n, values[`location.${n}`]])) };
  const body = { calendar, title: localized('title'), schedule: scheduleOf(values), kind: values.kind, status: values.status, visibility: values.visibility };
  if (Object.keys(localized('description')).length) body.description = localized('description');
  if (Object.keys(location).length) body.location = location;
  if (values['organizer.name'] || values['organizer.email']) body.organizer = { name: values['organizer.name'], ...(values['organizer.email'] ? { email: values['organizer.email'] } : {}) };
  if (values.tags) body.tags = splitTags(values.tags);
  if (values.url) body.url = values.url;
  return body;
}

/** A JSON merge patch (RFC 7396) of only the fields the person changed; null removes what they emptied. */
function mergePatch(before, after, previousRule) {
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((name) => before[name] !== after[name]);
  const patch = {};
  const set = (path, value) => {
    let node = patch;
    for (const key of path.slice(0, -1)) node = node[key] ??= {};
    node[path.at(-1)] = value ?? null;
  };
  for (const name of changed) {
    if (name.startsWith('schedule.')) continue;
    if (name === 'tags') set(['tags'], after.tags ? splitTags(after.tags) : null);
    else set(name.split('.'), after[name]);
  }
  if (changed.some((name) => name.startsWith('schedule.'))) {
    // The API replaces a schedule whole (its fields depend on its type), so it goes whole.
    patch.schedule = scheduleOf(after, before['schedule.type'] === after['schedule.type'] ? previousRule : undefined);
  }
  if (patch.organizer && !after['organizer.name'] && !after['organizer.email']) patch.organizer = null;
  return { patch, changed };
}

const OCCURRENCE_FIELDS = ['title', 'description', 'location', 'url'];
const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/** How an event repeats: how often, every how many, and an end (never, after a number of times, on a date). */
function recurrenceFieldset(original) {
  const value = (name, fallback = '') => original[name] ?? fallback;
  const freqs = [['', t('freq_none')], ...FREQUENCIES.map((f) => [f, t(`freq_${f}`)]), ...(value(`${RULE}.freq`) === 'custom' ? [['custom', t('freq_custom')]] : [])];
  const freq = el('select', { name: `${RULE}.freq` }, freqs.map(([v, text]) => el('option', { value: v, selected: v === value(`${RULE}.freq`) }, text)));
  const ends = el('select', { name: 'schedule.recurrence.end' }, ['never', 'count', 'until'].map((v) => el('option', { value: v, selected: v === value('schedule.recurrence.end') }, t(`ends_${v}`))));
  const number = (name, max) => el('input', { name, type: 'number', min: 1, max, step: 1, inputmode: 'numeric', value: value(name), dir: 'ltr' });
  const fieldset = el('fieldset', { id: 'recurrence' }, el('legend', {}, t('recurrence')),
    el('div', { class: 'grid' },
      field(`${RULE}.freq`, t('howOften'), freq),
      field(`${RULE}.interval`, t('interval'), number(`${RULE}.interval`, 1000)),
      field('schedule.recurrence.end', t('ends'), ends),
      field(`${RULE}.count`, t('count'), number(`${RULE}.count`, 1000)),
      field(`${RULE}.until`, t('until'), el('input', { name: `${RULE}.until`, type: 'date', value: value(`${RULE}.until`) }))));
  const show = () => {
    const repeats = freq.value !== '' && freq.value !== 'custom';
    const hide = (name, hidden) => {
      fieldset.querySelector(`#f-${name.replaceAll('.', '-')}`).parentElement.hidden = hidden;
    };
    hide(`${RULE}.interval`, !repeats);
    hide('schedule.recurrence.end', !repeats);
    hide(`${RULE}.count`, !repeats || ends.value !== 'count');
    hide(`${RULE}.until`, !repeats || ends.value !== 'until');
  };
  freq.addEventListener('change', show);
  ends.addEventListener('change', show);
  show();
  return fieldset;
}

function conflictPanel(form, fields, mine, theirs, onMine) {
  const labelOf = (name) => form.querySelector(`label[for="f-${CSS.escape(name.replaceAll('.', '-'))}"]`)?.textContent ?? name;
  const cell = (value) => el('td', {}, value ? isolate(value) : t('empty'));
  const panel = el('section', { class: 'conflict', id: 'conflict', role: 'alert', 'aria-labelledby': 'conflict-heading' },
    el('h2', { id: 'conflict-heading', tabindex: '-1' }, t('conflictTitle')),
    el('p', {}, t('conflictIntro')),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('field')), el('th', { scope: 'col' }, t('yours')), el('th', { scope: 'col' }, t('theirs')))),
      el('tbody', {}, fields.map((name) => el('tr', { 'data-field': name }, el('th', { scope: 'row' }, labelOf(name)), cell(mine[name]), cell(theirs[name]))))),
    el('p', { class: 'toolbar' },
      el('button', { type: 'button', id: 'keep-mine', onclick: onMine }, t('keepMine')),
      el('a', { class: 'button secondary', id: 'keep-theirs', href: form.dataset.eventHref }, t('keepTheirs'))));
  return panel;
}

async function eventForm(id, params) {
  if (!state.key) return { title: t('needKey'), nodes: [el('h1', {}, t('needKey'))] };
  const loaded = id ? await api('GET', `/events/${encodeURIComponent(id)}`) : undefined;
  const event = loaded?.data;
  let etag = loaded?.etag ?? (event ? `"${event.version}"` : undefined);
  // One occurrence of a series: the form shows it as it is (its rule is the series'), and Save asks which events.
  const occurrence = event?.schedule?.recurrence && params.get('occurrence') ? occurrenceOf(event, params.get('occurrence')) : undefined;
  const original = formValuesOf(occurrence ?? event, { recurrence: !occurrence });
  // One key per form: a double submit or a retry after a lost answer cannot record the event twice.
  let idempotencyKey = newIdempotencyKey();
  const choices = (name, values, current) => el('select', { name }, values.map((value) => el('option', { value, selected: value === current }, label(name, value))));
  const types = [['timed', t('timed')], ['allDay', t('allDay')], ['month', t('monthOnly')]].filter(([value]) => !occurrence || value === original['schedule.type']);
  const typeSelect = el('select', { name: 'schedule.type' }, types.map(([value, text]) => el('option', { value, selected: value === original['schedule.type'] }, text)));
  const showScheduleInputs = () => {
    for (const name of ['start', 'end', 'startDate', 'endDate', 'month', 'timeZone']) {
      const wrapper = form.querySelector(`#f-schedule-${name}`)?.parentElement;
      if (wrapper) wrapper.hidden = !SCHEDULE_FIELDS[typeSelect.value].includes(name);
    }
  };
  typeSelect.addEventListener('change', showScheduleInputs);
  const input = (name, attrs = {}) => el('input', { name, value: original[name] ?? '', ...attrs });
  const languageName = (l) => new Intl.DisplayNames([state.lang], { type: 'language' }).of(l) ?? LANGUAGE_NAMES[l];
  const perLanguage = (prefix, word, make) => LANGS.map((l) => field(`${prefix}.${l}`, t('langName', { field: t(word), lang: languageName(l) }), make(`${prefix}.${l}`, l)));
  const conflictSlot = el('div');
  let scope;
  // Asked before Save says "Saving…": which events the change is for (null: nothing changed, or the person went back).
  const askScope = async (values) => {
    const { patch, changed } = mergePatch(original, values);
    if (!changed.length) {
      showNotice(t('noChanges'));
      return null;
    }
    const { schedule: _schedule, ...fields } = patch;
    scope = await chooseScope('edit', { thisAllowed: Object.keys(fields).every((name) => OCCURRENCE_FIELDS.includes(name)) });
    return scope;
  };
  const saveOccurrence = async (values) => {
    const { patch } = mergePatch(original, values);
    const { schedule, ...fields } = patch;
    const path = `/events/${id}/occurrences/${encodeURIComponent(occurrence.occurrence.recurrenceId)}`;
    if (scope === 'this') {
      await api('PATCH', path, { body: patch, headers: { 'if-match': etag } });
      return { href: eventPath(occurrence) };
    }
    if (scope === 'all') {
      const body = { ...fields, ...(schedule ? { schedule: seriesMovedLike(event.schedule, occurrence.schedule, schedule) } : {}) };
      await api('PATCH', `/events/${id}`, { body, headers: { 'if-match': etag } });
      return { href: `#/e/${id}` };
    }
    // This and following: the series ends before this occurrence and a new one (with the fields changed) continues from it; a move then moves the new series.
    let split;
    try {
      split = await api('POST', `${path}/split`, { body: fields, headers: { 'if-match': etag, 'idempotency-key': idempotencyKey } });
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) idempotencyKey = newIdempotencyKey();
      throw error;
    }
    const next = split.data.schedule;
    if (schedule) await api('PATCH', `/events/${split.data.id}`, { body: { schedule: { ...schedule, ...followingStart(next.recurrence.rule, next, schedule) } }, headers: { 'if-match': split.etag } });
    return { href: `#/e/${split.data.id}` };
  };
  const send = async (values) => {
    if (occurrence) return saveOccurrence(values);
    if (!id) {
      try {
        const created = await api('POST', '/events', { body: createBody(values, params.get('calendar') || 'ato'), headers: { 'idempotency-key': idempotencyKey } });
        return created.data;
      } catch (error) {
        // A refused request recorded nothing, so the next attempt is a new request; a lost answer keeps the key.
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) idempotencyKey = newIdempotencyKey();
        throw error;
      }
    }
    const { patch, changed } = mergePatch(original, values, event.schedule.recurrence?.rule);
    if (!changed.length) {
      showNotice(t('noChanges'));
      return undefined;
    }
    try {
      return (await api('PATCH', `/events/${id}`, { body: patch, headers: { 'if-match': etag } })).data;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 412) throw error;
      const now = await api('GET', `/events/${encodeURIComponent(id)}`);
      const theirs = formValuesOf(now.data);
      const fields = [...new Set([...changed, ...Object.keys({ ...original, ...theirs }).filter((name) => original[name] !== theirs[name])])];
      const retry = async (e) => {
        // Only the fields this person changed go again, now over the current version.
        etag = now.etag;
        e.currentTarget.disabled = true;
        conflictSlot.replaceChildren();
        form.requestSubmit();
      };
      conflictSlot.replaceChildren(conflictPanel(form, fields, values, theirs, retry));
      conflictSlot.querySelector('h2').focus();
      return undefined;
    }
  };
  const form = el('form', { id: 'event-form', novalidate: true, 'data-event-href': occurrence ? eventPath(occurrence) : id ? `#/e/${id}` : '#/', onsubmit: (e) => submit(e, send, (saved) => { if (saved) location.hash = saved.href ?? `#/e/${saved.id}`; }, occurrence ? askScope : undefined) },
    el('h1', {}, id ? tNodes('editing', { title: localizedText(event.title, undefined, 'span') }) : t('newEvent')),
    conflictSlot,
    el('fieldset', {}, el('legend', {}, t('title')), el('div', { class: 'grid' }, perLanguage('title', 'title', (name, l) => input(name, { lang: l, dir: 'auto' })))),
    el('fieldset', {}, el('legend', {}, t('description')), el('div', { class: 'grid' }, perLanguage('description', 'description', (name, l) => el('textarea', { name, lang: l, dir: 'auto', rows: 3 }, original[name] ?? '')))),
    el('fieldset', {}, el('legend', {}, t('schedule')), field('schedule.type', t('type'), typeSelect),
      el('div', { class: 'grid' },
        field('schedule.start', t('start'), input('schedule.start', { type: 'datetime-local' })),
        field('schedule.end', t('end'), input('schedule.end', { type: 'datetime-local' })),
        field('schedule.startDate', t('startDate'), input('schedule.startDate', { type: 'date' })),
        field('schedule.endDate', t('endDate'), input('schedule.endDate', { type: 'date' })),
        field('schedule.month', t('month'), input('schedule.month', { type: 'month' })),
        field('schedule.timeZone', t('zone'), input('schedule.timeZone', { list: 'zones', dir: 'ltr' }))),
      occurrence ? el('p', { class: 'when' }, t('occurrenceOnly')) : null),
    occurrence ? null : recurrenceFieldset(original),
    el('datalist', { id: 'zones' }, ['Asia/Kuwait', 'Asia/Muscat', 'Asia/Shanghai', 'UTC'].map((z) => el('option', { value: z }))),
    el('fieldset', {}, el('legend', {}, t('location')), el('div', { class: 'grid' },
      perLanguage('location.name', 'venueName', (name, l) => input(name, { lang: l, dir: 'auto' })),
      field('location.address', t('address'), input('location.address', { dir: 'auto' })),
      field('location.city', t('city'), input('location.city', { dir: 'auto' })),
      field('location.country', t('country'), input('location.country', { maxlength: 2, dir: 'ltr' })))),
    el('fieldset', {}, el('legend', {}, t('organizer')), el('div', { class: 'grid' },
      field('organizer.name', t('name'), input('organizer.name', { dir: 'auto' })),
      field('organizer.email', t('email'), input('organizer.email', { type: 'email', dir: 'ltr' })))),
    el('div', { class: 'grid' },
      field('kind', t('kind'), choices('kind', ['meeting', 'forum', 'conference', 'other'], original.kind)),
      field('status', t('status'), choices('status', ['tentative', 'confirmed'], original.status)),
      field('visibility', t('visibility'), choices('visibility', ['public', 'private'], original.visibility)),
      field('tags', t('tags'), input('tags', { dir: 'auto' })),
      field('url', t('url'), input('url', { type: 'url', dir: 'ltr' }))),
    el('p', { class: 'form-error', role: 'alert', tabindex: '-1' }),
    el('button', { type: 'submit', id: 'save' }, t('save')));
  showScheduleInputs();
  return { title: id ? t('editing', { title: pickText(event.title) }) : t('newEvent'), nodes: [form] };
}

function secretNotice(secret, extra) {
  const box = el('div', { class: 'secret', role: 'alert' }, el('p', {}, t('secretOnce')), el('code', { id: 'secret', dir: 'ltr' }, secret), extra ? el('p', {}, extra) : null,
    el('button', { type: 'button', onclick: () => box.remove() }, t('stored')));
  return box;
}

const typesText = (types) => types.map((type) => (type === '*' ? '*' : label('change', type))).join(LIST_SEPARATOR[state.lang]);
const viewZone = () => state.zone || deviceZone;
const instantWords = (at) => fmt({ dateStyle: 'medium', timeStyle: 'medium' }, viewZone()).format(Date.parse(at));

async function webhooksPage() {
  if (!state.key) return { title: t('needKey'), nodes: [el('h1', {}, t('needKey'))] };
  const hooks = (await get('/webhooks?limit=200')).items;
  const form = el('form', { id: 'webhook-form', novalidate: true, onsubmit: (e) => submit(e, async (v) => (await api('POST', '/webhooks', { body: { url: v.url, types: (v.types || '*').split(',').map((s) => s.trim()), ...(v.calendars ? { calendars: v.calendars.split(',').map((s) => s.trim()) } : {}) } })).data, async (created) => {
    await render();
    document.getElementById('main').prepend(secretNotice(created.secret));
  }) }, el('fieldset', {}, el('legend', {}, t('newWebhook')), field('url', t('url'), el('input', { name: 'url', type: 'url', required: true, dir: 'ltr' })), field('types', t('types'), el('input', { name: 'types', value: '*', dir: 'ltr' })),
    field('calendars', t('calendars'), el('input', { name: 'calendars', dir: 'ltr' })), el('p', { class: 'form-error', role: 'alert', tabindex: '-1' }), el('button', { type: 'submit' }, t('save'))));
  return {
    title: t('webhooks'),
    nodes: [el('h1', {}, t('webhooks')),
      el('ul', { class: 'events' }, hooks.map((h) => el('li', {}, el('a', { href: `#/w/${h.id}`, dir: 'ltr' }, h.url), h.disabled ? el('span', { class: 'badge cancelled' }, t('disabled')) : null, el('div', { class: 'when' }, typesText(h.types))))),
      form],
  };
}

function attemptText(a) {
  return `${instantWords(a.at)} — ${a.statusCode ? `HTTP ${a.statusCode}` : t('noAnswer')} — ${num(a.durationMs)} ms`;
}

async function webhookPage(id) {
  const hook = await get(`/webhooks/${encodeURIComponent(id)}`);
  const deliveries = (await get(`/webhooks/${encodeURIComponent(id)}/deliveries?limit=100`)).items;
  const out = el('div', { id: 'webhook-outcome', role: 'status' });
  const rows = deliveries.map((d) => el('tr', {},
    el('td', {}, el('code', { dir: 'ltr' }, d.id)), el('td', {}, label('change', d.type)), el('td', {}, label('delivery', d.status)),
    el('td', {}, d.attempts.length ? el('ul', { class: 'attempts' }, d.attempts.map((a) => el('li', {}, attemptText(a)))) : '—'),
    el('td', {}, el('button', { type: 'button', class: 'secondary small', onclick: (e) => act(e.currentTarget, async () => { await api('POST', `/webhooks/${id}/deliveries/${d.id}/retry`); await render(); return t('retried'); }) }, t('retry')))));
  const replayZone = viewZone();
  return {
    title: `${t('webhooks')} — ${hook.url}`,
    nodes: [
      el('h1', { dir: 'ltr' }, hook.url),
      el('p', { class: 'when' }, typesText(hook.types), hook.disabled ? el('span', { class: 'badge cancelled' }, t('disabled')) : null), out,
      el('p', { class: 'toolbar' },
        el('button', { type: 'button', id: 'webhook-test', onclick: (e) => act(e.currentTarget, async () => {
          const { outcome } = (await api('POST', `/webhooks/${id}/test`)).data;
          const ok = outcome?.statusCode >= 200 && outcome.statusCode < 300;
          out.replaceChildren(el('p', {}, ok ? t('testOk', { code: outcome.statusCode, ms: num(outcome.durationMs) }) : t('testFailed', { reason: outcome?.statusCode ? `HTTP ${outcome.statusCode}` : t('noAnswer') })));
        }) }, t('test')),
        el('button', { type: 'button', class: 'secondary', id: 'webhook-rotate', onclick: (e) => act(e.currentTarget, async () => {
          const r = (await api('POST', `/webhooks/${id}/rotate-secret`)).data;
          out.replaceChildren(secretNotice(r.secret, r.previousSecretValidUntil ? t('rotated', { date: instantWords(r.previousSecretValidUntil) }) : null));
        }) }, t('rotate')),
        el('button', { type: 'button', class: 'danger', id: 'webhook-delete', onclick: (e) => act(e.currentTarget, async () => {
          if (!confirm(`${t('deleteWebhook')}?`)) return undefined;
          await api('DELETE', `/webhooks/${id}`);
          location.hash = '#/webhooks';
          return t('deleted');
        }) }, t('deleteWebhook'))),
      el('form', { class: 'toolbar', id: 'replay-form', novalidate: true, onsubmit: (e) => submit(e, async (v) => (await api('POST', `/webhooks/${id}/replay`, { body: { since: v.since ? new Date(instantOf(v.since, replayZone)).toISOString() : '' } })).data, (r) => {
        out.replaceChildren(el('p', {}, t('replayed', { n: num((r.requeued ?? 0) + (r.created ?? 0)) })));
      }) }, field('since', t('replay'), el('input', { name: 'since', type: 'datetime-local', required: true })), el('p', {}, tNodes('timesIn', { zone: zoneName(replayZone) })), el('p', { class: 'form-error', role: 'alert', tabindex: '-1' }), el('button', { type: 'submit' }, t('replayGo'))),
      el('h2', {}, t('deliveries')),
      deliveries.length ? el('table', {}, el('thead', {}, el('tr', {}, [t('delivery'), t('type'), t('status'), t('attempts'), t('actions')].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows)) : el('p', {}, t('noDeliveries')),
    ],
  };
}

const routes = [
  [/^#\/e\/([^/?]+)/, eventPage],
  [/^#\/edit\/([^/?]+)/, eventForm],
  [/^#\/new/, (_, params) => eventForm(undefined, params)],
  [/^#\/w\/([^/?]+)/, webhookPage],
  [/^#\/webhooks/, webhooksPage],
  [/^#\/c\/([^/?]+)/, calendarPage],
];

function renderHeader() {
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === 'ar' ? 'rtl' : 'ltr';
  if (EMBED) return;
  const byId = (id) => document.getElementById(id);
  byId('skip').textContent = t('skip');
  byId('lang-label').textContent = t('language');
  byId('site-nav').setAttribute('aria-label', t('site'));
  byId('lang').value = state.lang;
  byId('sign-in').textContent = t('signIn');
  byId('sign-in').hidden = !!state.key;
  byId('signed-in').textContent = t('signedIn');
  byId('signed-in').hidden = !state.key;
  byId('sign-out').textContent = t('signOut');
  byId('sign-out').hidden = !state.key;
  byId('key-label').textContent = t('apiKey');
  byId('key-use').textContent = t('use');
  if (state.key) byId('key-form').hidden = true;
  byId('sign-in').setAttribute('aria-expanded', String(!byId('key-form').hidden));
}

const embeddedCalendar = () => decodeURIComponent(location.pathname.split('/')[2] || 'ato');

/** Shows the page the address names; after a navigation, focus goes to its heading so screen readers announce it. */
async function render({ focus = false } = {}) {
  renderHeader();
  const main = document.getElementById('main');
  const hash = location.hash || (EMBED ? `#/c/${embeddedCalendar()}?${query0}` : '#/c/ato');
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const [pattern, page] = (EMBED ? null : routes.find(([p]) => p.test(hash))) ?? [/^#\/c\/([^/?]+)/, calendarPage];
  main.setAttribute('aria-busy', 'true');
  try {
    const { title, nodes } = await page((pattern.exec(hash) ?? [])[1] ?? (EMBED ? embeddedCalendar() : 'ato'), params);
    const nav = EMBED ? null : el('nav', { class: 'toolbar crumbs', 'aria-label': t('sections') }, el('a', { href: '#/c/ato' }, t('calendar')), state.key ? el('a', { href: '#/webhooks' }, t('webhooks')) : null);
    main.replaceChildren(...[nav, nodes].flat(Infinity).filter(Boolean));
    document.title = `${title} — ${t('site')}`;
  } catch (error) {
    main.replaceChildren(el('h1', {}, error instanceof ApiError && error.status === 404 ? t('notFoundPage') : problemText(error)), el('p', {}, el('a', { href: '#/c/ato' }, t('calendar'))));
    document.title = `${main.querySelector('h1').textContent} — ${t('site')}`;
  }
  main.removeAttribute('aria-busy');
  const heading = main.querySelector('h1');
  if (focus && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

if (!EMBED) {
  document.getElementById('lang').addEventListener('change', (e) => {
    state.lang = e.target.value;
    localStorage.setItem('taqweem.lang', state.lang);
    showNotice('');
    render({ focus: true });
  });
  document.getElementById('sign-in').addEventListener('click', () => {
    const form = document.getElementById('key-form');
    form.hidden = !form.hidden;
    renderHeader();
    if (!form.hidden) document.getElementById('key').focus();
  });
  document.getElementById('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('key');
    state.key = input.value.trim();
    input.value = '';
    if (state.key) sessionStorage.setItem('taqweem.key', state.key);
    showNotice('');
    render({ focus: true });
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    forgetKey();
    render({ focus: true });
  });
}
addEventListener('hashchange', () => {
  showNotice('');
  render({ focus: true });
});
render();
