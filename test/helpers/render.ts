/**
 * @module test/helpers/render
 * Small helpers for component tests: render with no stores (controls send as over the default
 * transport, the WebSocket), read a control's message, and expect a DashDevicesError with a given code.
 */

import { expect } from "bun:test";
import { renderComponent, type Component, type Props, type RenderContext } from "../../src/core/component.ts";
import { transportNamed } from "../../src/transports/index.ts";
import { DashDevicesError, type ErrorCode } from "../../src/core/errors.ts";

/** No stores; controls carry the default transport's send attributes, as in an app's page. */
export const testContext: RenderContext = { resolve: () => undefined, sendAttrs: transportNamed().sendAttrs };

export function render(c: Component): string {
  return renderComponent(c, testContext);
}

/** What the runtime does with a message for `c`: `spec.input.read(values, props)`. */
export function read(c: Component, values: Record<string, unknown>, over: Props = {}): Props {
  if (!c.spec.input) throw new Error(`${c.spec.type} has no input`);
  return c.spec.input.read(values, { ...c.props, ...over });
}

/** Runs `fn`, expecting a DashDevicesError with `code`; returns it for more checks. */
export function expectCode(fn: () => unknown, code: ErrorCode): DashDevicesError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DashDevicesError);
  const err = caught as DashDevicesError;
  expect(err.code).toBe(code);
  expect(err.detail.expected).toBeTruthy();
  expect(err.detail.fix).toBeTruthy();
  return err;
}

export const bad = (fn: () => unknown) => expectCode(fn, "DD_BAD_VALUE");
