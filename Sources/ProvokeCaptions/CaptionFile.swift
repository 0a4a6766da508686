import Foundation
import ProvokeSystem

/// The caption file formats a source may name.
public enum CaptionFormat: String, Hashable, Sendable, Codable, CaseIterable {
    /// SubRip, `.srt`.
    case srt
    /// WebVTT, `.vtt`.
    case vtt

    /// The format a file name's extension says (`.srt`, `.vtt`, any case), or nil.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), !fileName[dot...].contains("/") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "srt": self = .srt
        case "vtt", "webvtt": self = .vtt
        default: return nil
        }
    }

    /// The cues as a file of this format. See `CaptionFile.write(_:as:)`.
    public func write(_ cues: [Cue]) -> String {
        switch self {
        case .srt: SRT.write(cues)
        case .vtt: WebVTT.write(cues)
        }
    }
}

/// A caption file as read: its cues in the file's own time (a recording's time), and every problem found.
///
/// Parsing never throws and never stops at the first problem: a malformed cue is reported and skipped, the
/// rest are read, so `provoke validate` lists everything at once. A file with errors still returns the cues it
/// could read; whether to go on is the caller's decision (`hasErrors`).
public struct CaptionFile: Hashable, Sendable {
    /// The name the caller gave (used in diagnostics, and for the format when none is given).
    public var fileName: String
    public var format: CaptionFormat
    /// In file order (not sorted; overlapping cues are allowed). Text is plain: markup stripped, entities
    /// decoded, lines joined by `\n`.
    public var cues: [Cue]
    /// For each cue, the 1-based line of its timing line: `cueLines[i]` belongs to `cues[i]`.
    public var cueLines: [Int]
    /// Errors and warnings, in file order.
    public var diagnostics: [CaptionDiagnostic]

