// Dates and numbers as each language writes them. Reports show UTC so the same report reads the same everywhere.
import type { Lang } from '../../model.js';

const LOCALE: Record<Lang, string> = { en: 'en-GB', ja: 'ja-JP' };
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatNumber(n: number, lang: Lang, maxFractionDigits = 1): string {
  const key = `${lang}:${maxFractionDigits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: maxFractionDigits });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

export function formatPercent(ratio: number, lang: Lang): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${formatNumber(Math.floor(ratio * 1000 + 1e-9) / 10, lang)}%`;
}

/** "23 Nov 2026, 16:58 UTC" / "2026年11月23日 16:58 UTC"; the raw string back when it is not a date. */
export function formatDateTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let f = dateFormats.get(`dt:${lang}`);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE[lang], {
      dateStyle: lang === 'ja' ? 'long' : 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    });
    dateFormats.set(`dt:${lang}`, f);
  }
  return `${f.format(d)} UTC`;
}

/** "23 Nov 2026" / "2026年11月23日". */
export function formatDate(iso: string, lang: Lang): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  let f = dateFormats.get(`d:${lang}`);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: lang === 'ja' ? 'long' : 'medium', timeZone: 'UTC' });
    dateFormats.set(`d:${lang}`, f);
  }
  return f.format(d);
}
