/// Broadcast line breaking: at most `maxLines` lines of at most `maxLineLength` characters per screen.
///
/// Lengths count user-perceived characters (Swift `Character`s): `é` written as e + combining accent is one,
/// a flag or a family emoji is one, a CJK ideograph is one. (CJK glyphs are about twice as wide as Latin
/// ones; subtitle guides use about 16 per line for CJK, so set `maxLineLength` for the language.)
///
/// Rules, in order:
/// 1. Spaces and tabs are collapsed; empty lines go. No-break spaces (U+00A0, U+202F, U+2007) are not break
///    points.
/// 2. If the author's own lines already fit (few enough, none too long), they are kept as they are.
/// 3. Otherwise the text is re-flowed into as few lines as fit, breaking at spaces, or between CJK characters
///    (Han, kana; never before CJK closing punctuation such as `。` or `」`). Among the breaks that fit, the
///    one chosen balances the line lengths, prefers a shorter top line ("pyramid": easier to read, covers less
///    picture), prefers breaking after sentence or clause punctuation, and avoids ending a line on an English
///    article, preposition, conjunction or pronoun ("the", "of", "and", "we"), as subtitle guidelines ask.
/// 4. A word longer than a line (a URL) is cut between characters.
/// 5. Text too long for one screen is split into consecutive cues rather than given an extra line: into as
///    few screens as fit, balanced in length and preferring to end a screen at the end of a sentence. The
///    cue's time is shared in proportion to each screen's characters (spaces included), since reading time
///    follows text length, except that no screen gets less than a readable minimum when the cue is long
///    enough to give every screen that much; boundaries are whole milliseconds, the last screen ends exactly
///    at the cue's end.
///
/// Split a cue in the time it was written in (the recording's), before any trimming to a clip: then each
/// screen is on while roughly its own words are spoken, and a cut keeps or drops whole screens' worth of time.
public struct LineWrapping: Hashable, Sendable, Codable {
    /// Characters per line; BBC and EBU practice is about 37 for Latin scripts in 16:9.
    public var maxLineLength: Int
    /// Lines per screen; broadcast practice is 2.
    public var maxLines: Int

    /// 37 characters, 2 lines.
    public static let broadcast = LineWrapping(maxLineLength: 37, maxLines: 2)

    /// Values below 1 are taken as 1.
    public init(maxLineLength: Int = 37, maxLines: Int = 2) {
        self.maxLineLength = max(1, maxLineLength)
        self.maxLines = max(1, maxLines)
    }

    /// Wraps every cue; a cue too long for one screen becomes several consecutive cues. Cues with no text are
    /// dropped. Wrapping is idempotent: wrapped cues come back unchanged.
    public func apply(to cues: [Cue], minimumScreen: Int64 = 0) -> [Cue] {
        cues.flatMap { apply(to: $0, minimumScreen: minimumScreen) }
    }

    /// One cue wrapped: one cue if it fits a screen, several consecutive ones over its time span if not, each
    /// at least `minimumScreen` milliseconds long when the cue has that much time for every screen.
    public func apply(to cue: Cue, minimumScreen: Int64 = 0) -> [Cue] {
        let screens = screens(for: cue.text)
        guard screens.count > 1 else {
            return screens.map { Cue(start: cue.start, end: cue.end, text: $0.joined(separator: "\n")) }
        }
        let lengths = LineWrapping.share(cue.duration, by: screens.map { Int64($0.joined(separator: " ").count) },
                                         minimum: minimumScreen)
        var result: [Cue] = []
        var start = cue.start
        for (k, screen) in screens.enumerated() {
            let end = k == screens.count - 1 ? cue.end : start + lengths[k]
            if end > start { result.append(Cue(start: start, end: end, text: screen.joined(separator: "\n"))) }
            start = end
        }
        return result
    }

    /// `duration` shared in proportion to `weights` (each share floored to the millisecond; the last takes the
    /// rounding), but no share below `minimum` when `duration` allows every share that much: shares that would
    /// fall short get the minimum and the rest is shared out again among the others, until none falls short.
    static func share(_ duration: Int64, by weights: [Int64], minimum: Int64) -> [Int64] {
        let floor = duration >= minimum * Int64(weights.count) ? minimum : 0
        var fixed = [Bool](repeating: false, count: weights.count)
        while true {
            let free = duration - floor * Int64(fixed.filter { $0 }.count)
            let weight = zip(weights, fixed).filter { !$0.1 }.map(\.0).reduce(0, +)
            var shares: [Int64] = []
            var before: Int64 = 0, placed: Int64 = 0
            for (w, isFixed) in zip(weights, fixed) {
                if isFixed { shares.append(floor); continue }
                before += w
                let upTo = weight > 0 ? free * before / weight : free
                shares.append(upTo - placed)
                placed = upTo
            }
            let short = shares.indices.filter { !fixed[$0] && shares[$0] < floor }
            if short.isEmpty { return shares }
            for i in short { fixed[i] = true }
        }
    }

