// The sampler lab: sliders for temperature, top-k, top-p and min-p. Moving one recomputes the final
// distribution here in the webview; the host is not asked, because it already sent every probability.
import { NEUTRAL_SAMPLER, type SampledDistribution, type SamplerSettings } from '../../core/lens/distributionMath';
import { button, el, section } from '../common/dom';
import { createSamplerChart } from './samplerChart';
import { formatSlider, SLIDERS, type SliderSpec } from './samplerModel';

export interface SamplerLab {
  root: HTMLElement;
  /** Moves the sliders; returns the settings as the sliders could take them. */
  setSettings(settings: SamplerSettings): SamplerSettings;
  /**
   * Draws the chart of `sorted` (the raw probabilities, descending) and of `final`, what the samplers leave of them at
   * `settings`, and says how many ranks are kept (with `tailKnown` false, `sorted` is only the top tokens a server
   * sent, and the lab says so). Runs on every slider move: the chart draws a few hundred
   * points whatever the vocabulary's size.
   */
  draw(sorted: Float32Array, settings: SamplerSettings, final: SampledDistribution, tailKnown: boolean): void;
}

/**
 * `committed` is false while a slider is being dragged (an `input` event) and true when it is let go
 * or reset, so the caller can save state on release rather than on every pixel.
 */
export type SettingsListener = (settings: SamplerSettings, committed: boolean) => void;

interface SliderHandle {
  spec: SliderSpec;
  input: HTMLInputElement;
  value: HTMLElement;
}

function slider(spec: SliderSpec): SliderHandle {
  const input = el('input', { testId: spec.testId, attrs: { id: spec.testId, 'aria-label': spec.label } });
  input.type = 'range';
  input.min = String(spec.min);
  input.max = String(spec.max);
  input.step = String(spec.step);
  const value = el('output', { className: 'num', testId: `${spec.testId}-value`, attrs: { for: spec.testId } });
  return { spec, input, value };
}

export function createSamplerLab(onChange: SettingsListener): SamplerLab {
  const { root, body } = section('Sampler lab', 'sampler-lab');
  const sliders = SLIDERS.map(slider);
  const read = (): SamplerSettings => {
    const settings = { ...NEUTRAL_SAMPLER };
    for (const { spec, input, value } of sliders) {
      settings[spec.key] = input.valueAsNumber;
      value.textContent = formatSlider(spec, input.valueAsNumber);
    }
    return settings;
  };
  for (const { spec, input, value } of sliders) {
    body.append(el('div', { className: 'slider' }, el('label', { text: spec.label, attrs: { for: spec.testId } }), input, value));
    input.addEventListener('input', () => onChange(read(), false));
    input.addEventListener('change', () => onChange(read(), true));
  }
  // Below the sliders, so the chart a slider reshapes is right under the hand moving it.
  const chart = createSamplerChart();
  body.append(chart.root);
  const kept = el('p', { className: 'kept', testId: 'kept-count' });
  const setSettings = (settings: SamplerSettings): SamplerSettings => {
    // The browser clamps and snaps a range input's value, so reading it back gives what the slider shows.
    for (const { spec, input } of sliders) input.value = String(settings[spec.key]);
    return read();
  };
  const reset = button('Reset', { testId: 'sampler-reset', title: 'Back to the raw distribution' },
    () => onChange(setSettings(NEUTRAL_SAMPLER), true));
  const tailNote = el('p', { className: 'hint', testId: 'tail-note' });
  body.append(el('div', { className: 'lab-footer' }, kept, reset), tailNote);
  const setKept = (count: number, total: number, tailKnown: boolean): void => {
    kept.textContent = `kept ${count} tokens (of ${total})`;
    tailNote.hidden = tailKnown;
    tailNote.textContent = tailKnown ? '' : `The server sends only the top ${total} tokens, so the tail is not known exactly: `
      + `the lab renormalises over these ${total}, and the entropy shown is a lower bound.`;
  };
  const draw = (sorted: Float32Array, settings: SamplerSettings, final: SampledDistribution, tailKnown: boolean): void => {
    chart.update(sorted, settings, final);
    setKept(final.kept, sorted.length, tailKnown);
  };
  return { root, setSettings, draw };
}
