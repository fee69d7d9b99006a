// js-digest: asterai:polyglot/digest in JavaScript (componentize-js). Its `words` import is
// answered by another component of the environment (Go in the tests), each in its own sandbox.
// jco conventions: records are objects, an option is the value or undefined, an imported
// `result` returns its ok value and throws its err value (as `payload`).
import { count, shout, setting } from 'asterai:polyglot/words@0.1.0';

export const digest = {
  summary(text) {
    const tallies = count(text);
    if (tallies.length === 0) return 'no words (by js)';
    return `${tallies.length} distinct words; top: ${tallies[0].word} x${tallies[0].count} (by js)`;
  },
  loud(text) {
    try {
      return shout(text);
    } catch (e) {
      throw `provider says: ${e.payload ?? e}`;
    }
  },
  providerSetting(name) {
    return setting(name);
  },
};
