@testable import ProvokeLedger
import XCTest

final class SchemaTests: XCTestCase {
    func testAMissingFileIsCreatedWithTheWholeSchema() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("new.sqlite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try Schema.version(ledger.db), Ledger.schemaVersion)
        XCTAssertEqual(try ledger.db.scalar("PRAGMA journal_mode")?.textValue, "wal")
        XCTAssertEqual(try ledger.db.scalar("PRAGMA foreign_keys")?.intValue, 1)
        XCTAssertEqual(try ledger.db.scalar("PRAGMA application_id")?.intValue, Int(Schema.applicationID))
        let tables = try ledger.db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { $0.text(0) }
        XCTAssertEqual(tables, ["contacts", "deliveries", "editions", "ideas", "video_ideas", "videos"])
    }

    /// Many connections opening one new ledger at the same moment, round after round: every one of them opens
    /// it as a ledger. (Read one fact at a time, an opener could see a ledger half-created by another, with
    /// tables but no mark yet, and refuse it as another program's database; CI caught that once.)
    func testManyConnectionsCreatingOneLedgerAtOnceAllOpenIt() throws {
        let dir = try LedgerTempDir()
        let openers = 6
        for round in 0..<25 {
            let path = dir.path("race-\(round).sqlite")
            let failures = Failures()
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for _ in 0..<openers {
                DispatchQueue.global().async(group: group) {
                    start.wait()
                    do { _ = try Ledger(path: path) } catch { failures.add("\(error)") }
                }
            }
            for _ in 0..<openers { start.signal() }
            group.wait()
            XCTAssertEqual(failures.all, [], "round \(round)")
            XCTAssertEqual(try Schema.version(Ledger(path: path).db), Schema.currentVersion)
        }
    }

    func testAnEmptyFileIsMigratedAndReopeningChangesNothing() throws {
        let dir = try LedgerTempDir()
        let path = try dir.write("empty.sqlite", [UInt8]())
        let first = try Ledger(path: path)
        XCTAssertEqual(try Schema.version(first.db), Schema.currentVersion)
        try first.upsertContacts([contact("a@x.org")])
        // A second open finds the schema up to date and runs no migration (which would fail: tables exist).
        let second = try Ledger(path: path)
        XCTAssertEqual(try Schema.migrate(second.db), .upToDate)
        XCTAssertEqual(try second.contacts().count, 1)
    }

    func testMigrationsRunInOrderFromTheRecordedVersion() throws {
        // A ledger at version 0 with a pending migration list of one: the recorded version goes to 1 and a
        // second run does nothing. (When migration 2 is added, an old file must reach 2 the same way.)
        let dir = try LedgerTempDir()
        let connection = try Connection(path: dir.path("m.sqlite"))
        XCTAssertEqual(try Schema.migrate(connection), .migrated(from: 0))
        XCTAssertEqual(try Schema.version(connection), Schema.migrations.count)
        XCTAssertEqual(try Schema.migrate(connection), .upToDate)
    }

    func testANonSQLiteFileIsAClearErrorAndIsLeftUntouched() throws {
        let dir = try LedgerTempDir()
        let text = "name,email\nAnn,ann@x.org\n" + String(repeating: "padding to more than one page\n", count: 200)
        let path = try dir.write("contacts.csv", text)
        XCTAssertThrowsError(try Ledger(path: path)) { error in
            guard let error = error as? LedgerError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .notALedger)
            XCTAssertEqual(error.file, path)
            XCTAssertTrue(error.message.contains("not an SQLite database"), error.message)
            XCTAssertEqual(error.exitCode, 1)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    func testAnotherProgramsDatabaseIsRefusedAndLeftUntouched() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("other.sqlite")
        do {
            let other = try Connection(path: path)
            try other.execute("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
        }
        XCTAssertThrowsError(try Ledger(path: path)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .notALedger, "\(error)")
            XCTAssertTrue("\(error)".contains("another program"), "\(error)")
        }
        let other = try Connection(path: path)
        XCTAssertEqual(try other.query("SELECT name FROM sqlite_schema") { $0.text(0) }, ["notes"])
        XCTAssertEqual(try other.scalar("PRAGMA journal_mode")?.textValue, "delete", "journal mode not changed")
    }

