// Vietnamese (default) and English texts of the UI; the choice is kept in localStorage.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './texts/en.ts';
import { vi, type TextKey } from './texts/vi.ts';

export type { TextKey };

export type Lang = 'vi' | 'en';

const dictionaries: Record<Lang, Record<TextKey, string>> = { vi, en };

export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem('ccs.lang');
    if (saved === 'vi' || saved === 'en') return saved;
  } catch {
    /* storage unavailable */
  }
  return 'vi';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem('ccs.lang', lang);
  } catch {
    /* storage unavailable */
  }
  document.documentElement.lang = lang;
}

export type Translate = (key: TextKey | string, fallback?: string) => string;

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, fallback) => (dict as Record<string, string>)[key] ?? fallback ?? key;
}

export const I18n = createContext<{ lang: Lang; t: Translate; setLang(lang: Lang): void }>({ lang: 'vi', t: translator('vi'), setLang: () => {} });

export const useI18n = () => useContext(I18n);
