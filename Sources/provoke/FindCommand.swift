import ArgumentParser
import Foundation
import ProvokeManifest

// `provoke find`: where in a project's transcripts some words are said, so a producer can quote a session
// instead of scrubbing it for timecodes. The search is ProvokeCaptions' QuoteSearch, the report ProvokeManifest's
// FindReport; this only reads the arguments and prints.

struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find where words are said in a project's transcripts (its sources' caption files).",
        discussion: """
        Prints every place that says TEXT, best first, with its source, time range, speaker and the cues \
        around it. Case, punctuation and a word or two missing or misheard do not matter. With --ideas, the \
        places nearest to each idea of the manifest. Works even when the manifest has other errors. \
        Exit 0 whether or not the words are found (the JSON's "matches" is then empty), 1 if the manifest \
        cannot be read or no source has a caption file, 2 for a usage error.
        """)

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Argument(help: "The words to find (quoted, or as several arguments).")
    var text: [String] = []

    @Option(name: .customLong("source"), help: "Only this source's transcript (repeatable).")
    var sources: [String] = []

    @Flag(help: "For each idea of the manifest, the places whose words are nearest to its text.")
    var ideas = false

    @Flag(help: "Print the places as JSON.")
    var json = false

    func validate() throws {
        if text.isEmpty && !ideas { throw ValidationError("give the words to find, or --ideas") }
        if !text.isEmpty && ideas { throw ValidationError("give either the words to find or --ideas, not both") }
    }

    func run() throws {
        let read = ManifestLoader.transcripts(URL(fileURLWithPath: manifest))
        // A caption file's errors are printed, but what could be read of it is still searched: find is how a
        // producer checks a transcript while fixing it. A manifest that cannot be read at all stops here.
        for d in read.diagnostics where d.severity == .error { printStderr(d.description) }
        if read.sources.isEmpty && read.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode.invalidInput }
        var searched = read.sources
        for id in sources where !searched.contains(where: { $0.source == id }) {
            let known = read.sources.map(\.source)
            printStderr("provoke: --source \(id): no such source with a caption file in \(manifest)"
                        + (known.isEmpty ? "" : "; sources with one: \(known.joined(separator: ", "))"))
            throw ExitCode.usage
        }
        if !sources.isEmpty { searched = searched.filter { sources.contains($0.source) } }
        guard !searched.isEmpty else {
            printStderr("provoke: \(manifest): no source has a caption file (a transcript) to search")
            throw ExitCode.invalidInput
        }
        let report = ideas ? FindReport.ideas(read.ideas, in: searched)
                           : FindReport.find(text.joined(separator: " "), in: searched)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
