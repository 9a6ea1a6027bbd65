import { validationSuite } from '../helpers/validation.ts';
import { auditValidation } from './audit.validation.cases.ts';

// The cases live in audit.validation.cases.ts so that test/api/validation.test.ts can import them, without running
// them, to check that every route with a path id is covered by some module.
await validationSuite('audit trail and history', auditValidation);
