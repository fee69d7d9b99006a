// go-words: asterai:polyglot/words in Go, called from JavaScript (js-digest) in another
// sandbox.
package export_asterai_polyglot_words

import (
	"os"
	"sort"
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
	"wit_component/asterai_polyglot_words"
)

func Count(text string) []asterai_polyglot_words.Tally {
	counts := map[string]uint32{}
	isLetter := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isLetter(r) }) {
		counts[strings.ToLower(w)]++
	}
	tallies := make([]asterai_polyglot_words.Tally, 0, len(counts))
	for w, c := range counts {
		tallies = append(tallies, asterai_polyglot_words.Tally{Word: w, Count: c})
	}
	sort.Slice(tallies, func(i, j int) bool {
		if tallies[i].Count != tallies[j].Count {
			return tallies[i].Count > tallies[j].Count
		}
		return tallies[i].Word < tallies[j].Word
	})
	return tallies
}

func Shout(text string) witTypes.Result[string, string] {
	if text == "" {
		return witTypes.Err[string, string]("nothing to shout (go)")
	}
	return witTypes.Ok[string, string](strings.ToUpper(text))
}

func Setting(name string) witTypes.Option[string] {
	if value, ok := os.LookupEnv(name); ok {
		return witTypes.Some(value)
	}
	return witTypes.None[string]()
}
