import { ZCertificateFields } from '@portico/config';

export const ZCreateCertificateInput = ZCertificateFields;
