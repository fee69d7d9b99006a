// kitchen-sink in JavaScript (componentize-js). Behaviour: ../README.md.
// Value mapping (jco conventions): s64/u64 are BigInt, variants and results are {tag, val},
// enums are strings, flags are {read, write, exec} booleans, tuples are arrays. A function whose
// WIT result is `result<T, E>` may return {tag: 'ok'|'err', val} itself (or a bare T for ok),
// which keeps errors out of exceptions: an uncaught exception means a trap.

const INT32_MIN = -2147483648;

const echo = (v) => v;

export const values = {
  echoBool: echo,
  echoS8: echo,
  echoU8: echo,
  echoS16: echo,
  echoU16: echo,
  echoS32: echo,
  echoU32: echo,
  echoS64: echo,
  echoU64: echo,
  echoF32: echo,
  echoF64: echo,
  echoChar: echo,
  echoString: echo,
  echoBytes: echo,
  echoList: echo,
  echoStrings: echo,
  echoPerson: echo,
  echoTuple: echo,
  echoShape: echo,
  echoColor: echo,
  echoPermissions: echo,
  echoOption: echo,
  echoNestedOption: echo,
  echoResult: echo,
  echoPeople: echo,

  greet(who) {
    return `Hello, ${who.name}! You are ${who.age}.`;
  },

  sum(list) {
    let total = 0n;
    for (const v of list) total = BigInt.asIntN(64, total + v);
    return total;
  },

  area(s) {
    switch (s.tag) {
      case 'circle':
        return Math.PI * s.val * s.val; // (pi*r)*r: left to right, as the README fixes
      case 'rectangle':
        return s.val[0] * s.val[1];
      default:
        return 0.0;
    }
  },

  divide(a, b) {
    if (b === 0) return { tag: 'err', val: 'division by zero' };
    if (a === INT32_MIN && b === -1) return { tag: 'err', val: 'overflow' };
    // a / b of two s32 is never rounded across an integer in f64, so truncating it is exact.
    return { tag: 'ok', val: Math.trunc(a / b) };
  },

  describe(people, _color, p) {
    const flags = ['read', 'write', 'exec'].filter((name) => p[name]);
    return [people.length, people.map((person) => person.name).join(', '), flags];
  },

  fail(msg) {
    console.error(msg);
    throw new Error(msg); // uncaught in an export: the component traps
  },

  noop() {},
};

export function add(a, b) {
  return (a + b) | 0; // | 0 wraps to s32
}
