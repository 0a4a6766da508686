// Tests that run the built `provoke` executable as child processes: the command line's exit codes and
// messages, two processes writing one ledger at once, and a process killed in the middle of a write.
// `provokeExecutable()` (Support.swift) finds the binary beside the test bundle; `swift test` builds it.
@testable import ProvokeLedger
import ProvokeManifest
import XCTest

final class CommandLineTests: XCTestCase {
    func testRegisterDeliverPendingExportThroughTheCommandLine() throws {
        let dir = try LedgerTempDir()
        let ledgerPath = dir.path("campaign.sqlite")
        let env = [Ledger.environmentVariable: ledgerPath]
        try dir.write("contacts.csv", "name,email,organisation,role,audience\nAnn,ann@nhs.example,NHS,Chair,icb\n"
                      + "Ian,ian@nhs.example,NHS,CEO,icb\nCat,cat@rcp.example,RCP,Registrar,college\n")
        var result = try provoke(["contacts", "import", "contacts.csv"], in: dir, environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: ledgerPath), "PROVOKE_LEDGER names the file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path(Ledger.defaultFileName)))

        let v1 = try writeRenderedFile("v1", in: dir, bytes: "first render", renderedAt: "2025-03-01T10:00:00Z")
        let v2 = try writeRenderedFile("v2", in: dir, bytes: "second render", renderedAt: "2025-03-04T10:00:00Z")
        result = try provoke(["register", "v1.mp4"], in: dir, environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("registered campaign/icb-cut (icb)"), result.stdout)

        // A file changed after rendering is refused, and so is the good file named with it.
        try dir.write("tampered.mp4", "edited after render")
        try FileManager.default.copyItem(atPath: dir.path("v2.json"), toPath: dir.path("tampered.json"))
        result = try provoke(["register", "v2.mp4", "tampered.mp4"], in: dir, environment: env)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("provoke: tampered.mp4: the file changed after it was rendered"), result.stderr)
        XCTAssertEqual(try Ledger(path: ledgerPath).videos().count, 1)

        result = try provoke(["deliver", "v1.mp4", "--to", "ann@nhs.example", "--date", "2025-03-02"], in: dir,
                             environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        result = try provoke(["register", "v2.mp4"], in: dir, environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)

        // project/output names the newest version (v2); Ann has v1 only.
        result = try provoke(["pending", "campaign/icb-cut", "--format", "json"], in: dir, environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        let pending = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(pending.map { $0["email"] as! String }.sorted(), ["ann@nhs.example", "ian@nhs.example"])
        XCTAssertEqual(pending.first { $0["email"] as! String == "ann@nhs.example" }?["state"] as? String, "older")
        XCTAssertEqual(pending.first { $0["email"] as! String == "ann@nhs.example" }?["received_sha256"] as? String,
                       v1.record.sha256)
        result = try provoke(["pending", "campaign/icb-cut"], in: dir, environment: env)
        XCTAssertTrue(result.stdout.contains("version \(v2.record.sha256.prefix(12))"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Received an older version (1):"), result.stdout)

        // Mismatch: refused with exit 1 and nothing recorded; unknown contact likewise.
        result = try provoke(["deliver", "campaign/icb-cut", "--to", "ian@nhs.example", "cat@rcp.example"], in: dir,
                             environment: env)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("provoke: \(ledgerPath): "), result.stderr)
        result = try provoke(["deliver", "campaign/icb-cut", "--to", "nobody@x.org"], in: dir, environment: env)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("nobody@x.org"), result.stderr)
        XCTAssertEqual(try Ledger(path: ledgerPath).deliveries().count, 1)

        // --ledger wins over the environment.
        result = try provoke(["contacts", "list", "--format", "csv", "--ledger", ledgerPath], in: dir,
                             environment: [Ledger.environmentVariable: dir.path("elsewhere.sqlite")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\r\n").count, 4, result.stdout)

        result = try provoke(["export", "deliveries", "out.csv"], in: dir, environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try String(contentsOfFile: dir.path("out.csv"), encoding: .utf8).contains("ann@nhs.example"))

        // A bad CSV: exit 1, one line per bad row as file:line: message, nothing written.
        try dir.write("bad.csv", "name,email,organisation,role,audience\nX,,o,r,icb\nY,y@x.org,o,r,nurses\n")
        result = try provoke(["contacts", "import", "bad.csv"], in: dir, environment: env)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").map(String.init), [
            "provoke: bad.csv: 2 bad rows; nothing was imported",
            "provoke: bad.csv:2: missing email",
            "provoke: bad.csv:3: unknown audience \"nurses\" (expected one of icb, college, government)",
        ])
        XCTAssertEqual(try contactCount(ledgerPath), 3)
    }

    func testUsageErrorsExitTwoAndWriteNothing() throws {
        let dir = try LedgerTempDir()
        for arguments in [["deliver", "campaign/icb-cut"],
                          ["deliver", "campaign/icb-cut", "--to", "a@x.org", "--audience", "icb"],
                          ["deliver", "campaign/icb-cut", "--to", "a@x.org", "--date", "1/3/2025"],
                          ["deliver", "campaign/icb-cut", "--to", "a@x.org", "--channel", "fax"],
                          ["contacts", "list", "--format", "xml"],
                          ["contacts", "list", "--audience", "nurses"]] {
            let result = try provoke(arguments, in: dir)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path(Ledger.defaultFileName)))
        // --help lists every choice (help text wraps, so compare with whitespace collapsed).
        let help = try provoke(["deliver", "--help"], in: dir).stdout
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(help.contains("email, meeting, post, link"), help)
        XCTAssertTrue(help.contains("planned, sent, viewed, responded"), help)
        XCTAssertTrue(help.contains("icb, college, government"), help)
    }

