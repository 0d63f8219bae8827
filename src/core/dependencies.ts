/**
 * @module dependencies
 * `Input`, `Output` and `State`: small value objects naming one component property ("id.prop"),
 * as in Dash. `Output(id, prop, value)` with a value is an *alternate output* a callback may
 * return instead of its declared outputs. `noUpdate` and `PreventUpdate` leave outputs alone.
 */

abstract class Dependency {
  abstract readonly kind: "Input" | "Output" | "State";
  constructor(
    readonly id: string,
    readonly prop: string,
  ) {}
  /** "id.prop", the key used everywhere inside. */
  get key(): string {
    return `${this.id}.${this.prop}`;
  }
  toString(): string {
    return `${this.kind}(${JSON.stringify(this.id)}, ${JSON.stringify(this.prop)})`;
  }
}

export class InputDep extends Dependency {
  readonly kind = "Input" as const;
}
export class StateDep extends Dependency {
  readonly kind = "State" as const;
}
export class OutputDep extends Dependency {
  readonly kind = "Output" as const;
  constructor(
    id: string,
    prop: string,
    readonly value?: unknown,
    readonly hasValue = false,
  ) {
    super(id, prop);
  }
  override toString(): string {
    return this.hasValue ? `Output(${JSON.stringify(this.id)}, ${JSON.stringify(this.prop)}, …)` : super.toString();
  }
}

export type AnyDep = InputDep | StateDep | OutputDep;

/** A property that triggers the callback when it changes. */
export function Input(id: string, prop = "value"): InputDep {
  return new InputDep(id, prop);
}
/** A property whose current value is passed to the callback without triggering it. */
export function State(id: string, prop = "value"): StateDep {
  return new StateDep(id, prop);
}
/**
 * A property the callback sets. With a third argument it is an alternate output: return
 * `Output("message", "children", "Wrong password")` from any callback to set that instead.
 */
export function Output(id: string, prop: string, ...value: unknown[]): OutputDep {
  return value.length ? new OutputDep(id, prop, value[0], true) : new OutputDep(id, prop);
}

/** Return this (or put it in a multi-output array) to leave an output unchanged. */
export const noUpdate: unique symbol = Symbol.for("dash-devices.noUpdate");
export type NoUpdate = typeof noUpdate;

/** Throw this from a callback to cancel all of its outputs (and the chain after it). */
export class PreventUpdate extends Error {
  constructor(message = "update prevented") {
    super(message);
    this.name = "PreventUpdate";
  }
}

export function isPreventUpdate(e: unknown): boolean {
  return e === PreventUpdate || e instanceof PreventUpdate;
}

/** True for `Output(id, prop, value)` or an array made only of those. */
export function isAlternateOutputs(v: unknown): v is OutputDep | OutputDep[] {
  if (v instanceof OutputDep) return v.hasValue;
  return Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof OutputDep && x.hasValue);
}
