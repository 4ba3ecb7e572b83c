import { router } from '../../trpc';
import { createCertificateProcedure } from './create-certificate';
import { deleteCertificateProcedure } from './delete-certificate';
import { listCertificatesProcedure } from './list-certificates';
import { updateCertificateProcedure } from './update-certificate';

/** TLS certificates for the gateways' TLS listener: write-only keys, admin-managed. */
export const certificatesRouter = router({
  list: listCertificatesProcedure,
  create: createCertificateProcedure,
  update: updateCertificateProcedure,
  delete: deleteCertificateProcedure,
});
