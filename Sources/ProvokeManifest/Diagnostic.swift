// What `provoke validate` prints: every problem in a manifest, each with the place a producer (or an editor's
// error list) jumps to, and the result of loading: a Project only when there is no error.

import Foundation

/// One problem found in a manifest or its media.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The manifest cannot be planned or rendered.
        case error
        /// Worth a look, but planning and rendering go ahead.
        case warning
    }

    /// The manifest's path as it was given to the loader.
    public var file: String
    /// The JSON path of the value concerned (`clips[2].out`, `outputs[0].sequence[1]`); empty for the root.
    public var path: String
    /// 1-based line and column (in Unicode scalars) of the offending value, or of the key for key problems.
    /// Both are 0 when the problem is the file as a whole (it cannot be read); the column is 0 for a problem
    /// in a caption file, whose diagnostics name a line only.
    public var line: Int
    public var column: Int
    public var severity: Severity
    /// What was found and what was expected.
    public var message: String

    public init(file: String, path: String, line: Int, column: Int, severity: Severity, message: String) {
        self.file = file; self.path = path; self.line = line; self.column = column
        self.severity = severity; self.message = message
    }

    /// `file:line:column: path: message`, with `warning: ` before the message of a warning, the form compilers
    /// use so editors and terminals link it to the place. Empty parts (root path, no position, no column)
    /// are left out: `captions/may1.srt:14: message`.
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" + (column > 0 ? ":\(column)" : "") }
        text += ": "
        if !path.isEmpty { text += path + ": " }
        if severity == .warning { text += "warning: " }
        return text + message
    }
}

/// The outcome of loading a manifest.
public struct ManifestResult: Sendable {
    /// The validated project, or nil when any diagnostic is an error.
    public var project: Project?
    /// Errors and warnings together, in document order.
    public var diagnostics: [Diagnostic]

    public init(project: Project?, diagnostics: [Diagnostic]) {
        self.project = project; self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

// MARK: - "Did you mean …?"

/// The candidate a mistyped word most likely meant: same letters in another case, or within a small edit
/// distance (1 for short words, up to a third of the word's length). Nil when nothing is close.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let lowered = word.lowercased()
    if let sameLetters = candidates.first(where: { $0.lowercased() == lowered && $0 != word }) { return sameLetters }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
        let distance = editDistance(lowered, candidate.lowercased())
        let allowed = max(1, min(word.count, candidate.count) / 3)
        if distance <= allowed, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.candidate
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
