/// Where in a transcript some words are said, tolerating how a quote copied from notes differs from what the
/// transcription wrote: case, punctuation, a word or two missing, extra or misheard.
///
/// The words of the quote are aligned with the transcript's words across consecutive cues by a word-level edit
/// distance that may start and end anywhere in the transcript (semi-global alignment: the whole quote must be
/// aligned, only part of the transcript). Costs are in half words, so they stay integers: a word said as written
/// costs 0, a misheard one (`similar`) 1, a different word, a missing word or an extra word 2. Time is
/// O(quote words × transcript words) and memory O(transcript words): a two-hour session (about 20 000 words)
/// against a 15-word quote is 300 000 cells, each a table lookup (words are compared once per distinct word).
///
/// This lives with the captions, not the planner, because the manifest loader resolves a clip's `quote` while
/// it validates (ProvokeManifest cannot see ProvokeTimeline); it is pure text work on cues all the same.
public enum QuoteSearch {
    /// One place in a transcript: which of its words and cues say the quote, and how closely.
    public struct Match: Sendable, Hashable {
        /// The matched words, `Transcript.words[firstWord...lastWord]`.
        public var firstWord: Int
        public var lastWord: Int
        /// The cues (indices into `Transcript.cues`) that say the first and the last matched word.
        public var firstCue: Int
        public var lastCue: Int
        /// The alignment's cost in half words (0: every word as written).
        public var cost: Int
        /// Words of the quote, for `score`.
        public var quoteWords: Int
        /// Milliseconds of the recording: the first matched word's cue start, the last one's cue end.
        public var start: Int64
        public var end: Int64

        /// 100 for the words exactly as said, down to 0; one word in ten missing or wrong is 90.
        public var score: Int { max(0, 100 - (cost * 50 + quoteWords - 1) / max(1, quoteWords)) }
    }

    /// How many half words a quote of `words` words may be off by and still be found: nothing under 4 words (a
    /// short phrase with a word changed matches too much), else about three words in ten (4 words: 1, 9: 3).
    public static func tolerance(forWords words: Int) -> Int {
        words < 4 ? 0 : 2 * max(1, (words * 3 + 5) / 10)
    }

    /// The places in `transcript` that say `quote` with a cost of at most `maximumCost` half words (default: the
    /// `tolerance`), best first (lowest cost, then the earlier), none overlapping another. A place must say at
    /// least one of the quote's words.
    public static func search(_ quote: String, in transcript: Transcript, maximumCost: Int? = nil) -> [Match] {
        search(words: Transcript.words(in: quote), in: transcript, maximumCost: maximumCost)
    }

    public static func search(words quote: [String], in transcript: Transcript, maximumCost: Int? = nil) -> [Match] {
        let m = quote.count, text = transcript.wordIDs, n = text.count
        guard m > 0, n > 0 else { return [] }
        let limit = maximumCost ?? tolerance(forWords: m)
        // The cost of each quote word against each distinct transcript word, worked out once.
        let costs = quote.map { word in transcript.vocabulary.map { cost(word, $0) } }

        // One row of the alignment table per quote word; a cell holds the best cost of aligning the quote's
        // first i words so that they end just before text word j, where that alignment started, and how many
        // words it matched.
        struct Cell { var cost: Int; var start: Int; var matched: Int }
        var row = (0...n).map { Cell(cost: 0, start: $0, matched: 0) }
        for i in 1...m {
            var next = [Cell](repeating: Cell(cost: 2 * i, start: 0, matched: 0), count: n + 1)
            let wordCosts = costs[i - 1]
            for j in 1...n {
                let substitution = wordCosts[text[j - 1]]
                var best = Cell(cost: row[j - 1].cost + substitution, start: row[j - 1].start,
                                matched: row[j - 1].matched + (substitution < 2 ? 1 : 0))
                // Ties prefer a word said for a word, then a quote word missing, then a word said for another,
                // then an extra word: a wrong word at either end of the quote then counts as missing rather than
                // pulling the neighbouring cue into the place.
                if row[j].cost + 2 < best.cost || (row[j].cost + 2 == best.cost && substitution == 2) {
                    best = Cell(cost: row[j].cost + 2, start: row[j].start, matched: row[j].matched)
                }
                if next[j - 1].cost + 2 < best.cost {
                    best = Cell(cost: next[j - 1].cost + 2, start: next[j - 1].start, matched: next[j - 1].matched)
                }
                next[j] = best
            }
            row = next
        }

        // Every end point within the limit, best first; overlapping ones are the same place seen from a word
        // earlier or later, so the best of them stands for it.
        let candidates = (1...n).filter { row[$0].cost <= limit && row[$0].matched > 0 && row[$0].start < $0 }
            .sorted { (row[$0].cost, row[$0].start, $0) < (row[$1].cost, row[$1].start, $1) }
        var taken: [Range<Int>] = []
        var matches: [Match] = []
        for end in candidates {
            let words = row[end].start..<end
            guard !taken.contains(where: { $0.overlaps(words) }) else { continue }
            taken.append(words)
            let firstCue = transcript.wordCues[words.lowerBound], lastCue = transcript.wordCues[words.upperBound - 1]
            // Cues may overlap: the range runs from the earliest start to the latest end among the cues said.
            let said = transcript.cues[firstCue...lastCue]
            matches.append(Match(firstWord: words.lowerBound, lastWord: words.upperBound - 1, firstCue: firstCue,
                                 lastCue: lastCue, cost: row[end].cost, quoteWords: m,
                                 start: said.map(\.start).min()!, end: said.map(\.end).max()!))
        }
        return matches
    }

    /// Half words: 0 for the same word, 1 for a misheard one, 2 for another word.
    static func cost(_ a: String, _ b: String) -> Int {
        a == b ? 0 : similar(a, b) ? 1 : 2
    }

    /// A transcription slip rather than another word: both at least 4 letters, and one letter apart (two for
    /// words of 8 or more), as `continuity`/`continuty` or `practise`/`practice`.
    static func similar(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        guard x.count >= 4, y.count >= 4 else { return false }
        let allowed = min(x.count, y.count) >= 8 ? 2 : 1
        guard abs(x.count - y.count) <= allowed else { return false }
        // Levenshtein distance with a cut-off, two rows.
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + [Int](repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            if current.min()! > allowed { return false }
            previous = current
        }
        return previous[y.count] <= allowed
    }
}
