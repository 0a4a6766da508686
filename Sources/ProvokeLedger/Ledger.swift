import Foundation
import ProvokeManifest
import ProvokeSystem
import ProvokeTimeline

/// The distribution ledger: one SQLite file recording contacts, rendered videos and who received which.
/// Every public method that writes does so in one transaction (all or nothing, even if the process is
/// killed), and every failure is a `LedgerError` naming a file.
///
/// A `Ledger` is one connection: use it from one thread or task at a time. Several processes may open the
/// same file at once; their writes queue (WAL, `BEGIN IMMEDIATE`, a busy timeout).
public final class Ledger {
    /// The ledger used when neither `--ledger` nor `PROVOKE_LEDGER` names one, in the current folder.
    public static let defaultFileName = "provoke-ledger.sqlite"
    /// The environment variable that names the ledger file.
    public static let environmentVariable = "PROVOKE_LEDGER"
    /// How long a write waits for another process's write to finish before giving up.
    public static let busyTimeoutMilliseconds: Int32 = 10_000

    /// The ledger's file, as given.
    public let path: String
    let db: Connection

    /// The file to use: the `--ledger` option if given, else `PROVOKE_LEDGER`, else `provoke-ledger.sqlite`.
    public static func location(option: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultFileName
    }

    /// Opens the ledger at `path`, creating it (and its tables) if missing and upgrading an older one.
    /// Throws `.notALedger` for a file that is not a provoke ledger, `.newerLedger` for one written by a newer
    /// provoke, `.readOnly` when it cannot be written.
    public init(path: String) throws {
        self.path = path
        switch FileKind(path: path) {
        case .regular, .missing:
            break
        case .folder:
            throw LedgerError(.notALedger, file: path, "is a folder; the ledger is a file (e.g. \(Self.defaultFileName))")
        case let kind:
            // SQLite would wait on a named pipe, or write its journal beside a device.
            throw LedgerError(.notALedger, file: path, "is \(kind.phrase), not a regular file; the ledger is a file"
                              + " (e.g. \(Self.defaultFileName))")
        }
        do {
            db = try Connection(path: path)
            try db.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds)
            if db.isReadOnly {
                throw LedgerError(.readOnly, file: path, "the ledger is read-only (check the permissions of the file"
                                  + " and of its folder, where SQLite writes the -wal and -shm files)")
            }
            try db.execute("PRAGMA foreign_keys = ON")
            try Self.open(db, path: path)
        } catch let error as SQLiteError {
            throw LedgerError(error, file: path)
        }
    }

    private static func open(_ db: Connection, path: String) throws {
        // Reading the version is the first read of the file: a non-SQLite file fails here (SQLITE_NOTADB).
        var outcome = try Schema.inspect(db)
        if outcome == nil || outcome == .upToDate {
            // WAL lets readers work while one process writes, and a commit cost one fsync. The mode is stored
            // in the file, so only the first opener changes it. A foreign database is never touched.
            try switchToWAL(db)
            if outcome == nil { outcome = try Schema.migrate(db) }
        }
        switch outcome {
        case .newer(let version):
            throw LedgerError(.newerLedger, file: path, "the ledger was written by a newer provoke (schema version"
                              + " \(version); this provoke knows up to \(Schema.currentVersion)); update provoke")
        case .foreign:
            throw LedgerError(.notALedger, file: path, "is an SQLite database of another program, not a provoke"
                              + " ledger; it was left untouched (choose another file with --ledger or PROVOKE_LEDGER)")
        case .upToDate, .migrated, nil:
            break
        }
    }

    /// Switching a new file to WAL needs every other connection out of the way, and SQLite answers BUSY at
    /// once (without its busy handler) when two processes create the ledger together and each holds a read
    /// lock. So: retry, re-reading the mode, which the other process has usually set by then.
    private static func switchToWAL(_ db: Connection) throws {
        let deadline = Date().addingTimeInterval(Double(busyTimeoutMilliseconds) / 1000)
        while true {
            do {
                if try db.scalar("PRAGMA journal_mode")?.textValue?.lowercased() == "wal" { return }
                _ = try db.scalar("PRAGMA journal_mode = WAL")
                return
            } catch let error as SQLiteError where error.code == SQLiteCode.busy && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    /// The schema version this program writes; a file's `PRAGMA user_version` after opening.
    public static var schemaVersion: Int { Schema.currentVersion }

    /// SQLite's own consistency check: "ok", or what is damaged.
    public func integrityCheck() throws -> String {
        try guarded { try db.query("PRAGMA integrity_check") { $0.text(0) }.joined(separator: "\n") }
    }

    /// Throws `.failure` ("the ledger file is damaged: …") unless SQLite's quick check finds the file whole. For
    /// work whose result is recorded at the end (a render), so a damaged ledger is found before the work, not after.
    public func requireIntact() throws {
        let report = try guarded { try db.query("PRAGMA quick_check") { $0.text(0) } }
        guard report != ["ok"] else { return }
        throw LedgerError(.failure, file: path, "the ledger file is damaged: \(report.prefix(3).joined(separator: "; "))")
    }

    /// Runs `body`, turning SQLite's errors into `LedgerError`s about this ledger.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw LedgerError(error, file: path)
        }
    }

    /// One write transaction, errors translated.
    func write<T>(_ body: () throws -> T) throws -> T {
        try guarded { try db.transaction(.immediate, body) }
    }

    /// One read snapshot, errors translated.
    func read<T>(_ body: () throws -> T) throws -> T {
        try guarded { try db.transaction(.deferred, body) }
    }
}
