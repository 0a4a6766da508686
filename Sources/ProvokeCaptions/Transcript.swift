import Foundation

/// A recording's caption file read as what was said: who said it (each cue's `speaker`) and the words, in the
/// order they were spoken, normalised for matching. Zoom and Microsoft Teams save such a file beside every
/// recording; provoke finds quotes in it (`QuoteSearch`) and names speakers from it.
///
/// Speakers come from the file itself, in one of two ways:
/// - a WebVTT voice span, `<v Asha Patel>…</v>` (Teams), read by the WebVTT parser;
/// - a `Name:` prefix on the cue's first line (`Asha Patel: continuity of care…`, as Zoom writes, and as
///   transcript services export SRT), taken by `takeSpeakerPrefixes` below, only in a file that uses it
///   throughout.
public struct Transcript: Sendable, Hashable {
    /// The cues in the order they were spoken (by start, then end; file order for ties).
    public let cues: [Cue]
    /// For each of `cues`, its index in the file's own order (to find its line in `CaptionFile.cueLines`).
    public let fileIndices: [Int]
    /// Every word of every cue, normalised (`Transcript.words(in:)`), in order.
    public let words: [String]
    /// For each of `words`, the index in `cues` of the cue that says it.
    public let wordCues: [Int]
    /// The distinct words, and for each of `words` its index here: a search compares a quote's word with each
    /// distinct word once, not with every word said (a two-hour session says about 20 000 words, 3 000 distinct).
    let vocabulary: [String]
    let wordIDs: [Int]

    public init(cues fileCues: [Cue]) {
        let order = fileCues.indices.sorted {
            (fileCues[$0].start, fileCues[$0].end, $0) < (fileCues[$1].start, fileCues[$1].end, $1)
        }
        cues = order.map { fileCues[$0] }
        fileIndices = order
        var words: [String] = [], wordCues: [Int] = []
        for (index, cue) in cues.enumerated() {
            let cueWords = Transcript.words(in: cue.text)
            words += cueWords
            wordCues += Array(repeating: index, count: cueWords.count)
        }
        self.words = words
        self.wordCues = wordCues
        var ids: [String: Int] = [:]
        var vocabulary: [String] = []
        wordIDs = words.map { word in
            if let id = ids[word] { return id }
            ids[word] = vocabulary.count
            vocabulary.append(word)
            return vocabulary.count - 1
        }
        self.vocabulary = vocabulary
    }

    /// The text as words for matching: lowercased, accents and apostrophes dropped (`Don’t` and `dont` are one
    /// word; `café` is `cafe`), and everything that is not a letter or a digit separating words, so punctuation,
    /// hyphens, quotes and line breaks never decide a match (`whole-person` is `whole person`).
    public static func words(in text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var words: [String] = []
        var word = ""
        for scalar in folded.unicodeScalars {
            if scalar == "'" || scalar == "\u{2019}" || scalar == "\u{02BC}" { continue }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// Everyone the transcript names, in the order they first speak.
    public var speakers: [String] {
        var seen: Set<String> = []
        return cues.compactMap(\.speaker).filter { seen.insert($0).inserted }
    }

    /// Who speaks most in `[start, end)` (milliseconds of the recording): the speaker whose cues overlap it for
    /// the most milliseconds, the one who speaks first on a tie; nil when no cue there names a speaker. Most,
    /// not first: a clip often opens on the tail of the previous speaker's sentence.
    public func mainSpeaker(from start: Int64, to end: Int64) -> String? {
        var spoken: [String: Int64] = [:]
        var order: [String] = []
        for cue in cues where cue.end > start && cue.start < end {
            guard let speaker = cue.speaker else { continue }
            if spoken[speaker] == nil { order.append(speaker) }
            spoken[speaker, default: 0] += min(cue.end, end) - max(cue.start, start)
        }
        var best: String?
        for speaker in order where best == nil || spoken[speaker]! > spoken[best!]! { best = speaker }
        return best
    }

    // MARK: - `Name:` prefixes

    /// The longest name a `Name:` prefix may hold, in characters, and the most words.
    static let maximumNameLength = 50
    static let maximumNameWords = 4

    /// Takes `Name:` prefixes off the cues' first lines into `speaker`, when the file names speakers that way.
    ///
    /// The rule, so that ordinary captions keep their words ("Note: the clinic is closed" is a caption, not
    /// Note speaking): a file's cues are read as `Name: text` only when at least two cues and at least four in
    /// five of them start with such a prefix, and no cue already names a speaker with a voice span (a file
    /// that uses voice spans is not also read for prefixes). A prefix is the first line's text before the first
    /// `: ` (colon and space): 1 to 4 words, at most 50 characters, starting with a letter, without `,` `;` `!`
    /// `?` `"` or another `:`, and with text after it. In such a file, a cue without a prefix has no speaker.
    static func takeSpeakerPrefixes(_ cues: inout [Cue]) {
        guard cues.count >= 2, !cues.contains(where: { $0.speaker != nil }) else { return }
        let split = cues.map { speakerPrefix(of: $0.text) }
        let prefixed = split.filter { $0 != nil }.count
        guard prefixed >= 2, prefixed * 5 >= cues.count * 4 else { return }
        for index in cues.indices {
            guard let (name, text) = split[index] else { continue }
            cues[index].speaker = name
            cues[index].text = text
        }
    }

    /// `("Asha Patel", "continuity of care…")` for `Asha Patel: continuity of care…`, or nil.
    static func speakerPrefix(of text: String) -> (name: String, text: String)? {
        let firstLine = text.prefix { $0 != "\n" }
        guard let colon = firstLine.range(of: ": ") else { return nil }
        let name = firstLine[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
        let words = name.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic,
              (1...maximumNameWords).contains(words.count), name.count <= maximumNameLength,
              !name.unicodeScalars.contains(where: { ",;!?\":".unicodeScalars.contains($0) || $0.properties.generalCategory == .control })
        else { return nil }
        let rest = String(text[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty, !rest.hasPrefix("\n") else { return nil }
        return (name, rest)
    }
}
