/** The pseudo-locale `en-XA` moved to src/shared/pseudo.ts (the help pages use it too); kept here for imports. */
export { CLOSE_MARK, OPEN_MARK, pseudoCatalogue, pseudoString } from '../../shared/pseudo.ts';