    func testDefaultLedgerIsCreatedInTheCurrentFolder() throws {
        let dir = try LedgerTempDir()
        let result = try provoke(["contacts", "list"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path(Ledger.defaultFileName)))
    }

    func testErrorsAboutTheLedgerFileExitWithTheirCodes() throws {
        let dir = try LedgerTempDir()
        try dir.write("notes.txt", String(repeating: "not a database\n", count: 100))
        var result = try provoke(["contacts", "list", "--ledger", "notes.txt"], in: dir)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("provoke: notes.txt: is not an SQLite database"), result.stderr)

        // A read-only ledger: exit 3. root ignores file permissions, so as root the command runs as nobody.
        let path = dir.path("ro.sqlite")
        try Ledger(path: path).upsertContacts([contact("a@x.org")])
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        if getuid() == 0 {
            result = try Child("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                   try provokeExecutable(), "contacts", "import", "--ledger", path,
                                                   "/dev/null"], in: dir).wait()
        } else {
            result = try provoke(["contacts", "import", "--ledger", path, "/dev/null"], in: dir)
        }
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("provoke: \(path): the ledger is read-only"), result.stderr)
    }
}

final class ConcurrencyTests: XCTestCase {
    /// Two processes, each recording deliveries to its own contacts one command at a time, at the same time
    /// on the same ledger: every delivery must be there and no command may fail with "database is locked".
    func testTwoProcessesDeliveringAtOnceLoseNothing() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("ledger.sqlite")
        let perProcess = 40
        let ledger = try Ledger(path: path)
        try ledger.upsertContacts((0..<(2 * perProcess)).map { contact("c\($0)@nhs.example") })
        try ledger.registerVideo(makeRecord(), path: "icb-cut.mp4")

