// js-text: the JavaScript provider of asterai:compose/text, built on math, which another
// component (in C) provides in its own sandbox. jco conventions: records are objects, an
// option is the value or undefined, an imported `result` throws its err value.
import { add, scale, join, env, divide, spin, crash } from 'asterai:compose/math@0.1.0';

export const text = {
  summary(a, b) {
    return `${a} + ${b} = ${add(a, b)}`;
  },
  scaled(p, k) {
    return scale(p, k);
  },
  sentence(words) {
    const joined = join(words);
    return joined === undefined ? '(nothing)' : `${joined}.`;
  },
  mathEnv(name) {
    return env(name);
  },
  divide(a, b) {
    try {
      return { tag: 'ok', val: divide(a, b) };
    } catch (e) {
      return { tag: 'err', val: `math says: ${e.payload ?? e}` };
    }
  },
  spinMath() {
    return spin();
  },
  crashMath() {
    crash();
    return 'unreachable';
  },
};