    func testALedgerFromANewerProvokeIsRefused() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("future.sqlite")
        try Ledger(path: path).upsertContacts([contact("a@x.org")])
        try Connection(path: path).execute("PRAGMA user_version = \(Schema.currentVersion + 1)")
        XCTAssertThrowsError(try Ledger(path: path)) { error in
            guard let error = error as? LedgerError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .newerLedger)
            XCTAssertEqual(error.file, path)
            XCTAssertTrue(error.message.contains("newer provoke"), error.message)
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)")
        }
    }

    func testAFolderIsRefused() throws {
        let dir = try LedgerTempDir()
        XCTAssertThrowsError(try Ledger(path: dir.url.path)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .notALedger, "\(error)")
        }
    }

    func testAReadOnlyLedgerIsAClearError() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("ro.sqlite")
        try Ledger(path: path).upsertContacts([contact("a@x.org")])
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        if getuid() == 0 {
            // root writes through file permissions, so the library check runs as an unprivileged user: the CLI
            // test below. Opening without write access through SQLite's own flag shows the mapping here.
            let connection = try Connection(path: path, readOnly: true)
            XCTAssertTrue(connection.isReadOnly)
            XCTAssertThrowsError(try connection.execute("DELETE FROM contacts")) { error in
                let ledgerError = LedgerError(error as! SQLiteError, file: path)
                XCTAssertEqual(ledgerError.kind, .readOnly)
                XCTAssertEqual(ledgerError.exitCode, 3)
            }
        } else {
            XCTAssertThrowsError(try Ledger(path: path)) { error in
                guard let error = error as? LedgerError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.kind, .readOnly)
                XCTAssertEqual(error.file, path)
                XCTAssertEqual(error.exitCode, 3)
            }
        }
    }

    func testTransactionRollsBackAndRethrowsTheBodysError() throws {
        let dir = try LedgerTempDir()
        let connection = try Connection(path: dir.path("t.sqlite"))
        try connection.execute("CREATE TABLE t (x INTEGER)")
        struct Stop: Error {}
        XCTAssertThrowsError(try connection.transaction {
            try connection.run("INSERT INTO t VALUES (?)", [1])
            throw Stop()
        }) { XCTAssertTrue($0 is Stop, "\($0)") }
        XCTAssertTrue(connection.isAutocommit)
        XCTAssertEqual(try connection.scalar("SELECT count(*) FROM t")?.intValue, 0)
        try connection.transaction { try connection.run("INSERT INTO t VALUES (?)", [2]) }
        XCTAssertEqual(try connection.scalar("SELECT count(*) FROM t")?.intValue, 1)
    }

    func testPrepareErrorsCarryTheSQLAndNeverTheBoundValues() throws {
        let dir = try LedgerTempDir()
        let connection = try Connection(path: dir.path("e.sqlite"))
        XCTAssertThrowsError(try connection.prepare("SELEKT * FROM nowhere")) { error in
            XCTAssertTrue("\(error)".contains("SELEKT * FROM nowhere"), "\(error)")
        }
        try connection.execute("CREATE TABLE people (email TEXT UNIQUE)")
        try connection.run("INSERT INTO people VALUES (?)", [.text("secret@x.org")])
        XCTAssertThrowsError(try connection.run("INSERT INTO people VALUES (?)", [.text("secret@x.org")])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("INSERT INTO people VALUES (?)"), text)
            XCTAssertFalse(text.contains("secret@x.org"), "bound values stay out of messages: \(text)")
        }
    }

    func testTextWithNULAndEmptyTextRoundTrip() throws {
        let dir = try LedgerTempDir()
        let connection = try Connection(path: dir.path("n.sqlite"))
        try connection.execute("CREATE TABLE t (x TEXT)")
        try connection.run("INSERT INTO t VALUES (?), (?)", [.text("a\u{0}b"), .text("")])
        XCTAssertEqual(try connection.query("SELECT x, x IS NULL FROM t ORDER BY rowid") { [$0.text(0), String($0.int(1))] },
                       [["a\u{0}b", "0"], ["", "0"]])
    }
}

/// Errors collected from several threads.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return messages }
}
