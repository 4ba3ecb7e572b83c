import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZRegistryIdInput = z.object({ id: ZId });