    /// The text as screens of lines: one screen when it fits, more when it does not; none for empty text.
    public func screens(for text: String) -> [[String]] {
        let authorLines = text.split(whereSeparator: \.isNewline)
            .map { $0.split(whereSeparator: LineWrapping.isBreakableSpace).joined(separator: " ") }
            .filter { !$0.isEmpty }
        if authorLines.isEmpty { return [] }
        if authorLines.count <= maxLines && authorLines.allSatisfy({ $0.count <= maxLineLength }) {
            return [authorLines]
        }
        let tokens = authorLines.flatMap { $0.split(separator: " ") }.flatMap { tokenize(word: $0) }
        let breaker = Breaker(tokens: tokens, maxLineLength: maxLineLength, maxLines: maxLines)
        return breaker.screenRanges().map { breaker.balancedLines($0) }
    }

    /// A space-separated word as the pieces a line may break between: one piece, or one per CJK character
    /// (closing punctuation kept with the character before it, opening with the one after), then line-sized
    /// cuts of any piece still longer than a line. All but the first piece are glued (no space before).
    private func tokenize(word: Substring) -> [Token] {
        var pieces: [String] = []
        var current = ""
        var previous: Character? = nil
        for c in word {
            if let p = previous, LineWrapping.isCJK(p) || LineWrapping.isCJK(c),
               !LineWrapping.isClosing(c), !LineWrapping.isCJKOpening(p) {
                pieces.append(current)
                current = ""
            }
            current.append(c)
            previous = c
        }
        pieces.append(current)
        return pieces.flatMap(chunks(of:)).enumerated().map { Token(text: $1, glued: $0 > 0) }
    }

    /// A word longer than a line, in line-sized pieces (cut between characters).
    private func chunks(of word: String) -> [String] {
        guard word.count > maxLineLength else { return [word] }
        var pieces: [String] = []
        var rest = Substring(word)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(maxLineLength)))
            rest = rest.dropFirst(maxLineLength)
        }
        return pieces
    }

    /// Where a line may break: whitespace other than line ends and the no-break spaces.
    static func isBreakableSpace(_ c: Character) -> Bool {
        c.isWhitespace && !c.isNewline && c != "\u{00A0}" && c != "\u{202F}" && c != "\u{2007}"
    }

    /// Scripts written without spaces, where a line may break between characters: Han, kana, CJK punctuation
    /// and full-width forms.
    static func isCJK(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x3000...0x303F).contains(v) || (0x3040...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFFEF).contains(v)
            || (0x20000...0x3FFFF).contains(v)
    }

    /// Punctuation that must not start a line (it stays with the character before): CJK closing marks and
    /// small kana, and Latin closing punctuation next to CJK text.
    static func isClosing(_ c: Character) -> Bool {
        "。、，．！？：；）」』】〕〉》ー・ぁぃぅぇぉっゃゅょァィゥェォッャュョ.,!?:;)]\"'”’".contains(c)
    }

    /// CJK punctuation that must not end a line (it goes with the character after).
    static func isCJKOpening(_ c: Character) -> Bool {
        "（「『【〔〈《".contains(c)
    }
}

/// A piece of text a line may break before: a word, or a CJK character. `glued` pieces follow the previous
/// one without a space when on the same line.
struct Token {
    var text: String
    var glued: Bool
}

/// The search behind `LineWrapping`: tokens (each at most a line long) into screens and lines.
private struct Breaker {
    let tokens: [Token]
    let lengths: [Int]
    let maxLineLength: Int
    let maxLines: Int
    /// `characters[i]`: characters of tokens[0..<i]; `spaces[i]`: how many of tokens[0..<i] are preceded by a space.
    let characters: [Int]
    let spaces: [Int]

    init(tokens: [Token], maxLineLength: Int, maxLines: Int) {
        self.tokens = tokens
        lengths = tokens.map(\.text.count)
        self.maxLineLength = maxLineLength
        self.maxLines = maxLines
        characters = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
        spaces = tokens.reduce(into: [0]) { $0.append($0.last! + ($1.glued ? 0 : 1)) }
    }

    /// Characters of tokens[a..<b] set on one line.
    func length(_ a: Int, _ b: Int) -> Int { characters[b] - characters[a] + spaces[b] - spaces[a + 1] }

    func text(_ a: Int, _ b: Int) -> String {
        var line = tokens[a].text
        for token in tokens[(a + 1)..<b] { line += (token.glued ? "" : " ") + token.text }
        return line
    }

    /// Lines needed for tokens[a..<b], filling each line as far as it goes (the fewest possible).
    func lineCount(_ a: Int, _ b: Int) -> Int {
        var lines = 1, start = a
        for j in (a + 1)..<b where length(start, j + 1) > maxLineLength {
            lines += 1
            start = j
        }
        return lines
    }