    public var errors: [CaptionDiagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [CaptionDiagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Reads caption text. `format` nil means: by the file name's extension; failing that, WebVTT if the text
    /// starts with `WEBVTT`, else SRT, with a warning saying which was chosen.
    public static func parse(contents: String, fileName: String, format: CaptionFormat? = nil) -> CaptionFile {
        parse(SourceText(contents), fileName: fileName, format: format, preamble: [])
    }

    /// Reads a caption file's bytes: UTF-8 (with or without a byte-order mark), or UTF-16 with a byte-order
    /// mark. Bytes that are not UTF-8 give one error at the line of the first, and read as U+FFFD.
    public static func parse(contents: Data, fileName: String, format: CaptionFormat? = nil) -> CaptionFile {
        let (text, invalid) = SourceText.decode(contents)
        var preamble: [CaptionDiagnostic] = []
        if let invalid {
            let hex = String(invalid.byte, radix: 16, uppercase: true)
            preamble.append(CaptionDiagnostic(
                file: fileName, line: invalid.line, severity: .error,
                message: "expected UTF-8 text, found byte 0x\(hex.count == 1 ? "0" + hex : hex) "
                    + "(the file looks like another encoding, e.g. Windows-1252; save it as UTF-8)"))
        }
        return parse(SourceText(text), fileName: fileName, format: format, preamble: preamble)
    }

    private static func parse(_ source: SourceText, fileName: String, format: CaptionFormat?,
                              preamble: [CaptionDiagnostic]) -> CaptionFile {
        var chosen = format ?? CaptionFormat(fileName: fileName)
        var diagnostics = preamble
        if chosen == nil {
            let looksLikeVTT = source.lines.first?.hasPrefix("WEBVTT") ?? false
            chosen = looksLikeVTT ? .vtt : .srt
            diagnostics.append(CaptionDiagnostic(
                file: fileName, line: 1, severity: .warning,
                message: "expected a file name ending in .srt or .vtt; read as "
                    + (looksLikeVTT ? "WebVTT (the text starts with WEBVTT)" : "SRT (the text does not start with WEBVTT)")))
        }
        var file = CaptionFile(fileName: fileName, format: chosen!, cues: [], cueLines: [], diagnostics: diagnostics)
        switch chosen! {
        case .srt: SRT.parse(source, into: &file)
        case .vtt: WebVTT.parse(source, into: &file)
        }
        // Zoom (and transcript exports in SRT) write the speaker as a `Name:` prefix of the text; see Transcript.
        Transcript.takeSpeakerPrefixes(&file.cues)
        if file.cues.isEmpty && !file.hasErrors {
            file.warning(line: 1, "no cues in this file")
        }
        return file
    }

    /// Warnings for cues that end after the recording does (`provoke validate` knows the duration from the
    /// media; this module does not read media). Such cues are not errors: retiming trims them like any other.
    public func diagnosticsForCues(pastEnd recordingDuration: Int64) -> [CaptionDiagnostic] {
        zip(cues, cueLines).compactMap { cue, line in
            guard cue.end > recordingDuration else { return nil }
            let what = cue.start >= recordingDuration ? "starts at \(Timestamp.format(cue.start, separator: "."))"
                                                       : "ends at \(Timestamp.format(cue.end, separator: "."))"
            return CaptionDiagnostic(
                file: fileName, line: line, severity: .warning,
                message: "cue \(what), after the recording ends (\(Timestamp.format(recordingDuration, separator: ".")))")
        }
    }

    /// Warnings for cues shown faster than a viewer can read (`Cue.readingSpeedProblem`), at their timing lines.
    public func diagnosticsForReadingSpeed() -> [CaptionDiagnostic] {
        zip(cues, cueLines).compactMap { cue, line in
            cue.readingSpeedProblem.map { CaptionDiagnostic(file: fileName, line: line, severity: .warning, message: $0) }
        }
    }

    /// The cues as an SRT or WebVTT file. Same as `format.write(cues)`.
    public static func write(_ cues: [Cue], as format: CaptionFormat) -> String { format.write(cues) }

    // MARK: - Used by the format parsers

    mutating func error(line: Int, _ message: String) {
        diagnostics.append(CaptionDiagnostic(file: fileName, line: line, severity: .error, message: message))
    }

    mutating func warning(line: Int, _ message: String) {
        diagnostics.append(CaptionDiagnostic(file: fileName, line: line, severity: .warning, message: message))
    }

    /// Checks a parsed cue and keeps it if it can be shown. `line` is its timing line.
    mutating func add(start: Int64, end: Int64, text: String, line: Int, format: CaptionFormat, speaker: String? = nil) {
        let separator: Character = format == .srt ? "," : "."
        if end < start {
            error(line: line, "expected the end time after the start time, found "
                  + "\(Timestamp.format(start, separator: separator)) --> \(Timestamp.format(end, separator: separator))")
            return
        }
        if end == start {
            warning(line: line, "cue starts and ends at \(Timestamp.format(start, separator: separator)), so it is never shown; skipped")
            return
        }
        if text.isEmpty {
            warning(line: line, "cue has no text; skipped")
            return
        }
        cues.append(Cue(start: start, end: end, text: text, speaker: speaker))
        cueLines.append(line)
    }
}

/// Text normalisation shared by the writers.
enum CaptionText {
    /// A cue's text as the lines a caption file may hold: CRLF and CR are line breaks, a tab is a space, NUL and
    /// every other control character (ESC, BEL, DEL, C1) are removed, empty and blank lines are dropped (in both
    /// formats a blank line ends the cue). Controls draw nothing in a player, and in a sidecar someone later
    /// `cat`s they would drive that terminal, as the ASS script and the caption track drop them too.
    static func fileLines(_ text: String) -> [String] {
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                kept.append(" ")
            } else if scalar == "\n" || scalar == "\r" || !VisibleText.isControl(scalar) {
                kept.append(scalar)
            }
        }
        return String(kept)
            .split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            .filter { !$0.isBlankLine }
            .map(String.init)
    }
}
