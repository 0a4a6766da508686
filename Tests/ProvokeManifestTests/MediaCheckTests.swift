import Foundation
import XCTest
@testable import ProvokeManifest

/// The checks that need the source files: existence on disk (real, empty files) and what a SourceProbe reports
/// (a table standing in for each file's media).
final class MediaCheckTests: XCTestCase {
    private var folder: URL!
    private var may1: URL { folder.appendingPathComponent("project/media/session-may1.mp4") }
    private var may2: URL { folder.appendingPathComponent("elsewhere/may2.mp4") }
    private var manifest: URL { folder.appendingPathComponent("project/manifest.json") }
    /// `validManifest` with may2 at an absolute path inside the temporary folder.
    private var text: String { replacing("/recordings/may2.mp4", with: may2.path) }

    override func setUpWithError() throws {
        folder = try temporaryFolder()
        for file in [may1, may2] {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: Data()))
        }
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private func media(seconds: Int64, video: Bool = true, audio: Bool = true) -> Result<SourceMediaInfo, FakeProbe.Failure> {
        .success(SourceMediaInfo(duration: µs(seconds * 1_000_000), hasVideo: video, hasAudio: audio))
    }

    /// Both sources long enough: may1 holds "close" (to 1:00:07.5), may2 holds "reply" (to 1:02.25).
    private var longEnough: [String: Result<SourceMediaInfo, FakeProbe.Failure>] {
        [may1.path: media(seconds: 3_700), may2.path: media(seconds: 63)]
    }

    private func check(_ answers: [String: Result<SourceMediaInfo, FakeProbe.Failure>], text: String? = nil)
        -> ManifestResult {
        ManifestLoader.load(data: Data((text ?? self.text).utf8), url: manifest, probe: FakeProbe(answers: answers))
    }

    func testRelativePathsResolveAgainstTheManifestFolderAndAbsoluteOnesStay() {
        let result = check(longEnough)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.project?.sources.map(\.url), [may1, may2])
        XCTAssertEqual(result.project?.sources.map(\.file), ["media/session-may1.mp4", may2.path])
    }

    func testMissingFileIsNamedByItsResolvedPath() throws {
        try FileManager.default.removeItem(at: may1)
        let result = check(longEnough)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            #"\#(at(#""media/session-may1.mp4""#, in: text)): sources[0].file: file not found: \#(may1.path)"#,
        ])
    }

    func testAFolderIsNotAMediaFile() throws {
        try FileManager.default.removeItem(at: may1)
        try FileManager.default.createDirectory(at: may1, withIntermediateDirectories: true)
        XCTAssertEqual(located(check(longEnough)), [
            #"\#(at(#""media/session-may1.mp4""#, in: text)): sources[0].file: expected a media file, found a folder: \#(may1.path)"#,
        ])
    }

    func testProbeFailureIsReportedWithItsDescription() {
        var answers = longEnough
        answers[may2.path] = .failure(FakeProbe.Failure(description: "not a media file that FFmpeg can read, or cut short"))
        let result = check(answers)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            "\(at(#""\#(may2.path)""#, in: text)): sources[1].file: \(may2.path): not a media file that FFmpeg can read, or cut short",
        ])
    }

    func testNoVideoIsAnErrorAndNoAudioAWarning() {
        var answers = longEnough
        answers[may1.path] = media(seconds: 3_700, video: false)
        answers[may2.path] = media(seconds: 63, audio: false)
        let result = check(answers)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            #"\#(at(#""media/session-may1.mp4""#, in: text)): sources[0].file: expected a video stream, found none in \#(may1.path)"#,
            "\(at(#""\#(may2.path)""#, in: text)): sources[1].file: warning: no audio stream in \(may2.path); clips from it will be silent",
        ])

        answers[may1.path] = media(seconds: 3_700)
        let silentOnly = check(answers)
        XCTAssertNotNil(silentOnly.project, "a missing audio stream does not block")
        XCTAssertEqual(silentOnly.warnings.count, 1)
    }

    func testOutPastTheEndOfItsSource() {
        var answers = longEnough
        answers[may1.path] = media(seconds: 120)
        answers[may2.path] = media(seconds: 62)
        let longer = replacing(#""out": 40"#, with: #""out": 130"#, in: text)
        let result = check(answers, text: longer)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            #"\#(at("130", in: longer)): clips[0].out: out 00:02:10.000 is past the end of source "may1" (00:02:00.000)"#,
            #"\#(at(#""00:01:02.25""#, in: longer)): clips[1].out: out 00:01:02.250 is past the end of source "may2" (00:01:02.000)"#,
            #"\#(at(#""1:00:07.5""#, in: longer)): clips[2].out: out 01:00:07.500 is past the end of source "may1" (00:02:00.000)"#,
        ])
    }

    func testOutExactlyAtTheEndIsFine() {
        var answers = longEnough
        answers[may2.path] = .success(SourceMediaInfo(duration: µs(62_250_000), hasVideo: true, hasAudio: true))
        XCTAssertEqual(check(answers).diagnostics, [])
    }

    func testWithoutAProbeMediaAreNotLookedAt() throws {
        try FileManager.default.removeItem(at: may1)
        let result = ManifestLoader.load(data: Data(text.utf8), url: manifest, probe: nil)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.project?.source("may1")?.url, may1)
    }

    func testMediaProblemsJoinTheOtherErrorsInDocumentOrder() throws {
        try FileManager.default.removeItem(at: may1)
        let broken = replacing(#""audience": "icb""#, with: #""audience": "icbs""#,
                               in: replacing(#""title": "Increasing access is harmful to health""#, with: #""title": """#, in: text))
        XCTAssertEqual(check(longEnough, text: broken).diagnostics.map(\.path),
                       ["project.title", "sources[0].file", "outputs[0].audience"])
    }

    // MARK: Reading the manifest file

    func testLoadsAManifestFromDisk() throws {
        try Data(text.utf8).write(to: manifest)
        let result = ManifestLoader.load(manifest, probe: FakeProbe(answers: longEnough))
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.project?.manifestURL, manifest)
        XCTAssertEqual(result.project?.baseURL, manifest.deletingLastPathComponent())
    }

    func testAMissingManifestIsOneDiagnosticForTheWholeFile() {
        let missing = folder.appendingPathComponent("nope.json")
        let result = ManifestLoader.load(missing, probe: nil)
        XCTAssertNil(result.project)
        XCTAssertEqual(result.diagnostics.map(\.description), ["\(missing.path): file not found: \(missing.path)"])
    }

    func testFileIsNamedAsGivenAndRelativeManifestsResolveFromTheWorkingFolder() {
        let relative = URL(fileURLWithPath: "some/project/manifest.json")
        let result = ManifestLoader.load(data: Data(replacing(#""out": 40"#, with: #""out": 4"#).utf8),
                                         url: relative, probe: nil)
        XCTAssertEqual(result.diagnostics.first?.file, "some/project/manifest.json")
        XCTAssertTrue(result.diagnostics.first?.description.hasPrefix("some/project/manifest.json:9:") ?? false)

        let valid = ManifestLoader.load(data: Data(validManifest.utf8), url: relative, probe: nil)
        let working = FileManager.default.currentDirectoryPath
        XCTAssertEqual(valid.project?.manifestURL.path, working + "/some/project/manifest.json")
        XCTAssertEqual(valid.project?.source("may1")?.url.path, working + "/some/project/media/session-may1.mp4")
    }

    func testResolvingPaths() {
        let base = URL(fileURLWithPath: "/p/demo", isDirectory: true)
        XCTAssertEqual(ManifestLoader.resolve("media/a.mp4", against: base).path, "/p/demo/media/a.mp4")
        XCTAssertEqual(ManifestLoader.resolve("./media/a.mp4", against: base).path, "/p/demo/media/a.mp4")
        XCTAssertEqual(ManifestLoader.resolve("../shared/a.mp4", against: base).path, "/p/shared/a.mp4")
        XCTAssertEqual(ManifestLoader.resolve("/srv/a.mp4", against: base).path, "/srv/a.mp4")
        XCTAssertEqual(ManifestLoader.resolve("a b/ŵ.mp4", against: base).path, "/p/demo/a b/ŵ.mp4")
    }
}
