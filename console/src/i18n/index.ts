import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

// Every console/src/i18n/<area>.ts exports `en` and `zh` (or a default `{en, zh}`); the area is the namespace.
type Strings = Record<string, unknown>;
type AreaModule = { en?: Strings; zh?: Strings; default?: { en: Strings; zh: Strings } };
const modules = import.meta.glob<AreaModule>('./*.ts', { eager: true });

const resources: Record<'en' | 'zh-CN', Record<string, Strings>> = { en: {}, 'zh-CN': {} };
for (const [file, mod] of Object.entries(modules)) {
  const area = file.replace(/^\.\//, '').replace(/\.ts$/, '');
  if (area === 'index') continue;
  const en = mod.en ?? mod.default?.en;
  const zh = mod.zh ?? mod.default?.zh;
  if (en) resources.en[area] = en;
  if (zh) resources['zh-CN'][area] = zh;
}

export const LANG_KEY = 'mxhub.lang';
export const LANGUAGES = ['en', 'zh-CN'] as const;

function initialLanguage(): string {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // React escapes
});
document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  localStorage.setItem(LANG_KEY, lng);
});

export default i18n;
