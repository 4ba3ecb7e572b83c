import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZDisableUserInput = z.object({ id: ZId });
