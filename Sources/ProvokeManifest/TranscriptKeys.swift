// The transcript keys of format 1: a clip's `quote` and `pad` (a clip timed by what was said), and the top-level
// `speakers` map (how each name a transcript gives is shown). A source's caption file is its transcript: Zoom and
// Teams save one beside every recording, naming who speaks (ProvokeCaptions' `Transcript`).
//
// Quotes are resolved by the loader once the caption files are read (the decoder touches no files): each is
// searched for with `QuoteSearch` in the transcripts it may come from, and must be said in exactly one best place.
// Problems are reported at the clip's `quote`, listing the places found or the nearest ones, with their times.
// A clip that names no speaker gets the transcript's, when it has one (`Transcript.mainSpeaker`).

import Foundation
import ProvokeCaptions

/// How a clip's range was found from its `quote`: for plans and messages.
public struct QuotedRange: Sendable, Hashable {
    /// The quote as written in the manifest.
    public var quote: String
    /// The place that says it (its source, caption file, lines, match and times).
    public var place: QuotePlace
    /// Microseconds added before and after (`pad`), before clamping to the recording.
    public var pad: Int64
    public init(quote: String, place: QuotePlace, pad: Int64) { self.quote = quote; self.place = place; self.pad = pad }
}

/// A source's caption file read as a transcript, with the line of each cue, for searching and messages.
public struct TranscriptSource: Sendable, Hashable {
    public var source: String
    /// The caption file as messages show it (relative to where the command ran, like caption diagnostics).
    public var file: String
    public var transcript: Transcript
    /// The line of each of `transcript.cues` (in spoken order) in the file.
    public var lines: [Int]

    public init(source: String, file: String, captions: CaptionFile) {
        self.source = source
        self.file = file
        transcript = Transcript(cues: captions.cues)
        lines = transcript.fileIndices.map { captions.cueLines.indices.contains($0) ? captions.cueLines[$0] : 0 }
    }

    /// `captions/may1.vtt:14` or `captions/may1.vtt:14-16`.
    func writtenAt(_ firstCue: Int, _ lastCue: Int) -> String {
        let first = lines[firstCue], last = lines[lastCue]
        return "\(file):\(first)" + (last != first ? "-\(last)" : "")
    }
}

/// One place in a project's transcripts that says a quote, with the cues around it.
public struct QuotePlace: Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var file: String
    public var match: QuoteSearch.Match
    /// The cues that say the words (in spoken order), and the cue just before and after them.
    public var cues: [Cue]
    public var before: Cue?
    public var after: Cue?
    /// `file:line` of the first cue, or `file:first-last`.
    public var writtenAt: String
    /// Who speaks most in the place, when the transcript names speakers.
    public var speaker: String?

    public var start: SourceTime { SourceTime(microseconds: match.start * 1000) }
    public var end: SourceTime { SourceTime(microseconds: match.end * 1000) }

    /// `may1 00:00:24.556-00:00:30.568 Asha Patel: "When success is … we lose." (captions/may1.vtt:14, 100%)`
    public var description: String {
        let said = cues.map(\.text).joined(separator: " ").replacingOccurrences(of: "\n", with: " ")
        return "\(source) \(start)-\(end) " + (speaker.map { "\($0): " } ?? "")
            + "\(quoted(said, limit: 70)) (\(writtenAt), \(match.score)%)"
    }
}

public enum TranscriptSearch {
    /// Every place in the transcripts that says `quote` within `maximumCost` half words (default: the quote's
    /// tolerance, `QuoteSearch.tolerance`), best first: by cost, then in the order the sources are listed, then
    /// by time.
    public static func places(of quote: String, in sources: [TranscriptSource], maximumCost: Int? = nil) -> [QuotePlace] {
        let words = Transcript.words(in: quote)
        var found: [(rank: Int, place: QuotePlace)] = []
        for (rank, source) in sources.enumerated() {
            for match in QuoteSearch.search(words: words, in: source.transcript, maximumCost: maximumCost) {
                found.append((rank, place(match, in: source)))
            }
        }
        return found.sorted { ($0.place.match.cost, $0.rank, $0.place.match.start) < ($1.place.match.cost, $1.rank, $1.place.match.start) }
            .map(\.place)
    }