    /// English function words a line should not end on (BBC subtitle guidelines: do not separate an article
    /// from its noun, a preposition from its object, a pronoun from its verb).
    static let weakLineEnds: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "so", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "into", "onto", "as", "if", "than", "that", "which", "who", "i", "we", "you", "he", "she",
        "they", "it", "my", "our", "your", "his", "her", "its", "their", "this", "these", "those", "not",
    ]

    /// How much a break after tokens[b - 1] is worth: sentence end, clause end, a weak word (negative), or 0.
    /// Closing quotes and brackets are looked through (`care."`).
    func breakValue(after b: Int, sentence: Double, clause: Double, weak: Double) -> Double {
        let word = tokens[b - 1].text
        let closers: Set<Character> = ["\"", "'", "”", "’", ")", "]", "»", "」", "』"]
        guard let last = word.reversed().first(where: { !closers.contains($0) }) else { return 0 }
        if ".!?…。！？".contains(last) { return sentence }
        if ",;:，、；：–—".contains(last) { return clause }
        if Breaker.weakLineEnds.contains(word.lowercased()) { return -weak }
        return 0
    }

    /// Token ranges, one per screen: the fewest screens that fit, balanced in length, preferring to end a
    /// screen at the end of a sentence (then of a clause).
    func screenRanges() -> [Range<Int>] {
        let n = tokens.count
        // furthest[a]: one past the last token a screen starting at token a can hold (at least a + 1).
        var furthest = [Int](repeating: 0, count: n)
        for a in 0..<n {
            var lines = 1, lineStart = a, b = a + 1
            while b < n {
                if length(lineStart, b + 1) > maxLineLength {
                    guard lines < maxLines else { break }
                    lines += 1
                    lineStart = b
                }
                b += 1
            }
            furthest[a] = b
        }
        var screens = 0, a = 0
        while a < n { a = furthest[a]; screens += 1 }
        if screens == 1 { return [0..<n] }

        let average = Double(characters[n] + spaces[n] - screens) / Double(screens)
        // best[a]: the fewest screens for tokens[a...], then the least cost among those (compared in that order,
        // so the screen count never grows for balance); choice[a]: where the first of them ends. One pass from
        // the end, each token trying only the ends one screen can reach: linear in the text's length (a
        // table by screen number would be quadratic, which a 100,000-character caption made minutes long).
        var best = [(screens: Int, cost: Double)](repeating: (Int.max, .infinity), count: n + 1)
        var choice = [Int](repeating: n, count: n + 1)
        best[n] = (0, 0)
        for a in stride(from: n - 1, through: 0, by: -1) {
            for b in (a + 1)...furthest[a] where best[b].screens < Int.max {
                // Balance counts for less here than within a screen: each screen gets time in proportion
                // to its length anyway, while a screen ending mid-phrase is hard to follow.
                let d = Double(length(a, b)) - average
                let value = b < n ? breakValue(after: b, sentence: 200, clause: 50, weak: 30) : 0
                let candidate = (screens: best[b].screens + 1, cost: d * d / 4 - value + best[b].cost)
                if candidate < best[a] { best[a] = candidate; choice[a] = b }
            }
        }
        var ranges: [Range<Int>] = []
        a = 0
        while a < n {
            ranges.append(a..<choice[a])
            a = choice[a]
        }
        return ranges
    }

    /// Tokens[range] on the fewest lines that fit, the breaks chosen to balance line lengths, with a slight
    /// preference for a shorter line above a longer one, for breaks after punctuation and against breaks after
    /// a function word.
    func balancedLines(_ range: Range<Int>) -> [String] {
        let k = lineCount(range.lowerBound, range.upperBound)
        if k == 1 { return [text(range.lowerBound, range.upperBound)] }

        let n = range.upperBound
        let target = Double(length(range.lowerBound, n) - (k - 1)) / Double(k)
        // best[i][a]: least cost of lines i..<k from token a; choice[i][a]: where line i ends.
        var best = [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: k + 1)
        var choice = [[Int]](repeating: [Int](repeating: n, count: n + 1), count: k + 1)
        best[k][n] = 0
        for i in stride(from: k - 1, through: 0, by: -1) {
            for a in range {
                var b = a + 1
                while b <= n && length(a, b) <= maxLineLength {
                    if best[i + 1][b] < .infinity {
                        let d = Double(length(a, b)) - target
                        // The linear term makes an upper line longer than its share cost more than a lower one.
                        let pyramid = Double(k - 1 - i) * d
                        let value = b < n ? breakValue(after: b, sentence: 30, clause: 12, weak: 30) : 0
                        let cost = d * d + pyramid - value + best[i + 1][b]
                        if cost < best[i][a] { best[i][a] = cost; choice[i][a] = b }
                    }
                    b += 1
                }
            }
        }
        var lines: [String] = []
        var a = range.lowerBound
        for i in 0..<k {
            let b = choice[i][a]
            lines.append(text(a, b))
            a = b
        }
        return lines
    }
}
