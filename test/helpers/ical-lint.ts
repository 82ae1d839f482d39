/**
 * An RFC 5545 lint for what our feeds must be: the rules calendar apps are least forgiving about.
 * Returns the problems found; an empty list is a pass.
 */
const KNOWN = new Set([
  'BEGIN',
  'END',
  'VERSION',
  'PRODID',
  'CALSCALE',
  'NAME',
  'DESCRIPTION',
  'X-WR-CALNAME',
  'X-WR-CALDESC',
  'X-WR-TIMEZONE',
  'REFRESH-INTERVAL',
  'X-PUBLISHED-TTL',
  'TZID',
  'X-LIC-LOCATION',
  'DTSTART',
  'TZOFFSETFROM',
  'TZOFFSETTO',
  'UID',
  'DTSTAMP',
  'CREATED',
  'LAST-MODIFIED',
  'SEQUENCE',
  'DTEND',
  'SUMMARY',
  'LOCATION',
  'STATUS',
  'TRANSP',
  'CLASS',
  'CATEGORIES',
  'URL',
  'ORGANIZER',
  'ATTENDEE',
  // rfeeds (#14): a series' master and its changed occurrences.
  'RRULE',
  'EXDATE',
  'RDATE',
  'RECURRENCE-ID',
]);

export function unfold(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .slice(0, -1);
}

export function lintICalendar(ics: string): string[] {
  const problems: string[] = [];
  if (!ics.endsWith('\r\n')) problems.push('does not end with CRLF');
  const physical = ics.split('\r\n');
  physical.forEach((line, i) => {
    if (/[\r\n]/.test(line)) problems.push(`line ${i + 1}: bare CR or LF`);
    if (Buffer.byteLength(line, 'utf8') > 75) problems.push(`line ${i + 1}: longer than 75 octets`);
    if (line.includes('\uFFFD')) problems.push(`line ${i + 1}: a UTF-8 character was split`);
  });
  const lines = unfold(ics);
  const stack: string[] = [];
  const tzidsDefined = new Set<string>();
  const tzidsUsed = new Set<string>();
  let seenComponent = false;
  let event: Record<string, string> | undefined;
  for (const line of lines) {
    const match = /^([A-Z][A-Z0-9-]*)((?:;[A-Z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)$/.exec(line);
    if (!match) {
      problems.push(`not a content line: ${JSON.stringify(line.slice(0, 60))}`);
      continue;
    }
    const [, name, params, value] = match as unknown as [string, string, string, string];
    if (!KNOWN.has(name)) problems.push(`unexpected property ${name} (injected?)`);
    if (name === 'METHOD') problems.push('METHOD must not appear in a subscribed feed');
    if (name === 'BEGIN') {
      if (stack.length === 1) seenComponent = true;
      stack.push(value);
      if (value === 'VEVENT') event = {};
      continue;
    }
    if (name === 'END') {
      if (stack.pop() !== value) problems.push(`END:${value} does not close its BEGIN`);
      if (value === 'VEVENT' && event) {
        for (const required of ['UID', 'DTSTAMP', 'DTSTART', 'SUMMARY', 'SEQUENCE']) if (!(required in event)) problems.push(`VEVENT without ${required}`);
        event = undefined;
      }
      continue;
    }
    if (stack.length === 1 && seenComponent) problems.push(`calendar property ${name} after the first component`);
    if (stack.at(-1) === 'VTIMEZONE' && name === 'TZID') tzidsDefined.add(value);
    const tzid = /;TZID=([^;:]+)/.exec(params)?.[1];
    if (tzid) tzidsUsed.add(tzid);
    if (event && stack.at(-1) === 'VEVENT') {
      event[name] = value;
      if (['DTSTAMP', 'CREATED', 'LAST-MODIFIED'].includes(name) && !/^\d{8}T\d{6}Z$/.test(value)) problems.push(`${name} is not UTC: ${value}`);
      if (name === 'SEQUENCE' && !/^\d+$/.test(value)) problems.push(`SEQUENCE is not an integer: ${value}`);
      if (['DTSTART', 'DTEND', 'RECURRENCE-ID', 'EXDATE', 'RDATE'].includes(name) && !tzid && !params.includes('VALUE=DATE') && !value.endsWith('Z')) problems.push(`${name} is floating: ${value}`);
      if (name === 'ORGANIZER' && !/^(mailto:|invalid:nomail$)/.test(value)) problems.push(`ORGANIZER value: ${value}`);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (lines[0] !== 'BEGIN:VCALENDAR') problems.push('does not begin with BEGIN:VCALENDAR');
  for (const required of ['VERSION:2.0', 'PRODID:']) if (!lines.some((l) => l.startsWith(required))) problems.push(`no ${required}`);
  for (const tzid of tzidsUsed) if (!tzidsDefined.has(tzid)) problems.push(`TZID ${tzid} has no VTIMEZONE`);
  return problems;
}
