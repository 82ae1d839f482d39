/** Audit F9: the byte scan that names where a body stops being UTF-8 agrees with Node's own validator. */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidByte, strictText } from '#http/body';

describe('firstInvalidByte', () => {
  it('finds the first byte that is not UTF-8, and none in UTF-8 (any bytes, and text with bytes spliced in)', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc
        .tuple(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.uint8Array({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 6 }))
        .map(([a, b, c]) => Buffer.concat([Buffer.from(a), Buffer.from(b), Buffer.from(c)])),
    );
    fc.assert(
      fc.property(bytes, (array) => {
        const raw = Buffer.from(array);
        const { offset } = firstInvalidByte(raw);
        // The oracle: the longest prefix Node's validator accepts ends where the first bad sequence starts.
        let longest = 0;
        for (let end = 0; end <= raw.length; end++) if (isUtf8(raw.subarray(0, end))) longest = end;
        expect(offset).toBe(longest);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the line and the byte of the audit examples', () => {
    const raw = Buffer.concat([Buffer.from('BEGIN:VCALENDAR\r\nSUMMARY:Caf'), Buffer.from([0xc3]), Buffer.from('\r\n')]);
    expect(firstInvalidByte(raw)).toEqual({ offset: 28, byte: 0xc3, line: 2 });
    expect(firstInvalidByte(Buffer.from([0x41, 0xed, 0xa0, 0x80]))).toMatchObject({ offset: 1, byte: 0xed });
    expect(firstInvalidByte(Buffer.from([0xf0, 0x9f, 0x97, 0x93, 0xc0, 0xaf]))).toMatchObject({ offset: 4, byte: 0xc0 });
    expect(() => strictText(raw)).toThrow(/0xC3 at byte offset 28 \(line 2\)/);
  });
});
