import { validationSuite } from '../helpers/validation.ts';
import { presenceValidation } from './presence.validation.cases.ts';

// The cases live in presence.validation.cases.ts so that test/api/validation.test.ts can import them.
await validationSuite('presence', presenceValidation);
