import Foundation
import ProvokeSystem
import XCTest

/// The two things a render does to keep its peak down (ProvokeSystem/Memory.swift), checked through what the
/// kernel reports for this process.
final class MemoryTests: XCTestCase {
    private func status(_ field: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(field + ":") }, "no \(field) in /proc/self/status")
        return try XCTUnwrap(Int(line.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first ?? ""))
    }

    func testHugePagesAreTurnedOffForTheProcess() throws {
        XCTAssertTrue(Memory.avoidHugePages())
        XCTAssertEqual(try status("THP_enabled"), 0)
    }

    func testTrimGivesFreedHeapBack() throws {
        // 40 MiB in blocks below glibc's mmap threshold, so they live in the heap; the last one stays allocated,
        // so freeing the others leaves a hole below the top that glibc keeps until it is trimmed.
        let blocks = (0..<400).map { _ -> UnsafeMutableRawPointer in
            let p = malloc(100 * 1024)!
            memset(p, 1, 100 * 1024)
            return p
        }
        defer { free(blocks[blocks.count - 1]) }
        for p in blocks.dropLast() { free(p) }
        let before = try status("VmRSS")
        Memory.trim()
        let after = try status("VmRSS")
        XCTAssertGreaterThan(before - after, 30 * 1024, "trim gave back \(before - after) KiB of about 40 MiB freed")
    }
}
