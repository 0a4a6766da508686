import Foundation
import ProvokeSystem
import XCTest

/// SHA-256 against the standard's vectors and against `sha256sum` (coreutils) on files of awkward lengths.
final class SHA256Tests: XCTestCase {
    func testTheStandardsVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testFilesOfEveryAwkwardLengthMatchSha256sum() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let random = try XCTUnwrap(FileHandle(forReadingAtPath: "/dev/urandom"))
        defer { try? random.close() }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, (1 << 20) - 1, 1 << 20, (1 << 20) + 77, 3_000_001] {
            let url = folder.appendingPathComponent("\(length).bin")
            try (try random.read(upToCount: length) ?? Data()).write(to: url)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.arguments = [url.path]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let witness = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
            p.waitUntilExit()
            XCTAssertEqual(try SHA256.hex(ofFileAt: url.path), String(witness), "\(length) bytes")
        }
        // 50 MB, about what a two-minute output is: a second or two at most, even in a debug build.
        let big = folder.appendingPathComponent("big.bin")
        try Data(count: 50_000_000).write(to: big)
        let started = Date()
        XCTAssertEqual(try SHA256.hex(ofFileAt: big.path).count, 64)
        print("SHA-256 of 50 MB: \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        // Fed in pieces that cut blocks anywhere, the same digest.
        var hasher = SHA256()
        let text = String(repeating: "Continuity of care is the first thing we lose. ", count: 100)
        var rest = Substring(text)
        for size in [1, 63, 64, 65, 7, 200] where !rest.isEmpty {
            hasher.update(Data(rest.prefix(size).utf8))
            rest = rest.dropFirst(size)
        }
        hasher.update(Data(rest.utf8))
        XCTAssertEqual(hasher.finalHex(), SHA256.hex(text))
    }

    func testANamedPipeIsRefusedNotRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-fifo-\(UUID().uuidString)").path
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        defer { unlink(path) }
        XCTAssertThrowsError(try SHA256.hex(ofFileAt: path)) { XCTAssertTrue("\($0)".contains("named pipe"), "\($0)") }
    }
}
