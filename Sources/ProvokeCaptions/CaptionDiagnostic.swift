/// A problem in a caption file, with the place to fix it.
///
/// Named apart from `ProvokeManifest.Diagnostic` so a module can import both; the manifest validator carries
/// these over as its own diagnostics (file and line, no JSON path).
public struct CaptionDiagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Codable {
        /// The cue (or the file) could not be read; what was read is still returned.
        case error
        /// Read, but probably not what the author meant (a cue that is never visible, text after a blank line).
        case warning
    }

    /// The caption file's name as the caller gave it (typically the path as written in the manifest).
    public var file: String
    /// 1-based line number in the file.
    public var line: Int
    public var severity: Severity
    /// What was found and what was expected.
    public var message: String

    public init(file: String, line: Int, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.severity = severity
        self.message = message
    }

    /// `file:line: message`, or `file:line: warning: message`: the form compilers use, so an editor jumps to it.
    public var description: String {
        "\(file):\(line): " + (severity == .warning ? "warning: " : "") + message
    }
}
