// text-tools in JavaScript (componentize-js). The exported interface `text` is an object
// whose methods are the WIT functions in camelCase; records are plain objects, tuples arrays.

const ASCII_SPACE = /[ \t\n\v\f\r]+/;
const ASCII_WORD = /[A-Za-z0-9]+/g;

export const text = {
  stats(text) {
    const chars = [...text].length;
    const words = text.split(ASCII_SPACE).filter((w) => w.length > 0).length;
    let lines = (text.match(/\n/g) ?? []).length;
    if (text.length > 0 && !text.endsWith('\n')) lines += 1;
    return { chars, words, lines };
  },

  slugify(text) {
    return (text.match(ASCII_WORD) ?? []).map((w) => w.toLowerCase()).join('-');
  },

  topWords(text, n) {
    const counts = new Map();
    for (const word of text.match(ASCII_WORD) ?? []) {
      const w = word.toLowerCase();
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    // Byte order for ties, as the other implementations (words are ASCII).
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return ranked.slice(0, n);
  },
};
