import {
  IndexUnavailableError,
  ModelMismatchError,
  ModelUnavailableError,
} from '../../../src/errors/app-error';
import { ConfigError } from '../../../src/errors/config-error';
import { describeStartupFailure } from '../../../src/errors/startup-failure';

describe('describeStartupFailure', () => {
  it('prints a ConfigError as its list of problems, without a stack', () => {
    const text = describeStartupFailure(new ConfigError(['PORT: too big', 'MODEL_DIR: not set']));
    expect(text).toContain('could not start:\nInvalid configuration:\n  - PORT: too big');
    expect(text).toContain('  - MODEL_DIR: not set');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('prints an AppError as its sentence, with a hint where one helps', () => {
    expect(describeStartupFailure(new ModelUnavailableError('no model'))).toContain(
      'no model\n\nTo try the service without a download',
    );
    expect(describeStartupFailure(new ModelMismatchError('other model'))).toContain(
      'index the catalog again',
    );
    expect(describeStartupFailure(new IndexUnavailableError('down'))).toMatch(/down\n$/);
  });

  it('prints anything else with its stack: that is a bug to find', () => {
    expect(describeStartupFailure(new TypeError('boom'))).toMatch(/TypeError: boom\n\s+at /);
    expect(describeStartupFailure('plain')).toContain('could not start:\nplain\n');
  });
});
