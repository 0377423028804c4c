import { RenderError } from '@moxnas/render';
import { DomainError } from '../../../core/errors/domain-error';

/**
 * Renderers re-check every value against the grammars. A refusal there means a value got past the
 * API's validation (a bad row, a restore): it is still the caller's input that is wrong, so 422.
 */
export function guardRender<T>(render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (err instanceof RenderError) {
      throw DomainError.validation(err.issues.map((i) => ({ field: i.field, message: i.message })), `The ${err.file} configuration cannot be rendered from this input.`);
    }
    throw err;
  }
}
