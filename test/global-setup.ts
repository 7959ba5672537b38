// Runs once before all suites. Add one line per shared fixture.
import { ensureToyModel } from '../scripts/toy-model';
import { toyModelDir } from './helpers/toy-model';

export default async function globalSetup(): Promise<void> {
  await ensureToyModel(toyModelDir()); // toy "colour CLIP" model, regenerated on version change
}
