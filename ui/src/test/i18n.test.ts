import { describe, expect, it } from 'vitest';
import { CATALOGUES, detectLocale, fmt, LOCALES } from '../i18n';
import { translateFeedback } from '../i18n/feedback';

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k)).sort();
}

describe('message catalogues', () => {
  it('all three locales have exactly the same keys', () => {
    const en = keys(CATALOGUES.en);
    expect(en.length).toBeGreaterThan(100);
    for (const l of LOCALES) expect(keys(CATALOGUES[l]), l).toEqual(en);
  });

  it('no message is empty and placeholders match across locales', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    const flat = (obj: unknown, p = ''): Array<[string, string]> =>
      typeof obj === 'string' ? [[p, obj]] : Object.entries(obj as object).flatMap(([k, v]) => flat(v, `${p}.${k}`));
    const en = new Map(flat(CATALOGUES.en));
    for (const l of LOCALES) {
      for (const [k, v] of flat(CATALOGUES[l])) {
        expect(v.trim(), `${l}${k}`).not.toBe('');
        expect(placeholders(v), `${l}${k}`).toBe(placeholders(en.get(k) ?? ''));
      }
    }
  });

  it('no error message is just its code', () => {
    for (const l of LOCALES) for (const [code, text] of Object.entries(CATALOGUES[l].errors)) expect(text).not.toContain(code);
  });
});

describe('system locale', () => {
  it.each([
    [['zh-CN'], 'zh-CN'],
    [['zh-SG'], 'zh-CN'],
    [['zh-Hans'], 'zh-CN'],
    [['zh-Hans-HK'], 'zh-CN'],
    [['zh'], 'zh-CN'],
    [['zh-TW'], 'zh-TW'],
    [['zh-HK'], 'zh-TW'],
    [['zh-MO'], 'zh-TW'],
    [['zh-Hant'], 'zh-TW'],
    [['zh-Hant-CN'], 'zh-TW'],
    [['en-US'], 'en'],
    [['fr-FR', 'de'], 'en'],
    [['fr-FR', 'zh-TW'], 'zh-TW'],
    [[], 'en'],
  ])('%j → %s', (langs, want) => {
    expect(detectLocale(langs)).toBe(want);
  });
});

describe('helpers', () => {
  it('fills placeholders', () => {
    expect(fmt('Hello, {name}', { name: '李明' })).toBe('Hello, 李明');
    expect(fmt('{a} {missing}', { a: 1 })).toBe('1 {missing}');
  });

  it('translates zxcvbn feedback and passes unknown text through', () => {
    expect(translateFeedback('This is a top-10 common password.', 'zh-CN')).toBe('这是最常见的 10 个密码之一。');
    expect(translateFeedback('Avoid sequences.', 'zh-TW')).toBe('避免連續序列。');
    expect(translateFeedback('Something new.', 'zh-CN')).toBe('Something new.');
  });
});
