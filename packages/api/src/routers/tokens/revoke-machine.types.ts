import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZRevokeMachineInput = z.object({ id: ZId });