    /// The places nearest to a quote that is not said anywhere: at least half its words in order (cost at most
    /// the number of words, in half words), at most `limit` of them.
    public static func nearest(to quote: String, in sources: [TranscriptSource], limit: Int = 3) -> [QuotePlace] {
        let words = Transcript.words(in: quote).count
        return Array(places(of: quote, in: sources, maximumCost: words).prefix(limit))
    }

    static func place(_ match: QuoteSearch.Match, in source: TranscriptSource) -> QuotePlace {
        let cues = source.transcript.cues
        return QuotePlace(source: source.source, file: source.file, match: match,
                          cues: Array(cues[match.firstCue...match.lastCue]),
                          before: match.firstCue > 0 ? cues[match.firstCue - 1] : nil,
                          after: match.lastCue + 1 < cues.count ? cues[match.lastCue + 1] : nil,
                          writtenAt: source.writtenAt(match.firstCue, match.lastCue),
                          speaker: source.transcript.mainSpeaker(from: match.start, to: match.end))
    }
}

/// One entry of the top-level `speakers` map, with where it was written.
struct SpeakerMapDraft {
    /// The name as the transcript gives it (the map's key).
    var transcriptName: String
    var path: JSONPath
    var keyPosition: TextPosition
    var speaker: Speaker
}

extension ManifestDecoder {
    /// The message for a clip key that belongs to the other kind of clip (nil: simply unknown).
    static func misplacedClipKey(_ key: String, inQuoteClip: Bool) -> String? {
        guard inQuoteClip, key == "in" || key == "out" else { return nil }
        return "unexpected \(quoted(key)) in a clip with a \"quote\": the quote's place in the transcript gives its in "
            + "and out; remove \(quoted(key)), or remove \"quote\" to time the clip by hand"
    }

    /// `{"Asha Patel": {"name": "Dr Asha Patel", "role": "GP partner, Leeds"}, …}`: each value's keys optional,
    /// `name` defaulting to the transcript's.
    mutating func speakerMap(_ node: JSONNode, at path: JSONPath) -> [SpeakerMapDraft] {
        guard case .object(let members) = node.value else {
            report(path, node.position, "expected a map of the names transcripts give to how they are shown "
                   + "({\"Asha Patel\": {\"name\": \"Dr Asha Patel\", \"role\": \"GP partner\"}}), found \(node.foundDescription)")
            return []
        }
        var entries: [SpeakerMapDraft] = []
        for member in members {
            let at = path + member.key
            guard let fields = fields(of: member.value, at: at, keys: ManifestKeys.speakerEntry, noun: "a speaker")
            else { continue }
            let name = text(fields, "name") ?? member.key.trimmingCharacters(in: .whitespaces)
            entries.append(SpeakerMapDraft(transcriptName: member.key, path: at, keyPosition: member.keyPosition,
                                           speaker: Speaker(name: name, role: text(fields, "role"))))
        }
        return entries
    }

    /// The sources whose caption files could be read, as transcripts.
    func transcriptSources(_ draft: ManifestDraft) -> [TranscriptSource] {
        draft.sources.compactMap { source in
            guard let id = source.id?.value, let written = source.captions?.value, let file = source.captionFile
            else { return nil }
            return TranscriptSource(source: id, file: shownPath(of: written), captions: file)
        }
    }

