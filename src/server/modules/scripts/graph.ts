import type { ScriptStepInputDto } from '../../../shared/contracts/scripts.ts';
import { scanTemplate } from '../../../shared/templating.ts';
import { type FieldError, fieldError, problemAt } from '../../platform/errors.ts';

/** The targets a step may go on to: its `next`, or each choice's. */
export const targetsOf = (s: ScriptStepInputDto): string[] =>
  s.choices ? s.choices.map((c) => c.next) : s.next ? [s.next] : [];

/**
 * Everything wrong with a script's steps, as field errors under `at` (e.g. `/body/steps`): repeated
 * ids, a step with both `next` and `choices`, a target that names no step, a step pointing at itself,
 * repeated choice labels, unknown variables, no end step, a step the first cannot reach, and a step
 * from which no end can be reached (the officer would be stuck in a loop).
 */
export function scriptProblems(steps: ScriptStepInputDto[], at = '/body/steps'): FieldError[] {
  const out: FieldError[] = [];
  const text: FieldError[] = [];
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (index.has(s.id))
      out.push(fieldError(`${at}/${i}/id`, 'repeatsStepId', `repeats the step id "${s.id}"`, { id: s.id }));
    else index.set(s.id, i);
  });
  steps.forEach((s, i) => {
    const here = `${at}/${i}`;
    for (const p of scanTemplate(s.text).problems) text.push(problemAt(`${here}/text`, p));
    if (s.choices && s.next) {
      out.push(fieldError(here, 'nextAndChoices', 'has both next and choices: a step does one or the other'));
    }
    if (!s.choices && s.next) {
      if (!index.has(s.next))
        out.push(fieldError(`${here}/next`, 'noSuchStep', `names no step: "${s.next}"`, { id: s.next }));
      else if (s.next === s.id)
        out.push(fieldError(`${here}/next`, 'pointsAtItself', 'points at the step itself'));
    }
    const labels = new Set<string>();
    s.choices?.forEach((c, j) => {
      const label = c.label.trim().toLowerCase();
      if (labels.has(label))
        out.push(fieldError(`${here}/choices/${j}/label`, 'repeatsChoice', 'repeats another choice'));
      labels.add(label);
      if (!index.has(c.next)) {
        out.push(
          fieldError(`${here}/choices/${j}/next`, 'noSuchStep', `names no step: "${c.next}"`, { id: c.next }),
        );
      } else if (c.next === s.id) {
        out.push(fieldError(`${here}/choices/${j}/next`, 'pointsAtItself', 'points at the step itself'));
      }
    });
  });
  // The shape of the graph only means something once every target resolves.
  if (out.length) return [...text, ...out];
  out.push(...text);

  const ends = steps.filter((s) => targetsOf(s).length === 0).map((s) => s.id);
  if (!ends.length) {
    return [...out, fieldError(at, 'needsEndStep', 'needs an end step (one with neither next nor choices)')];
  }
  const reached = new Set<string>([steps[0]!.id]);
  const queue = [steps[0]!.id];
  while (queue.length) {
    for (const t of targetsOf(steps[index.get(queue.shift()!)!]!)) {
      if (!reached.has(t)) {
        reached.add(t);
        queue.push(t);
      }
    }
  }
  // Walk backwards from the ends: what is not met can never finish.
  const finishes = new Set<string>(ends);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of steps) {
      if (!finishes.has(s.id) && targetsOf(s).some((t) => finishes.has(t))) {
        finishes.add(s.id);
        grew = true;
      }
    }
  }
  steps.forEach((s, i) => {
    if (!reached.has(s.id)) {
      out.push(fieldError(`${at}/${i}`, 'unreachableStep', 'cannot be reached from the first step'));
    } else if (!finishes.has(s.id)) {
      out.push(
        fieldError(`${at}/${i}`, 'endlessLoop', 'leads only round in a loop: no end step can be reached'),
      );
    }
  });
  return out;
}
