import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZConsumerIdInput = z.object({ id: ZId });