    /// Finds every clip's `quote` in the transcripts it may come from (its `source`'s, or every source's) and
    /// sets the clip's `in`, `out` and, if left out, `source` from the one place that says it best, widened by
    /// `pad` (clamped at 0; at the recording's end by `clampQuotedClips` when the media are opened). Then checks
    /// what needed the clip's length: transitions next to it and its own captions.
    mutating func resolveQuotes(_ draft: inout ManifestDraft) {
        let sources = transcriptSources(draft)
        var resolved: Set<String> = []
        for index in draft.clips.indices {
            guard let quote = draft.clips[index].quote else { continue }
            var candidates = sources
            if let named = draft.clips[index].source {
                guard draft.sources.contains(where: { $0.id?.value == named.value }) else { continue }  // reported
                guard let source = draft.sources.first(where: { $0.id?.value == named.value }), source.captions != nil else {
                    report(quote.path, quote.position, "source \(quoted(named.value)) has no caption file to find the quote "
                           + "in; give the source its transcript as \"captions\", or time the clip with in and out")
                    continue
                }
                candidates = sources.filter { $0.source == named.value }
                guard !candidates.isEmpty else { continue }  // its caption file could not be read (reported)
            } else if sources.isEmpty {
                if !draft.sources.contains(where: { $0.captions != nil }) {
                    report(quote.path, quote.position, "no source has a caption file to find the quote in; give the "
                           + "recording its transcript as \"captions\", or time the clip with source, in and out")
                }
                continue
            }
            let found = TranscriptSearch.places(of: quote.value, in: candidates)
            let searched = candidates.map(\.source).joined(separator: ", ")
            guard let best = found.first else {
                let nearest = TranscriptSearch.nearest(to: quote.value, in: candidates)
                report(quote.path, quote.position, "quote not found in the transcript\(candidates.count == 1 ? "" : "s") of "
                       + "\(searched); " + (nearest.isEmpty ? "nothing said there comes close"
                                             : "nearest: " + nearest.map(\.description).joined(separator: "; ")))
                continue
            }
            let equallyGood = found.filter { $0.match.cost == best.match.cost }
            guard equallyGood.count == 1 else {
                let acrossSources = Set(equallyGood.map(\.source)).count > 1 && draft.clips[index].source == nil
                report(quote.path, quote.position, "quote is said in \(equallyGood.count) places: "
                       + equallyGood.map(\.description).joined(separator: "; ") + "; quote more of what was said around it "
                       + "so that one place says it" + (acrossSources ? ", or name the clip's \"source\"" : ""))
                continue
            }
            if found.count > 1 {
                // A quote from notes may be off by a word: if it is also near another place, the producer should
                // know which one was taken.
                warn(quote.path, quote.position, "quote is also said, less closely, at "
                     + found.dropFirst().prefix(3).map(\.description).joined(separator: "; ")
                     + "; the clip takes the closest: \(best.description)")
            }
            let pad = draft.clips[index].pad?.value.microseconds ?? 0
            let start = max(0, best.match.start * 1000 - pad), end = best.match.end * 1000 + pad
            draft.clips[index].in = Located(value: SourceTime(microseconds: start), path: quote.path, position: quote.position)
            draft.clips[index].out = Located(value: SourceTime(microseconds: end), path: quote.path, position: quote.position)
            if draft.clips[index].source == nil {
                draft.clips[index].source = Located(value: best.source, path: quote.path, position: quote.position)
            }
            draft.clips[index].quoted = QuotedRange(quote: quote.value, place: best, pad: pad)
            checkClipCues(draft.clips[index].captions, clipLength: end - start)
            if let id = draft.clips[index].id?.value { resolved.insert(id) }
        }
        if !resolved.isEmpty { checkTransitions(draft, involving: resolved) }
    }

    /// A quote clip padded past the end of its recording ends with the recording (the media say where).
    func clampQuotedClips(_ draft: inout ManifestDraft, durations: [String: SourceTime]) {
        for index in draft.clips.indices {
            guard draft.clips[index].quoted != nil, let source = draft.clips[index].source?.value,
                  let duration = durations[source], let out = draft.clips[index].out, out.value > duration else { continue }
            let start = draft.clips[index].in?.value ?? duration
            draft.clips[index].out?.value = max(duration, start)
        }
    }

