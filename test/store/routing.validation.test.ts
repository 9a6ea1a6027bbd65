import { validationSuite } from '../helpers/validation.ts';
import { routingValidation } from './routing.validation.cases.ts';

// The cases live in routing.validation.cases.ts so that test/api/validation.test.ts can import them.
await validationSuite('routing', routingValidation);
