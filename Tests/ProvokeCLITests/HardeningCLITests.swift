import Foundation
import ProvokeSystem
import XCTest

/// Issue 16: hang-ups, hostile destinations and inputs, and a video that lands with its record or not at all.
/// Real files, real devices (as root), real mounts; the built executable.
extension CLITests {
    /// Runs provoke like `provoke(_:)`, and can send `signal` once `marker` appears on standard error, start it with
    /// SIGHUP ignored (as `nohup` does, through sh's `trap '' HUP`), and kill it after `timeout` seconds, so a
    /// command that hangs fails the test instead of stalling the suite.
    func provokeRun(_ args: [String], signal: Int32? = nil, after marker: String = "", ignoringHangUp: Bool = false,
                    environment: [String: String] = [:], timeout: Double = 120,
                    shell: [String]? = nil) throws -> (run: Run, timedOut: Bool) {
        let p = Process()
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let shell {
            // A script that runs the binary itself (deploy/slurm/render.sbatch).
            p.executableURL = URL(fileURLWithPath: shell[0])
            p.arguments = Array(shell.dropFirst()) + args
        } else if ignoringHangUp {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", #"trap '' HUP; exec "$0" "$@""#, CLITests.executable.path] + args
        } else {
            p.executableURL = CLITests.executable
            p.arguments = args
        }
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        nonisolated(unsafe) var timedOut = false
        let watchdog = DispatchWorkItem { [pid = p.processIdentifier] in timedOut = true; kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        var errData = Data()
        var signalledAt: Date?
        if let signal {
            while !String(decoding: errData, as: UTF8.self).contains(marker) {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                errData += chunk
            }
            kill(p.processIdentifier, signal)
            signalledAt = Date()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errData += err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        return (Run(status: p.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                    err: String(decoding: errData, as: UTF8.self),
                    stopDelay: signalledAt.map { Date().timeIntervalSince($0) }), timedOut)
    }

    /// A 30 s source cut three times, with a caption file, so an output has burned-in captions (a temporary
    /// .ass script beside it) and sidecars, and takes long enough to interrupt.
    func longCaptionedProject(seconds: Int = 30) throws {
        try source("a.mp4", frames: seconds * 30)
        try write("1\n00:00:01,000 --> 00:00:04,000\nSomething said\n", "a.srt")
        try write("""
        {"provoke": 1, "project": {"id": "long", "title": "Long"},
         "sources": [{"id": "a", "file": "a.mp4", "captions": "a.srt"}], "ideas": [],
         "clips": [{"id": "all", "source": "a", "in": 0, "out": \(seconds)}],
         "outputs": [{"id": "o1", "audience": "icb", "title": "Long", "sequence": ["all", "all", "all"]}]}
        """, "manifest.json")
    }

    // MARK: 1. Hang-ups

    func testHangUpAndTerminateStopARenderAndLeaveNothing() throws {
        try longCaptionedProject()
        for signal in [SIGHUP, SIGTERM] {
            let (r, timedOut) = try provokeRun(["render", "manifest.json", "--no-ledger"], signal: signal, after: "o1: ")
            XCTAssertFalse(timedOut)
            XCTAssertEqual(r.status, 130, "signal \(signal): \(r.err)")
            // As for Ctrl-C: a second is the promise, two allow for a loaded machine.
            XCTAssertLessThan(r.stopDelay ?? 99, 2.0, "signal \(signal)")
            XCTAssertTrue(r.err.contains("interrupted; o1 was not written"), r.err)
            XCTAssertEqual(files("out"), [], "signal \(signal): no .o1.mp4.partial-PID, no .o1.ass.partial-PID")
        }
    }

    func testAHangUpIgnoredAtStartStaysIgnored() throws {
        try longCaptionedProject(seconds: 10)
        let (r, timedOut) = try provokeRun(["render", "manifest.json", "--no-ledger"], signal: SIGHUP, after: "o1: ",
                                           ignoringHangUp: true)
        XCTAssertFalse(timedOut)
        XCTAssertEqual(r.status, 0, "nohup's SIGHUP is ignored: \(r.err)")
        XCTAssertEqual(files("out"), ["o1.json", "o1.mp4", "o1.png", "o1.srt", "o1.vtt"])
    }

    // MARK: 2. Destinations that are not regular files

    /// As root: a character device made with mknod in the test's folder (/dev/full's numbers, so writing fails
    /// with ENOSPC), for every command that writes a file; it must still be a device afterwards. Not root: a
    /// named pipe, which must be written into (a reader gets the bytes) and stay a pipe.
    func testADeviceOrPipeAtTheDestinationIsNeverReplaced() throws {
        try source("a.mp4")
        try logo()
        try write(CLITests.cards(government: false), "manifest.json")
        let commands: [(String, [String])] = [
            ("still", ["still", "manifest.json", "--output", "for-icbs", "--at", "1", "-o"]),
            ("storyboard", ["storyboard", "manifest.json", "--output", "for-icbs", "-o"]),
            ("export", ["export", "deliveries", "--ledger", "ledger.sqlite"]),
        ]
        let target = dir.appendingPathComponent("target").path
        for (name, args) in commands {
            if getuid() == 0 {
                XCTAssertEqual(mknod(target, S_IFCHR | 0o666, dev_t(1 << 8 | 7)), 0, String(cString: strerror(errno)))
                let r = try provoke(args + [target])
                XCTAssertEqual(r.status, 3, "\(name): \(r.err)")
                XCTAssertTrue(r.err.contains("\(target): no space left on device"), "\(name): \(r.err)")
                XCTAssertEqual(FileKind(linkAt: target), .characterDevice, "\(name) replaced the device")
            } else {
                XCTAssertEqual(mkfifo(target, 0o600), 0)
                nonisolated(unsafe) var received = Data()
                let reader = Thread { received = FileHandle(forReadingAtPath: target)?.readDataToEndOfFile() ?? Data() }
                reader.start()
                let r = try provoke(args + [target])
                XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
                while reader.isExecuting { usleep(10_000) }
                XCTAssertFalse(received.isEmpty, "\(name) wrote into the pipe")
                XCTAssertEqual(FileKind(linkAt: target), .namedPipe, "\(name) replaced the pipe")
            }
            unlink(target)
            XCTAssertFalse(files("").contains { $0.contains(".partial-") }, "\(name): \(files(""))")
        }
    }

    func testWritingToASymbolicLinkWritesThroughIt() throws {
        try source("a.mp4")
        try logo()
        try write(CLITests.cards(government: false), "manifest.json")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pictures"), withIntermediateDirectories: true)
        try write("old", "pictures/frame.png")
        XCTAssertEqual(symlink(dir.appendingPathComponent("pictures/frame.png").path, dir.appendingPathComponent("link.png").path), 0)
        let r = try provoke(["still", "manifest.json", "--output", "for-icbs", "--at", "1", "-o", "link.png"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(FileKind(linkAt: dir.appendingPathComponent("link.png").path), .symbolicLink, "the link stays")
        let png = try Data(contentsOf: dir.appendingPathComponent("pictures/frame.png"))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "the file it points to is the new PNG")
        XCTAssertEqual(files("pictures"), ["frame.png"])
    }

    func testStillsUsageNamesTheOptionTheReadmeDocuments() throws {
        let r = try provoke(["still", "--help"])
        XCTAssertTrue(r.out.contains("[-o <file.png>]"), r.out)
        XCTAssertFalse(r.out.contains("--png"), r.out)
    }

    // MARK: 3. A video and its record land together

    /// The output folder is a tmpfs with room for the MP4, its sidecars and the caption script (measured by a
    /// first render) but not for the record. Where a test may not mount, the same late failure is injected
    /// (PROVOKE_TEST_FULL_DISK_AT); that path runs here too, so it is known to work.
    func testAFullDiskAfterTheVideoLeavesNoneOfItsFiles() throws {
        try longCaptionedProject(seconds: 2)
        let reference = try provoke(["render", "manifest.json", "--no-ledger", "--out", "reference"])
        XCTAssertEqual(reference.status, 0, reference.err)
        func pages(_ name: String) throws -> Int {
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("reference/\(name)").path)[.size] as? Int)
            return (size + 4095) / 4096
        }
        // The clip's caption script (under 4 KiB) is removed as soon as the clip is drawn, before the MP4 is
        // finished: room for the MP4 (its cover added in place), its poster and sidecars is all there is, and the
        // record does not fit.
        let room = (try pages("o1.mp4") + pages("o1.png") + pages("o1.srt") + pages("o1.vtt")) * 4096
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let mounted = run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(room)", "tmpfs", out.path])
        defer { if mounted { _ = run("/bin/umount", [out.path]) } }
        if mounted {
            try checkNothingLanded(try provoke(["render", "manifest.json", "--no-ledger", "--out", "out"]), in: out)
        } else {
            print("mount -t tmpfs is not allowed here: only the injected full disk is tested")
        }
        let injected = try provokeRun(["render", "manifest.json", "--no-ledger", "--out", "injected"],
                                      environment: [StagedFiles.injectedFullDiskVariable: "o1.json"]).run
        try checkNothingLanded(injected, in: dir.appendingPathComponent("injected"))
    }

    private func checkNothingLanded(_ r: Run, in out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, 3, r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains("\(out.path)/o1.json: no space left on device"), r.err, file: file, line: line)
        XCTAssertFalse((r.out + r.err).contains("NSCocoaErrorDomain"), r.err, file: file, line: line)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        XCTAssertEqual(left, [], "no MP4, sidecar, record or temporary file", file: file, line: line)
    }

