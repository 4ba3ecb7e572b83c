import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZRevokePersonalInput = z.object({ id: ZId });
