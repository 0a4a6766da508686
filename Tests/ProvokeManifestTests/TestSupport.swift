import Foundation
import XCTest
@testable import ProvokeManifest

/// Where a manifest lives in tests that need no files: sources resolve against `/projects/demo/`.
let manifestURL = URL(fileURLWithPath: "/projects/demo/manifest.json")

func load(_ text: String, url: URL = manifestURL, probe: (any SourceProbe)? = nil) -> ManifestResult {
    ManifestLoader.load(data: Data(text.utf8), url: url, probe: probe)
}

/// Each diagnostic as `line:column path: message` (the description without the file), for exact comparison.
func located(_ result: ManifestResult) -> [String] {
    result.diagnostics.map { diagnostic in
        let prefix = "\(diagnostic.file):"
        var text = diagnostic.description
        if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        return text
    }
}

/// `line:column` of the first (or n-th) occurrence of `marker` in `text`, plus `offset` scalars, counted the
/// way an editor shows them: 1-based, one column per Unicode scalar. Independent of the parser under test.
func at(_ marker: String, in text: String, occurrence: Int = 1, offset: Int = 0,
        file: StaticString = #filePath, line: UInt = #line) -> String {
    var searchStart = text.startIndex
    var found: Range<String.Index>?
    for _ in 0..<occurrence {
        found = text.range(of: marker, range: searchStart..<text.endIndex)
        guard let range = found else { break }
        searchStart = range.upperBound
    }
    guard let range = found else {
        XCTFail("marker \(marker) not found \(occurrence) times", file: file, line: line)
        return "?"
    }
    let before = text.unicodeScalars[text.unicodeScalars.startIndex..<range.lowerBound]
    let lineNumber = before.filter { $0 == "\n" }.count + 1
    let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
    let column = before[lineStart...].count + 1 + offset
    return "\(lineNumber):\(column)"
}

/// A manifest using every feature of format 1, laid out one item per line.
let validManifest = """
{
  "provoke": 1,
  "project": {"id": "increasing-access", "title": "Increasing access is harmful to health",
              "event": "Provocation event, 1 May"},
  "sources": [{"id": "may1", "file": "media/session-may1.mp4"},
              {"id": "may2", "file": "/recordings/may2.mp4"}],
  "ideas":   [{"id": "demand", "text": "More access feeds demand, not health"},
              {"id": "continuity", "text": "Continuity is care"}],
  "clips":   [{"id": "opening", "source": "may1", "in": "00:10.000", "out": 40, "ideas": ["demand"]},
              {"id": "reply", "source": "may2", "in": 10.5, "out": "00:01:02.25", "ideas": ["demand", "continuity"]},
              {"id": "close", "source": "may1", "in": "01:00:00", "out": "1:00:07.5"}],
  "outputs": [{"id": "for-icbs", "audience": "icb", "title": "Increasing access: a provocation for ICBs",
               "sequence": ["opening", {"item": "reply"}, "close"]},
              {"id": "for-colleges", "audience": "college", "title": "For the colleges",
               "sequence": ["reply", "opening"]}]
}
"""

/// `validManifest` with one piece of text replaced; fails the test if the piece is not there exactly once.
func replacing(_ target: String, with replacement: String, in text: String = validManifest,
               file: StaticString = #filePath, line: UInt = #line) -> String {
    let pieces = text.components(separatedBy: target)
    XCTAssertEqual(pieces.count, 2, "\(target) should occur once", file: file, line: line)
    return pieces.joined(separator: replacement)
}

func µs(_ value: Int64) -> SourceTime { SourceTime(microseconds: value) }

/// A stand-in for a media file: answers from a table keyed by absolute path, so a wrongly resolved path
/// shows up as an "unexpected probe" error.
struct FakeProbe: SourceProbe {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var answers: [String: Result<SourceMediaInfo, Failure>]

    func probe(_ url: URL) throws -> SourceMediaInfo {
        guard let answer = answers[url.path] else { throw Failure(description: "unexpected probe of \(url.path)") }
        return try answer.get()
    }
}

/// A fresh folder for tests that need real files (empty ones: existence is all the loader checks itself).
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("provoke-manifest-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.standardizedFileURL
}
