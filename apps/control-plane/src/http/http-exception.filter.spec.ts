import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '@callplane/core';
import { ChannelNotFoundError } from '@callplane/pbx';
import { HttpExceptionFilter } from './http-exception.filter';
import { RequestValidationError } from './request-validation';

describe(HttpExceptionFilter.name, () => {
  const sut = new HttpExceptionFilter();

  it('maps DomainErrors by their code and httpStatus, with details', () => {
    expect(sut.toBody(new NotFoundError('Queue', 'q1'))).toEqual({ statusCode: 404, code: 'not-found', message: 'Queue q1 not found', details: { entity: 'Queue', id: 'q1' } });
    expect(sut.toBody(new ChannelNotFoundError('1795288206.55'))).toMatchObject({ statusCode: 404, code: 'channel-not-found', details: { channelId: '1795288206.55' } });
    expect(sut.toBody(new ConflictError('on-call'))).toEqual({ statusCode: 409, code: 'conflict', message: 'on-call' });
  });

  it('names the field for both validation error kinds', () => {
    expect(sut.toBody(new RequestValidationError([{ field: 'strategy', errors: ['bad'] }]))).toEqual({
      statusCode: 400, code: 'validation-failed', message: 'Invalid request: strategy: bad', fields: [{ field: 'strategy', errors: ['bad'] }],
    });
    expect(sut.toBody(new ValidationError('userId', 'no user with this id'))).toMatchObject({ statusCode: 400, code: 'validation-failed', fields: [{ field: 'userId', errors: ['userId: no user with this id'] }] });
  });

  it('maps Nest HttpExceptions by status and hides unexpected errors behind 500', () => {
    expect(sut.toBody(new NotFoundException('Cannot GET /x'))).toEqual({ statusCode: 404, code: 'not-found', message: 'Cannot GET /x' });
    expect(sut.toBody(new BadRequestException(['a', 'b']))).toEqual({ statusCode: 400, code: 'bad-request', message: 'a; b' });
    expect(sut.toBody(new Error('SELECT * FROM secrets failed'))).toEqual({ statusCode: 500, code: 'internal-error', message: 'Internal server error' });
    expect(sut.toBody(Object.assign(new Error('request entity too large'), { status: 413, expose: true }))).toEqual({ statusCode: 413, code: 'payload-too-large', message: 'request entity too large' });
    expect(sut.toBody(Object.assign(new Error('db down'), { status: 503, expose: false })).statusCode).toBe(500);
  });
});