    /// A name in the `speakers` map that no transcript gives is probably misspelt: a warning at the key.
    mutating func checkSpeakerMap(_ draft: ManifestDraft) {
        guard !draft.speakers.isEmpty else { return }
        let named = transcriptSources(draft).flatMap(\.transcript.speakers)
        let known = named.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for entry in draft.speakers where !known.contains(entry.transcriptName) {
            var message = "speaker \(quoted(entry.transcriptName)) is not named in any transcript; "
            if known.isEmpty {
                message += "no caption file names its speakers (with <v Name> or Name: text)"
            } else {
                if let suggestion = closestMatch(to: entry.transcriptName, in: known) {
                    message += "did you mean \(quoted(suggestion))? "
                }
                message += "transcripts name: " + known.joined(separator: ", ")
            }
            warn(entry.path, entry.keyPosition, message)
        }
    }

    /// The speaker the transcript gives a clip that names none: who speaks most in its range, shown as the
    /// `speakers` map says (else by the transcript's name alone).
    static func transcriptSpeaker(from transcript: Transcript, in: SourceTime, out: SourceTime,
                                  map: [SpeakerMapDraft]) -> Speaker? {
        let start = roundedMilliseconds(`in`.microseconds), end = roundedMilliseconds(out.microseconds)
        guard let name = transcript.mainSpeaker(from: start, to: end) else { return nil }
        return map.first { $0.transcriptName == name }?.speaker ?? Speaker(name: name)
    }
}

/// What `provoke find` searches: the transcripts of a manifest's sources and its ideas.
public struct ProjectTranscripts: Sendable {
    public var sources: [TranscriptSource]
    public var ideas: [Idea]
    /// Why nothing could be read (the manifest is missing or not JSON), and the caption files' own problems.
    public var diagnostics: [Diagnostic]
}

extension ManifestLoader {
    /// The transcripts of a manifest's sources, read even when the manifest has other errors, so that
    /// `provoke find` helps fix a quote that `validate` rejects. The manifest's own problems are left to
    /// `validate`; only what stops the reading (a missing file, bad JSON) and the caption files' problems are given.
    public static func transcripts(_ url: URL) -> ProjectTranscripts {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path)
                ? "cannot read the manifest: \(error.localizedDescription)" : "file not found: \(absolute(url).path)"
            return ProjectTranscripts(sources: [], ideas: [], diagnostics: [Diagnostic(
                file: displayPath(url), path: "", line: 0, column: 0, severity: .error, message: reason)])
        }
        let document: JSONDocument
        do {
            document = try JSONParser.parse(data)
        } catch {
            return ProjectTranscripts(sources: [], ideas: [], diagnostics: [Diagnostic(
                file: displayPath(url), path: error.path.description, line: error.position.line,
                column: error.position.column, severity: .error, message: error.message)])
        }
        let manifestURL = absolute(url)
        var decoder = ManifestDecoder(file: displayPath(url), baseURL: manifestURL.deletingLastPathComponent())
        guard var draft = decoder.decode(document) else {
            return ProjectTranscripts(sources: [], ideas: [], diagnostics: decoder.diagnostics.filter { $0.severity == .error })
        }
        decoder.readCaptionFiles(&draft)
        let ideas = draft.ideas.compactMap { idea in idea.id.flatMap { id in idea.text.map { Idea(id: id.value, text: $0) } } }
        return ProjectTranscripts(sources: decoder.transcriptSources(draft), ideas: ideas,
                                  diagnostics: decoder.diagnostics.filter { $0.file != decoder.file })
    }
}

// MARK: - What `provoke find` prints

