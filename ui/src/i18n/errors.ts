import { FluentBundle, FluentResource } from '@fluent/bundle';
// The one message catalogue (core/wallet-i18n): the same files the CLI and the SDK embed.
import enSource from '../../../core/wallet-i18n/locales/en/errors.ftl?raw';
import zhCNSource from '../../../core/wallet-i18n/locales/zh-CN/errors.ftl?raw';
import zhTWSource from '../../../core/wallet-i18n/locales/zh-TW/errors.ftl?raw';
import type { Locale } from './index';

export const ERROR_SOURCES: Record<Locale, string> = { en: enSource, 'zh-CN': zhCNSource, 'zh-TW': zhTWSource };

const bundles = new Map<Locale, FluentBundle>();

/** The locale's bundle of error messages, parsed on first use. */
export function errorBundle(locale: Locale): FluentBundle {
  let bundle = bundles.get(locale);
  if (!bundle) {
    // No isolation marks: the messages take no arguments, and the three languages are all
    // left-to-right (the same choice as the Rust side, where terminals would show the marks).
    bundle = new FluentBundle(locale, { useIsolating: false });
    // Syntax errors and duplicate ids fail the catalogue's Rust tests and the vitest suite.
    bundle.addResource(new FluentResource(ERROR_SOURCES[locale]));
    bundles.set(locale, bundle);
  }
  return bundle;
}

/**
 * What to tell the user about an error code in `locale`: the catalogue's message, then its
 * `.desktop` hint (the screen that helps) when it has one; `undefined` for a code the catalogue
 * does not know (a newer server).
 */
export function errorMessage(code: string, locale: Locale): string | undefined {
  const bundle = errorBundle(locale);
  const message = bundle.getMessage(code);
  if (!message?.value) return undefined;
  const text = bundle.formatPattern(message.value);
  const hint = message.attributes['desktop'];
  if (!hint) return text;
  // Chinese sentences follow each other without a space.
  return `${text}${locale === 'en' ? ' ' : ''}${bundle.formatPattern(hint)}`;
}
