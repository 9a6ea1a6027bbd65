import { validationSuite } from '../helpers/validation.ts';
import { searchValidation } from './search.validation.cases.ts';

// The cases live in search.validation.cases.ts so that test/api/validation.test.ts can import them, without running
// them, to check that every route with a body or a path id is covered by some module.
await validationSuite('search', searchValidation);
