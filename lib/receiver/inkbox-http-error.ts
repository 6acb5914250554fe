import {
  BadRequestException,
  ConflictException,
  HttpException,
  InternalServerErrorException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';

type HttpExceptionClass = new (message: string | string[]) => HttpException;

/** Nest's own exception class for each status the receiver answers with. */
const EXCEPTIONS: Readonly<Record<number, HttpExceptionClass>> = {
  400: BadRequestException,
  401: UnauthorizedException,
  409: ConflictException,
  413: PayloadTooLargeException,
  415: UnsupportedMediaTypeException,
  500: InternalServerErrorException,
  503: ServiceUnavailableException,
};

/**
 * The HTTP error for one row of the status table, as Nest's built-in exception for that status:
 * Nest's usual error JSON `{ statusCode, message, error }`.
 */
export function inkboxHttpError(status: number, message: string | string[]): HttpException {
  const Exception = EXCEPTIONS[status];
  return Exception ? new Exception(message) : new HttpException({ statusCode: status, message }, status);
}