    /// Runs a system tool quietly; true when it exits 0.
    private func run(_ tool: String, _ arguments: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    func testTemporaryFilesOfAKilledRenderAreRemovedByTheNext() throws {
        try source("a.mp4"); try source("b.mp4")
        try write(CLITests.twoOutputs, "manifest.json")
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let gone = child.processIdentifier
        for name in [".good.mp4.partial-\(gone)", ".good.ass.partial-\(gone)-77", "notes.txt"] {
            try Data("x".utf8).write(to: out.appendingPathComponent(name))
        }
        let r = try provoke(["render", "manifest.json", "--output", "good", "--no-ledger"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(files("out"), ["good.json", "good.mp4", "good.png", "notes.txt"])
    }

    // MARK: 4. Inputs that are not regular files

    func testANamedPipeAsACaptionFileOrSourceIsRefusedNotWaitedFor() throws {
        try source("a.mp4")
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("a.srt").path, 0o600), 0)
        try write("""
        {"provoke": 1, "project": {"id": "p", "title": "P"},
         "sources": [{"id": "a", "file": "a.mp4", "captions": "a.srt"}, {"id": "b", "file": "b.mp4"}],
         "clips": [{"id": "one", "source": "a", "in": 0, "out": 2}, {"id": "two", "source": "b", "in": 0, "out": 2}],
         "outputs": [{"id": "o", "audience": "icb", "title": "O", "sequence": ["one", "two"]}]}
        """, "manifest.json")
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("b.mp4").path, 0o600), 0)
        for command in ["validate", "plan"] {
            let (r, timedOut) = try provokeRun([command, "manifest.json"], timeout: 30)
            XCTAssertFalse(timedOut, "\(command) waited for the pipe")
            XCTAssertEqual(r.status, 1, r.err)
            XCTAssertTrue(r.err.contains("sources[0].captions: expected a caption file (.srt or .vtt), found a named pipe: "), r.err)
            XCTAssertTrue(r.err.contains("sources[1].file: expected a media file, found a named pipe: "), r.err)
            XCTAssertFalse(r.err.contains("permission"), r.err)
        }
    }

    func testANamedPipeAsAContactsFileOrLedgerIsRefused() throws {
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("contacts.csv").path, 0o600), 0)
        let (r, timedOut) = try provokeRun(["contacts", "import", "contacts.csv", "--ledger", "l.sqlite"], timeout: 30)
        XCTAssertFalse(timedOut)
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("provoke: contacts.csv: is a named pipe, not a regular file"), r.err)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("fifo.sqlite").path, 0o600), 0)
        let (l, ledgerTimedOut) = try provokeRun(["contacts", "list", "--ledger", "fifo.sqlite"], timeout: 30)
        XCTAssertFalse(ledgerTimedOut)
        XCTAssertEqual(l.status, 1, l.err)
        XCTAssertTrue(l.err.contains("provoke: fifo.sqlite: is a named pipe"), l.err)
    }

    // MARK: 5. A bad ledger is found before rendering

    func testADamagedLedgerStopsTheRenderBeforeItStarts() throws {
        try source("a.mp4"); try source("b.mp4")
        try write(CLITests.twoOutputs, "manifest.json")
        try write("name,email,organisation,role,audience\n" + (1...200).map {
            "Person \($0),p\($0)@icb.example.org,North ICB,Director,icb\n" }.joined(), "contacts.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "contacts.csv", "--ledger", "damaged.sqlite"]).status, 0)
        // Checkpoint the WAL into the file, then overwrite everything after the first page (the header stays, so
        // SQLite opens it and only finds the damage when it reads the tables).
        XCTAssertEqual(try provoke(["contacts", "list", "--ledger", "damaged.sqlite"]).status, 0)
        let path = dir.appendingPathComponent("damaged.sqlite")
        var bytes = try Data(contentsOf: path)
        XCTAssertGreaterThan(bytes.count, 8192)
        for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i * 7919) }
        try bytes.write(to: path)
        for suffix in ["-wal", "-shm"] { unlink(path.path + suffix) }

        let r = try provoke(["render", "manifest.json", "--output", "good", "--ledger", "damaged.sqlite"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("provoke: damaged.sqlite: the ledger file is damaged"), r.err)
        XCTAssertFalse((r.out + r.err).contains("ExitCode"), r.out + r.err)
        XCTAssertEqual(files("out"), [], "nothing rendered")
    }

    func testABadRenderRecordIsDescribedInWordsNotAsASwiftValue() throws {
        try write("not really an mp4", "x.mp4")
        try write(#"{"record": "1"}"#, "x.json")
        var r = try provoke(["register", "x.mp4", "--ledger", "l.sqlite"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("x.json: not a provoke render record: record: expected a whole number"), r.err)
        XCTAssertFalse(r.err.contains("CodingKeys") || r.err.contains("Context("), r.err)
        try write(#"{"record": 1}"#, "x.json")
        r = try provoke(["register", "x.mp4", "--ledger", "l.sqlite"])
        XCTAssertTrue(r.err.contains(#"x.json: not a provoke render record: missing key ""#), r.err)
        XCTAssertFalse(r.err.contains("CodingKeys") || r.err.contains("Context("), r.err)
    }

    // MARK: 7. Control characters from caption files

    func testControlCharactersInCaptionFilesDoNotReachTheTerminal() throws {
        try source("a.mp4")
        try write("1\n00:00:01,000 --> 00:00:02,000\nhi \u{1b}]0;PWNED\u{7}\n\n2\n00:00:03,000 -> 4\u{1b}[2J\u{0}\n", "a.srt")
        try write(#"""
        {"provoke": 1, "project": {"id": "p", "title": "P"},
         "sources": [{"id": "a", "file": "a.mp4", "captions": "a.srt"}],
         "clips": [{"id": "one", "source": "a", "in": 0, "out": 2}],
         "outputs": [{"id": "o", "audience": "icb", "title": "O", "sequence": ["one"], "captions": "soft"}]}
        """#, "manifest.json")
        let v = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.err.contains(#"found "00:00:03,000 -> 4\u{1b}[2J\u{0}""#), v.err)
        for control in ["\u{1b}", "\u{7}", "\u{0}"] { XCTAssertFalse(v.err.contains(control), v.err) }

        try write("1\n00:00:01,000 --> 00:00:02,000\nhi \u{1b}]0;PWNED\u{7} there\u{0}\n", "a.srt")
        let p = try provoke(["plan", "manifest.json"])
        XCTAssertEqual(p.status, 0, p.err)
        XCTAssertTrue(p.out.contains(#"hi \u{1b}]0;PWNED\u{7} there\u{0}"#), p.out)
        for control in ["\u{1b}", "\u{7}", "\u{0}"] { XCTAssertFalse((p.out + p.err).contains(control), p.out) }

        // The sidecars drop them, as they drop NUL.
        let r = try provoke(["render", "manifest.json", "--no-ledger"])
        XCTAssertEqual(r.status, 0, r.err)
        let srt = try String(contentsOf: dir.appendingPathComponent("out/o.srt"), encoding: .utf8)
        let vtt = try String(contentsOf: dir.appendingPathComponent("out/o.vtt"), encoding: .utf8)
        XCTAssertTrue(srt.contains("hi ]0;PWNED there\n"), srt)
        XCTAssertTrue(vtt.contains("hi ]0;PWNED there\n"), vtt)
    }

    // MARK: 8. Render times to the millisecond

    func testTheRenderRecordKeepsMilliseconds() throws {
        try source("a.mp4"); try source("b.mp4")
        try write(CLITests.twoOutputs, "manifest.json")
        XCTAssertEqual(try provoke(["render", "manifest.json", "--output", "good", "--no-ledger"]).status, 0)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/good.json"))) as? [String: Any]
        let stamp = try XCTUnwrap(record?["renderedAt"] as? String)
        XCTAssertNotNil(stamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/), stamp)
    }
}
