import ArgumentParser
import Foundation
import ProvokeRender
import ProvokeSystem

struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What a media file holds: container, length, streams, loudness, tags, caption tracks.",
        discussion: "Each file is read whole (its sound decoded for the EBU R128 loudness). A file that cannot be read "
            + "is reported and the others still are. Exit 0 when every file was read, 1 when one was not.")

    @Argument(help: "Media files.")
    var files: [String]

    @Flag(help: "Print a JSON array on standard output: one object per file, or {\"file\", \"error\"}.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one media file") }
    }

    func run() throws {
        Renderer.silenceMediaLibraries()
        struct Failure: Encodable { var file: String; var error: String }
        var entries: [any Encodable] = [], failed = 0
        for (n, file) in files.enumerated() {
            do {
                let report = try MediaProbe.report(file)
                entries.append(report)
                if !json { print((n > 0 ? "\n" : "") + report.text) }
            } catch {
                failed += 1
                entries.append(Failure(file: file, error: error.message))
                printStderr("provoke: \(VisibleText.escaped(file)): \(VisibleText.escaped(error.message))")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let items = try entries.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            print("[" + items.joined(separator: ",\n") + "]")
        }
        if failed > 0 { throw ExitCode.invalidInput }
    }
}
