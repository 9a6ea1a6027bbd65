import { validationSuite } from '../helpers/validation.ts';
import { smsValidation } from './sms.validation.cases.ts';

// The cases live in sms.validation.cases.ts so that test/api/validation.test.ts can import them,
// without running them, to check that every route with a body or a path id is covered.
await validationSuite('sms', smsValidation);
