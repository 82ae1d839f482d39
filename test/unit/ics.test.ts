import { describe, expect, it } from 'vitest';
import { contentLine, fold, paramValue, raw, text } from '#feeds/ics';
import { vtimezone } from '#feeds/vtimezone';

describe('content lines', () => {
  it('fold at 75 octets, never inside a UTF-8 character, with CRLF and a leading space', () => {
    const line = `SUMMARY:${'ع'.repeat(50)}${'😀'.repeat(20)}`;
    const folded = fold(line);
    const physical = folded.split('\r\n').slice(0, -1);
    expect(physical.length).toBeGreaterThan(2);
    for (const part of physical) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    expect(physical.slice(1).every((part) => part.startsWith(' '))).toBe(true);
    expect(physical.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
  });

  it('escape TEXT and turn every line break into \\n', () => {
    expect(text('a;b,c\\d')).toBe('a\\;b\\,c\\\\d');
    expect(text('1\r\n2\n3\r4\u20285\u20296\x857')).toBe('1\\n2\\n3\\n4\\n5\\n6\\n7');
    expect(text('bell\x07')).toBe('bell');
  });

  it('keep parameter values and URIs from ending the line or the parameter', () => {
    // RFC 6868: quotes, line breaks and carets are caret-encoded, never dropped.
    expect(paramValue('Lin "x"; y')).toBe(`"Lin ^'x^'; y"`);
    expect(paramValue('a^b')).toBe('a^^b');
    expect(raw('https://a.example/\r\nATTENDEE:x')).toBe('https://a.example/ATTENDEE:x');
    expect(contentLine('ATTENDEE', 'mailto:a@b.example', { CN: 'A\r\nB\x07' })).toBe('ATTENDEE;CN=A^nB :mailto:a@b.example\r\n');
  });
});

describe('VTIMEZONE from Intl', () => {
  it('keeps the IANA name and the offset of a zone without daylight saving', () => {
    const component = vtimezone('Asia/Muscat', 2025, 2027);
    expect(component).toContain('TZID:Asia/Muscat\r\n');
    expect(component).not.toContain('Dubai');
    expect(component).toContain('TZOFFSETTO:+0400\r\n');
    expect(component).not.toContain('DAYLIGHT');
  });

  it('lists every transition of a zone with daylight saving, in local time before the change', () => {
    const component = vtimezone('Europe/Berlin', 2026, 2026);
    expect(component).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT');
    expect(component).toContain('BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD');
  });
});
