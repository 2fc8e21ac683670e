import { describe, expect, it } from 'vitest';
import { CATALOGUES, detectLocale, fmt, LOCALES } from '../i18n';
import { translateFeedback } from '../i18n/feedback';
import { errorBundle, errorMessage, ERROR_SOURCES } from '../i18n/errors';
import errorCodeTs from '../generated/ErrorCode.ts?raw';

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

});

/** Every code the Rust core can send, read from the generated union type. */
const ERROR_CODES = [...errorCodeTs.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]!);

describe('error messages (the Fluent catalogue in core/wallet-i18n)', () => {
  it('every generated ErrorCode has a message in all three languages', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(90);
    for (const l of LOCALES) {
      for (const code of ERROR_CODES) {
        const text = errorMessage(code, l);
        expect(text, `${code} in ${l}`).toBeTruthy();
        expect(text, `${code} in ${l}`).not.toContain(code);
        expect(text, `${code} in ${l}`).not.toContain('{');
      }
    }
  });

  it('every message of each file reaches the bundle (no syntax error drops one)', () => {
    for (const l of LOCALES) {
      const ids = [...ERROR_SOURCES[l].matchAll(/^([A-Za-z][\w-]*) =/gm)].map((m) => m[1]!);
      expect(ids.length, l).toBe(ERROR_CODES.length);
      for (const id of ids) expect(errorBundle(l).hasMessage(id), `${id} in ${l}`).toBe(true);
    }
  });

  it('adds the desktop hint, and only the desktop one', () => {
    expect(errorMessage('ACCOUNT_FROZEN', 'en')).toBe(
      'Your account is frozen (a phone was reported lost), so no money can leave it. Unfreeze it under Account security.',
    );
    expect(errorMessage('ACCOUNT_FROZEN', 'zh-CN')).toBe('您的账户已冻结（有手机被挂失），资金无法转出。请在“账户安全”中解冻。');
    expect(errorMessage('PIN_REQUIRED', 'en')).not.toContain('--pin-stdin');
    expect(errorMessage('NO_SUCH_CODE', 'zh-TW')).toBeUndefined();
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
