// text-tools in Go (mainline Go, GOOS=wasip1). wit-bindgen's Go generator names the package of
// an exported interface after it (export_<namespace>_<package>_<interface>); its types (the
// record text-stats) are in the package without the export_ prefix.
package export_asterai_examples_text_tools_text

import (
	"sort"
	"strings"
	"unicode/utf8"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
	"wit_component/asterai_examples_text_tools_text"
)

// isSpace is the interface's whitespace: space, tab, LF, VT, FF, CR.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
}

func isWordByte(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// asciiWords are the runs of ASCII letters and digits, lower-cased.
func asciiWords(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !isWordByte(r) })
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return words
}

func Stats(text string) asterai_examples_text_tools_text.TextStats {
	lines := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		lines++
	}
	return asterai_examples_text_tools_text.TextStats{
		Chars: uint32(utf8.RuneCountInString(text)),
		Words: uint32(len(strings.FieldsFunc(text, isSpace))),
		Lines: uint32(lines),
	}
}

func Slugify(text string) string {
	return strings.Join(asciiWords(text), "-")
}

func TopWords(text string, n uint32) []witTypes.Tuple2[string, uint32] {
	counts := map[string]uint32{}
	for _, w := range asciiWords(text) {
		counts[w]++
	}
	ranked := make([]witTypes.Tuple2[string, uint32], 0, len(counts))
	for w, c := range counts {
		ranked = append(ranked, witTypes.Tuple2[string, uint32]{F0: w, F1: c})
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].F1 != ranked[j].F1 {
			return ranked[i].F1 > ranked[j].F1
		}
		return ranked[i].F0 < ranked[j].F0
	})
	if uint32(len(ranked)) > n {
		ranked = ranked[:n]
	}
	return ranked
}
