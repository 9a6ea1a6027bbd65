import { validationSuite } from '../helpers/validation.ts';
import { webhooksValidation } from './webhooks.validation.cases.ts';

// The cases live in webhooks.validation.cases.ts so that test/api/validation.test.ts can import them,
// without running them, to check that every route with a body or a path id is covered.
await validationSuite('webhooks', webhooksValidation);