        let binary = try provokeExecutable()
        let started = Date()
        let children = try (0..<2).map { child in
            // Each child is a shell running `provoke deliver` once per contact: many short write transactions.
            let emails = (0..<perProcess).map { "c\(child * perProcess + $0)@nhs.example" }
            let script = "for e in \(emails.joined(separator: " ")); do \"$0\" deliver campaign/icb-cut --to \"$e\""
                + " --ledger \"$1\" --status sent >/dev/null || exit 1; done"
            return try Child("/bin/sh", ["-c", script, binary, path], in: dir)
        }
        let results = children.map { $0.wait() }
        for result in results { XCTAssertEqual(result.status, 0, result.stderr) }
        let elapsed = Date().timeIntervalSince(started)

        let deliveries = try Ledger(path: path).deliveries()
        XCTAssertEqual(deliveries.count, 2 * perProcess)
        let recorded = Set(deliveries.map(\.contact.email))
        XCTAssertEqual((0..<(2 * perProcess)).map { "c\($0)@nhs.example" }.filter { !recorded.contains($0) }, [],
                       "deliveries lost")
        XCTAssertEqual(try Ledger(path: path).integrityCheck(), "ok")
        print("concurrency: \(2 * perProcess) deliveries from 2 processes in \(String(format: "%.2f", elapsed)) s")
    }

    /// Two processes creating the same new ledger at once: the schema is created once, both imports land.
    func testTwoProcessesCreatingALedgerAtOnce() throws {
        let dir = try LedgerTempDir()
        let header = "name,email,organisation,role,audience\n"
        for child in 0..<2 {
            try dir.write("c\(child).csv", header + (0..<500).map { "N,p\(child)-\($0)@x.org,O,R,icb\n" }.joined())
        }
        let binary = try provokeExecutable()
        let children = try (0..<2).map { try Child(binary, ["contacts", "import", "c\($0).csv"], in: dir) }
        for result in children.map({ $0.wait() }) { XCTAssertEqual(result.status, 0, result.stderr) }
        XCTAssertEqual(try contactCount(dir.path(Ledger.defaultFileName)), 1000)
    }
}

final class CrashSafetyTests: XCTestCase {
    /// SIGKILL during a large import: the ledger holds the contacts it had before (or, had the commit won
    /// the race, all of the new ones), never some of them, and SQLite finds it intact.
    func testKillDuringALargeImportLeavesTheLedgerAsBefore() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("ledger.sqlite")
        let before = 10
        try Ledger(path: path).upsertContacts((0..<before).map { contact("old\($0)@x.org") })
        let rows = 200_000
        var csv = "name,email,organisation,role,audience,notes\n"
        csv.reserveCapacity(rows * 90)
        for i in 0..<rows { csv += "Contact \(i),new\(i)@example.org,Organisation \(i % 97),Role,icb,note \(i)\n" }
        try dir.write("big.csv", csv)

        let child = try Child(try provokeExecutable(), ["contacts", "import", "big.csv", "--ledger", path], in: dir)
        // Wait until the import is writing (1 MiB in the WAL: the transaction has outgrown SQLite's 2 MiB page
        // cache and spills pages; were rows committed one by one, they would be there too), then kill it.
        let wal = path + "-wal"
        let deadline = Date().addingTimeInterval(120)
        var walSize = 0
        while child.process.isRunning && Date() < deadline {
            walSize = ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int) ?? 0
            if walSize > 1 << 20 { break }
            usleep(1_000)
        }
        XCTAssertTrue(child.process.isRunning, "the import finished before it could be killed: make the file larger")
        kill(child.process.processIdentifier, SIGKILL)
        let result = child.wait()
        XCTAssertTrue(result.killedBySignal, "status \(result.status): \(result.stderr)")

        let ledger = try Ledger(path: path)
        XCTAssertEqual(try ledger.integrityCheck(), "ok")
        let count = try ledger.contacts().count
        XCTAssertTrue(count == before || count == before + rows, "\(count) contacts: a partial import survived")
        print("crash safety: killed with \(walSize >> 10) KiB in the WAL; \(count) contacts after recovery")
        // And the ledger still works.
        try ledger.upsertContacts([contact("after@x.org")])
        XCTAssertEqual(try ledger.contacts().count, count + 1)
    }
}
