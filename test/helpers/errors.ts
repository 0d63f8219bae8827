/**
 * @module test/helpers/errors
 * The error a call throws (or a promise rejects with), of the class the test expects; any other
 * error is thrown on, and nothing thrown fails the test saying so.
 */
import { DashDevicesError } from "../../src/core/errors.ts";

type ErrorClass<E> = abstract new (...args: never[]) => E;

export function thrown<E = DashDevicesError>(fn: () => unknown, type: ErrorClass<E> = DashDevicesError as never): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}

export async function rejected<E = DashDevicesError>(p: Promise<unknown>, type: ErrorClass<E> = DashDevicesError as never): Promise<E> {
  try {
    await p;
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}, it went ahead`);
}
