// Account fields and the id rule live in @portico/config so the console applies the same rules.
export { ZEmail, ZEntityId as ZId, ZOperatorRole, ZPassword, ZPersonName } from '@portico/config';
