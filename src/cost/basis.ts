// How a cost figure was obtained, or why there is none, in both report languages (the report's Bilingual fields:
// renderers pick one). Measured data inside a sentence (paths, commands, counts, a tool's own words) stays as read.
import type { Bilingual } from '../model.js';

export type Basis = Bilingual;

export const basis = (en: string, ja: string): Basis => ({ en, ja });

/** The same text in both languages: a tool's own words, a path, a command line. */
export const verbatim = (text: string): Basis => ({ en: text, ja: text });

/** Joins bases per language (`; ` / `；` by default). */
export function joinBases(parts: readonly Basis[], en = '; ', ja = '；'): Basis {
  return { en: parts.map((p) => p.en).join(en), ja: parts.map((p) => p.ja).join(ja) };
}

/** Builds one basis from others, per language: `f` gets each part's text in that language. */
export function composeBasis(f: (lang: 'en' | 'ja', text: (b: Basis) => string) => string): Basis {
  return { en: f('en', (b) => b.en), ja: f('ja', (b) => b.ja) };
}

/** A basis read from a stored report or a finding's facts: older runs wrote English text only. */
export function asBasis(value: unknown): Basis {
  if (typeof value === 'string') return verbatim(value);
  const v = value as Partial<Basis> | null | undefined;
  return { en: typeof v?.en === 'string' ? v.en : '', ja: typeof v?.ja === 'string' ? v.ja : (v?.en ?? '') };
}
