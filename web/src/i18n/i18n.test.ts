import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';
import { detectLang, format } from './format-helpers';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have exactly the same keys', () => {
    const a = Object.keys(en).sort();
    const b = Object.keys(zhCN).sort();
    expect(b.filter((k) => !a.includes(k))).toEqual([]);
    expect(a.filter((k) => !b.includes(k))).toEqual([]);
  });

  it('have no empty text', () => {
    for (const [k, v] of [...Object.entries(en), ...Object.entries(zhCN)]) expect(v.trim(), k).not.toBe('');
  });

  it('use the same parameters in both languages', () => {
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(zhCN[k]), k).toEqual(placeholders(en[k]));
    }
  });

  it('really translate: Chinese text contains Chinese characters', () => {
    // Exceptions are texts that are the same in both (codes, names).
    const untranslated = Object.entries(zhCN).filter(([, v]) => !/[\u4e00-\u9fff]/.test(v));
    expect(untranslated.map(([k]) => k)).toEqual([]);
  });
});

describe('detectLang', () => {
  it('prefers a stored choice', () => {
    expect(detectLang('en', ['zh-CN'])).toBe('en');
    expect(detectLang('zh-CN', ['en-US'])).toBe('zh-CN');
  });
  it('follows the browser', () => {
    expect(detectLang(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLang(null, ['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLang('garbage', ['de'])).toBe('en');
  });
});

describe('format', () => {
  it('fills parameters and leaves unknown ones', () => {
    expect(format('共 {total} 条', { total: 3 })).toBe('共 3 条');
    expect(format('{a} {b}', { a: 'x' })).toBe('x {b}');
  });
});
