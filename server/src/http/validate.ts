import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from '../infra/errors.js';

export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (issue.code === 'unrecognized_keys') {
      for (const unknownKey of issue.keys) fields[[...issue.path, unknownKey].join('.')] = 'unknown field';
    } else fields[key] ??= issue.message;
  }
  return fields;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError('request/invalid', `The ${what} is not valid`, { fields: fieldsOf(result.error) });
  }
  return result.data;
}

export const body = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> =>
  parseWith(schema, req.body ?? {}, 'request body');
export const query = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> =>
  parseWith(schema, { ...req.query }, 'query');
export const params = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> =>
  parseWith(schema, { ...req.params }, 'path');