/// `provoke find`'s answer, as `--json` prints it and as text for people: the places that say the words, best
/// first, and, when none does, the nearest ones; or, with `--ideas`, the places nearest to each idea.
public struct FindReport: Codable, Equatable, Sendable {
    public struct CueEntry: Codable, Equatable, Sendable {
        public var startTime: String
        public var endTime: String
        public var speaker: String?
        public var text: String
        init(_ cue: Cue) {
            startTime = SourceTime(microseconds: cue.start * 1000).description
            endTime = SourceTime(microseconds: cue.end * 1000).description
            speaker = cue.speaker
            text = cue.text
        }
    }
    public struct Place: Codable, Equatable, Sendable {
        public var source: String
        /// `captions/may1.vtt:14-15`: the caption file and the lines of the cues that say it.
        public var writtenAt: String
        /// Seconds of the recording (for scripts) and "HH:MM:SS.mmm": the range a `quote` clip would get.
        public var start: Double
        public var end: Double
        public var startTime: String
        public var endTime: String
        /// 100: every word as written.
        public var score: Int
        public var speaker: String?
        /// The cues that say it, and the one before and after (absent at the transcript's ends).
        public var cues: [CueEntry]
        public var before: CueEntry?
        public var after: CueEntry?
        public init(_ place: QuotePlace) {
            source = place.source; writtenAt = place.writtenAt
            start = place.start.seconds; end = place.end.seconds
            startTime = place.start.description; endTime = place.end.description
            score = place.match.score; speaker = place.speaker
            cues = place.cues.map(CueEntry.init); before = place.before.map(CueEntry.init); after = place.after.map(CueEntry.init)
        }
    }
    public struct IdeaEntry: Codable, Equatable, Sendable {
        public var id: String
        public var text: String
        public var places: [Place]
    }
    /// The words searched for (absent with `--ideas`).
    public var query: String?
    public var matches: [Place]?
    /// When nothing says the words: the places that say at least half of them, in order.
    public var nearest: [Place]?
    public var ideas: [IdeaEntry]?

    /// Where `text` is said in `sources`, best first; the nearest places when none says it.
    public static func find(_ text: String, in sources: [TranscriptSource]) -> FindReport {
        let matches = TranscriptSearch.places(of: text, in: sources)
        return FindReport(query: text, matches: matches.map(Place.init),
                          nearest: matches.isEmpty ? TranscriptSearch.nearest(to: text, in: sources).map(Place.init) : nil)
    }

    /// For each idea, the (up to three) places whose words are nearest to its text: an idea is a paraphrase, so
    /// these are places that say at least half its words in order, not quotes.
    public static func ideas(_ ideas: [Idea], in sources: [TranscriptSource]) -> FindReport {
        FindReport(ideas: ideas.map { idea in
            IdeaEntry(id: idea.id, text: idea.text, places: TranscriptSearch.nearest(to: idea.text, in: sources).map(Place.init))
        })
    }

    /// For people: each place as a heading line and its cues, the matched ones marked with `>`.
    public var text: String {
        func block(_ place: Place) -> [String] {
            var lines = ["\(place.source) \(place.startTime)-\(place.endTime)" + (place.speaker.map { " \($0)" } ?? "")
                         + " (\(place.writtenAt), \(place.score)%)"]
            func line(_ cue: CueEntry, _ mark: String) -> String {
                "  \(mark) \(cue.startTime) " + (cue.speaker.map { "\($0): " } ?? "")
                    + cue.text.replacingOccurrences(of: "\n", with: " ")
            }
            if let before = place.before { lines.append(line(before, " ")) }
            lines += place.cues.map { line($0, ">") }
            if let after = place.after { lines.append(line(after, " ")) }
            return lines
        }
        var lines: [String] = []
        if let matches {
            if matches.isEmpty {
                lines.append("no place in the transcripts says \(quoted(query ?? "", limit: nil))")
                if let nearest, !nearest.isEmpty {
                    lines.append("nearest:")
                    lines += nearest.flatMap(block)
                }
            } else {
                lines += matches.flatMap(block)
            }
        }
        for idea in ideas ?? [] {
            if !lines.isEmpty { lines.append("") }
            lines.append("idea \(idea.id): \(quoted(idea.text, limit: nil))")
            lines += idea.places.isEmpty ? ["  no place in the transcripts comes close"] : idea.places.flatMap(block)
        }
        return lines.joined(separator: "\n")
    }
}
