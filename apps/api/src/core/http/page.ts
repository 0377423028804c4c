import type { page } from '@moxnas/contracts';
import type { z } from 'zod';

/** One page of a list: the TypeScript side of the contracts' `page(item)` response schema. */
export type Page<T> = z.infer<ReturnType<typeof page<z.ZodType<T>>>>;
