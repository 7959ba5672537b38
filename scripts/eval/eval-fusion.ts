/**
 * `--fusion` specs of the eval command: `MODE[:key=value,...]`, e.g. `rrf`,
 * `rrf:keyword=0,rrfK=20`, `linear:image=0.5,text=1,keyword=2`. Keys: image, text, keyword
 * (weights >= 0) and rrfK (a positive integer). `default` sends no fusion input at all.
 */
import type { FusionSetting } from './eval-client';
import type { NamedFusion } from './eval-run';

const KEYS = { image: 'imageWeight', text: 'textWeight', keyword: 'keywordWeight' } as const;

export function parseFusion(spec: string): NamedFusion {
  const [modePart = '', params = ''] = spec.split(':', 2);
  const mode = modePart.trim().toUpperCase();
  if (mode === 'DEFAULT' && params === '') return { name: 'default' };
  if (mode !== 'RRF' && mode !== 'LINEAR') {
    throw new TypeError(`--fusion ${spec}: mode must be rrf, linear or default`);
  }
  const setting: Record<string, number | string> = { mode };
  for (const pair of params.split(',').filter((p) => p.trim() !== '')) {
    const [key = '', raw = ''] = pair.split('=', 2).map((s) => s.trim());
    const value = Number(raw);
    if (key === 'rrfK' && Number.isSafeInteger(value) && value > 0) {
      setting['rrfK'] = value;
    } else if (key in KEYS && raw !== '' && Number.isFinite(value) && value >= 0) {
      setting[KEYS[key as keyof typeof KEYS]] = value;
    } else {
      throw new TypeError(
        `--fusion ${spec}: "${pair}" is not image=, text=, keyword= (a weight >= 0) or rrfK= (an integer > 0)`,
      );
    }
  }
  return { name: spec, fusion: setting as FusionSetting };
}
