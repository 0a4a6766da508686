import Foundation
import ProvokeSystem
import XCTest

/// Real files in a temporary folder: what is at a destination decides whether it is replaced, streamed into
/// or refused, and nothing is ever left under a temporary name.
final class FileOutputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-system-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    func testANewOrRegularFileIsReplacedWhole() throws {
        try FileOutput.write(Data("one".utf8), to: path("a.csv"))
        try FileOutput.write(Data("two".utf8), to: path("a.csv"))
        XCTAssertEqual(try String(contentsOfFile: path("a.csv"), encoding: .utf8), "two")
        XCTAssertEqual(try names(), ["a.csv"], "no temporary file left")
    }

    /// As root, a device made with mknod (major 1, minor 7 on Linux: dev_t is major << 8 | minor for small numbers) ; otherwise a named pipe with a reader. Either way it
    /// is written into, not replaced.
    func testASpecialFileIsWrittenIntoAndNeverReplaced() throws {
        if getuid() == 0 {
            XCTAssertEqual(mknod(path("full"), S_IFCHR | 0o600, dev_t(1 << 8 | 7)), 0, String(cString: strerror(errno)))
            XCTAssertThrowsError(try FileOutput.write(Data("x".utf8), to: path("full"))) { error in
                XCTAssertEqual((error as? FileError)?.description, "\(self.path("full")): no space left on device")
            }
            XCTAssertEqual(FileKind(path: path("full")), .characterDevice, "the device is still a device")
            XCTAssertEqual(mknod(path("null"), S_IFCHR | 0o600, dev_t(1 << 8 | 3)), 0)
            try FileOutput.write(Data("x".utf8), to: path("null"))
            XCTAssertEqual(FileKind(path: path("null")), .characterDevice)
        } else {
            try fifoRoundTrip()
        }
        XCTAssertFalse(try names().contains { $0.contains(".partial-") })
    }

    func testANamedPipeIsStreamedInto() throws {
        try fifoRoundTrip()
    }

    private func fifoRoundTrip() throws {
        XCTAssertEqual(mkfifo(path("pipe"), 0o600), 0)
        let received = expectation(description: "read")
        nonisolated(unsafe) var text = ""
        let reader = Thread { [path = path("pipe")] in
            // Foundation's String(contentsOfFile:) refuses a pipe; a file handle reads it to its end.
            text = FileHandle(forReadingAtPath: path).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? "?"
            received.fulfill()
        }
        reader.start()
        try FileOutput.write(Data("through the pipe".utf8), to: path("pipe"))
        wait(for: [received], timeout: 10)
        XCTAssertEqual(text, "through the pipe")
        XCTAssertEqual(FileKind(path: path("pipe")), .namedPipe)
    }

    func testASymbolicLinkIsWrittenThrough() throws {
        try FileManager.default.createDirectory(atPath: path("real"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: path("real/target.png")))
        XCTAssertEqual(symlink(path("real/target.png"), path("link.png")), 0)
        try FileOutput.write(Data("new".utf8), to: path("link.png"))
        XCTAssertEqual(FileKind(linkAt: path("link.png")), .symbolicLink, "the link stays a link")
        XCTAssertEqual(try String(contentsOfFile: path("real/target.png"), encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("real")), ["target.png"])
    }

    func testADanglingLinkAFolderAndASocketAreRefused() throws {
        XCTAssertEqual(symlink(path("nowhere"), path("dangling")), 0)
        XCTAssertThrowsError(try FileOutput.write(Data(), to: path("dangling"))) { error in
            XCTAssertTrue("\(error)".contains("symbolic link to a missing file"), "\(error)")
        }
        XCTAssertEqual(FileKind(path: path("nowhere")), .missing, "nothing created at the link's target")
        try FileManager.default.createDirectory(atPath: path("folder"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try FileOutput.write(Data(), to: path("folder"))) { error in
            XCTAssertTrue("\(error)".contains("is a folder"), "\(error)")
        }
        let staged = StagedFiles()
        XCTAssertEqual(mkfifo(path("fifo.mp4"), 0o600), 0)
        XCTAssertThrowsError(try staged.stage(path("fifo.mp4"))) { error in
            XCTAssertEqual((error as? FileError)?.message.hasPrefix("is a named pipe"), true, "\(error)")
        }
        XCTAssertEqual(FileKind(path: path("fifo.mp4")), .namedPipe)
    }

    func testStagedFilesAppearTogetherOrNotAtAll() throws {
        try Data("old record".utf8).write(to: URL(fileURLWithPath: path("o1.json")))
        do {
            let files = StagedFiles()
            try files.write(Data("video".utf8), to: path("o1.mp4"))
            try files.write(Data("record".utf8), to: path("o1.json"))
            XCTAssertEqual(try names().filter { !$0.contains(".partial-") }, ["o1.json"], "nothing before commit")
            // Given up before commit (an error after writing): the temporary files go, the old file stays.
        }
        XCTAssertEqual(try names(), ["o1.json"])
        XCTAssertEqual(try String(contentsOfFile: path("o1.json"), encoding: .utf8), "old record")

        // A rename that fails part-way (the record's destination turned into a folder) puts back what it did.
        try FileManager.default.createDirectory(atPath: path("o2.json"), withIntermediateDirectories: true)
        try Data("old video".utf8).write(to: URL(fileURLWithPath: path("o2.mp4")))
        let files = StagedFiles()
        try files.write(Data("video".utf8), to: path("o2.mp4"))
        let record = try files.stage(path("o2.json.tmp-name"))
        try Data("record".utf8).write(to: URL(fileURLWithPath: record))
        try FileManager.default.createDirectory(atPath: path("o2.json.tmp-name"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("o2.json.tmp-name/occupied")))
        XCTAssertThrowsError(try files.commit())
        files.discard()
        XCTAssertEqual(try String(contentsOfFile: path("o2.mp4"), encoding: .utf8), "old video", "the earlier file is back")
        let left = try names()
        XCTAssertFalse(left.contains { $0.contains(".partial-") }, "\(left)")
    }

    /// A pid that is not running: a child that has exited and been reaped.
    func goneProcessID() throws -> Int32 {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        return child.processIdentifier
    }

    func testTemporaryFilesOfAGoneProcessAreRemoved() throws {
        let gone = try goneProcessID()
        for name in [".o1.mp4.partial-\(gone)", ".o1.ass.partial-\(gone)-123", ".o1.json.partial-\(getpid())-5",
                     ".notes.partial-abc", "o1.mp4"] {
            try Data().write(to: URL(fileURLWithPath: path(name)))
        }
        let removed = TemporaryFiles.removeAbandoned(in: dir.path)
        XCTAssertEqual(removed.sorted(), [".o1.ass.partial-\(gone)-123", ".o1.mp4.partial-\(gone)"])
        XCTAssertEqual(try names(), [".notes.partial-abc", ".o1.json.partial-\(getpid())-5", "o1.mp4"])
    }

    /// On a folder several machines share (a cache on NFS, the pods of one Job), another machine's temporary
    /// file is not judged by a pid this machine cannot see: it stays, unless unchanged for a day.
    func testAnotherMachinesTemporaryFilesStayUnlessADayOld() throws {
        let gone = try goneProcessID()
        let mine = ".a.mp4.partial-\(gone)-5-\(TemporaryFiles.host)"
        let theirs = ".b.mp4.partial-\(gone)-6-" + (TemporaryFiles.host == "0badf00d" ? "0badf00e" : "0badf00d")
        let theirsOld = ".c.mp4.partial-\(gone)-7-" + (TemporaryFiles.host == "0badf00d" ? "0badf00e" : "0badf00d")
        for name in [mine, theirs, theirsOld] { try Data().write(to: URL(fileURLWithPath: path(name))) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 86_400)], ofItemAtPath: path(theirsOld))
        XCTAssertTrue(TemporaryFiles.name(beside: path("x.mp4")).hasSuffix("-" + TemporaryFiles.host))
        XCTAssertEqual(TemporaryFiles.removeAbandoned(in: dir.path).sorted(), [mine, theirsOld])
        XCTAssertEqual(try names(), [theirs], "another machine's file, still being written for all this one knows")
    }

    func testInputsMustBeRegularFiles() throws {
        XCTAssertEqual(mkfifo(path("captions.srt"), 0o600), 0)
        XCTAssertThrowsError(try InputFiles.requireRegularIfPresent(path("captions.srt"))) { error in
            XCTAssertEqual("\(error)", "\(self.path("captions.srt")): is a named pipe, not a regular file")
        }
        XCTAssertNoThrow(try InputFiles.requireRegularIfPresent(path("missing.srt")))
        XCTAssertThrowsError(try InputFiles.requireRegular(path("missing.srt")))
    }

    func testControlCharactersAreMadeVisible() {
        XCTAssertEqual(VisibleText.escaped("hi \u{1b}]0;PWNED\u{7}\0 ok\n"), "hi \\u{1b}]0;PWNED\\u{7}\\u{0} ok\\n")
        XCTAssertEqual(VisibleText.escaped("café 😀"), "café 😀")
        XCTAssertEqual(VisibleText.withoutControls("\u{0}\u{7}"), "")
    }
}
