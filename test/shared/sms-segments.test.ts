import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isGsm7, smsSegments } from '../../src/shared/sms-segments.ts';

describe('SMS segments (GSM-7 160/153, UCS-2 70/67)', () => {
  const seg = (s: string) => smsSegments(s);

  test('empty text is no segment', () => {
    assert.deepEqual(seg(''), { encoding: 'gsm7', segments: 0, units: 0, perSegment: 160, remaining: 160 });
  });

  test('GSM-7 boundaries: 160 is one, 161 two, 306 two, 307 three', () => {
    assert.deepEqual([seg('a'.repeat(160)).segments, seg('a'.repeat(160)).remaining], [1, 0]);
    assert.deepEqual([seg('a'.repeat(161)).segments, seg('a'.repeat(161)).remaining], [2, 145]);
    assert.equal(seg('a'.repeat(306)).segments, 2);
    assert.equal(seg('a'.repeat(307)).segments, 3);
    assert.equal(seg('a'.repeat(307)).perSegment, 153);
  });

  test('extension characters count double and are not split across segments', () => {
    assert.deepEqual([seg('€'.repeat(80)).units, seg('€'.repeat(80)).segments], [160, 1]);
    assert.equal(seg(`${'a'.repeat(159)}€`).segments, 2);
    // 152 septets, then an escape pair that would straddle the boundary: it moves whole to segment 2.
    const s = seg(`${'a'.repeat(152)}[${'a'.repeat(10)}`);
    assert.equal(s.units, 164);
    assert.equal(s.segments, 2);
    assert.equal(s.remaining, 153 - 12);
    for (const ch of '^{}\\[~]|€\f') assert.equal(seg(ch).units, 2, JSON.stringify(ch));
  });

  test('GSM-7 letters outside ASCII stay GSM-7; one character outside makes it all UCS-2', () => {
    assert.equal(isGsm7('Ça coûte £5 à Zürich? ¿Sí! Δ'), false); // û is not GSM-7
    assert.equal(isGsm7('Ça coute £5 à Zürich? ¿Sí! Δ'.replace('í', 'i')), true);
    assert.equal(seg('Hello ✓').encoding, 'ucs2');
    assert.deepEqual([seg('你'.repeat(70)).segments, seg('你'.repeat(71)).segments], [1, 2]);
    assert.equal(seg('你'.repeat(134)).segments, 2);
    assert.equal(seg('你'.repeat(135)).segments, 3);
    assert.equal(seg(`${'a'.repeat(100)}é`).encoding, 'gsm7');
    assert.equal(seg(`${'a'.repeat(100)}á`).encoding, 'ucs2');
  });

  test('an emoji is two UCS-2 units and is never split', () => {
    assert.equal(seg('😀').units, 2);
    assert.deepEqual([seg('😀'.repeat(35)).segments, seg('😀'.repeat(35)).remaining], [1, 0]);
    assert.equal(seg(`${'x'.repeat(68)}😀`).segments, 1);
    // 66 units, then the pair that would straddle the boundary moves whole to segment 2.
    const s = seg(`${'x'.repeat(66)}😀${'x'.repeat(3)}`);
    assert.equal(s.segments, 2);
    assert.equal(s.remaining, 67 - 5);
  });

  test('what the composer shows: segments and characters left', () => {
    const s = seg('Your case CS-1042 is resolved. Reply STOP to opt out.');
    assert.deepEqual([s.segments, s.remaining], [1, 160 - 53]);
  });
});
