import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { endpoint } from '@moxnas/contracts';
import { z } from 'zod';
import { DomainError } from '../errors/domain-error';
import { ContractValidationGuard, sentBody } from './contract-validation.guard';

const def = endpoint({
  id: 'test.update',
  method: 'PUT',
  path: '/api/test/{id}',
  tag: 'test',
  summary: 'Test',
  access: 'admin',
  params: z.object({ id: z.string().uuid() }),
  query: z.object({ dryRun: z.coerce.boolean().default(false) }),
  body: z.object({ name: z.string().min(1), size: z.number().default(1) }),
});
const ID = '6f0c2b1e-8d3a-4c5b-9e7f-0a1b2c3d4e5f';

interface FakeRequest {
  params: unknown;
  query: unknown;
  body: unknown;
}

function check(req: FakeRequest): boolean {
  return new ContractValidationGuard(def).canActivate(new ExecutionContextHost([req, {}]));
}

function thrown(req: FakeRequest): DomainError {
  try {
    check(req);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('the guard let the request through');
}

describe('ContractValidationGuard', () => {
  it('hands on the parsed values and keeps what was sent', () => {
    const req: FakeRequest = { params: { id: ID }, query: {}, body: { name: 'a' } };
    expect(check(req)).toBe(true);
    expect([req.params, req.query, req.body]).toEqual([{ id: ID }, { dryRun: false }, { name: 'a', size: 1 }]);
    expect(sentBody(req)).toEqual({ name: 'a' });
  });

  it('refuses a body key the contract does not know, naming each, instead of dropping it (issue 14, defect 6)', () => {
    const req: FakeRequest = { params: { id: ID }, query: {}, body: { name: 'a', readonly: true, valid_users: ['alice'] } };
    const err = thrown(req);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.fieldErrors).toEqual([
      { field: 'readonly', message: 'unknown field' },
      { field: 'valid_users', message: 'unknown field' },
    ]);
    expect(req.body).toEqual({ name: 'a', readonly: true, valid_users: ['alice'] });
  });

  it('refuses a query key the contract does not know: a mistyped ?dryrun=true is not applied for real', () => {
    const err = thrown({ params: { id: ID }, query: { dryrun: 'true' }, body: { name: 'a' } });
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.fieldErrors).toEqual([{ field: 'query.dryrun', message: 'unknown field' }]);
  });

  it('refuses any query key on a route whose contract has no query', () => {
    const noQuery = endpoint({ ...def, query: undefined });
    expect(() => new ContractValidationGuard(noQuery).canActivate(new ExecutionContextHost([{ params: { id: ID }, query: {}, body: { name: 'a' } }, {}]))).not.toThrow();
    try {
      new ContractValidationGuard(noQuery).canActivate(new ExecutionContextHost([{ params: { id: ID }, query: { force: '1' }, body: { name: 'a' } }, {}]));
      throw new Error('the guard let the request through');
    } catch (err) {
      expect((err as DomainError).fieldErrors).toEqual([{ field: 'query.force', message: 'unknown field' }]);
    }
  });

  it('names an unknown key once when the contract object is strict itself', () => {
    const strict = endpoint({ ...def, body: z.strictObject({ name: z.string(), inner: z.strictObject({ a: z.number() }) }) });
    const req: FakeRequest = { params: { id: ID }, query: {}, body: { name: 'a', inner: { a: 1, b: 2 }, c: 3 } };
    let err: unknown;
    try {
      new ContractValidationGuard(strict).canActivate(new ExecutionContextHost([req, {}]));
    } catch (e) {
      err = e;
    }
    expect((err as DomainError).fieldErrors).toEqual([
      { field: 'inner.b', message: 'unknown field' },
      { field: 'c', message: 'unknown field' },
    ]);
  });

  it('refuses body fields on a route that takes no body', () => {
    const action = endpoint({ id: 'test.start', method: 'POST', path: '/api/test/{id}/start', tag: 'test', summary: 'Test', access: 'admin', params: z.object({ id: z.string().uuid() }) });
    const guard = new ContractValidationGuard(action);
    expect(guard.canActivate(new ExecutionContextHost([{ params: { id: ID }, query: {}, body: undefined }, {}]))).toBe(true);
    expect(guard.canActivate(new ExecutionContextHost([{ params: { id: ID }, query: {}, body: {} }, {}]))).toBe(true);
    expect(() => guard.canActivate(new ExecutionContextHost([{ params: { id: ID }, query: {}, body: { force: true } }, {}]))).toThrow(DomainError);
  });

  it('answers the current body before validation ran', () => {
    expect(sentBody({ body: { name: 'a' } })).toEqual({ name: 'a' });
  });

  it('reports every field error at once and leaves the request as sent', () => {
    const req: FakeRequest = { params: { id: 'nope' }, query: {}, body: { size: 'x' } };
    const err = thrown(req);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.fieldErrors?.map((e) => e.field).sort()).toEqual(['name', 'params.id', 'size']);
    expect(req.body).toEqual({ size: 'x' });
  });

  it('answers 404 when only the path is wrong', () => {
    expect(thrown({ params: { id: 'nope' }, query: {}, body: { name: 'a' } }).code).toBe('NOT_FOUND');
  });

  it('refuses NUL and lone surrogates in place of the field grammar', () => {
    const err = thrown({ params: { id: ID }, query: {}, body: { name: 'a\u0000b', size: '\ud800' } });
    expect(err.fieldErrors).toEqual([
      { field: 'name', message: 'must not contain NUL characters' },
      { field: 'size', message: 'must be valid Unicode (it contains a lone surrogate)' },
    ]);
  });
});
