/// Everything the ledger reports to a person: which file, what is wrong, and, for a rejected import,
/// every bad row with the line where it starts. The command line prints it as `provoke: file: message`
/// and exits with `exitCode`.
public struct LedgerError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The user's input is wrong: a bad CSV row, an unknown contact, an audience mismatch, a changed file.
        case badInput
        /// The ledger file exists but is not an SQLite database (or is one that belongs to another program).
        case notALedger
        /// The ledger was written by a newer provoke (its schema version is higher than this program knows).
        case newerLedger
        /// The ledger (or its folder) cannot be written.
        case readOnly
        /// Anything else that stopped a read or write: I/O, disk full, a lock held too long, corruption.
        case failure
    }

    /// One bad row of an input file (`line` is the physical line where the record starts, 1-based).
    public struct Problem: Equatable, Sendable {
        public var line: Int
        public var message: String
        public init(line: Int, message: String) { self.line = line; self.message = message }
    }

    public var kind: Kind
    /// The file the message is about: the ledger, a CSV file, an MP4 or its JSON record.
    public var file: String
    public var message: String
    /// Every bad row, when the error is about rows of `file`.
    public var problems: [Problem]

    public init(_ kind: Kind, file: String, _ message: String, problems: [Problem] = []) {
        self.kind = kind; self.file = file; self.message = message; self.problems = problems
    }

    /// 1 for input the user can fix (including a ledger that is not one or is too new), 3 for a failure
    /// to read or write the ledger.
    public var exitCode: Int32 {
        switch kind {
        case .badInput, .notALedger, .newerLedger: return 1
        case .readOnly, .failure: return 3
        }
    }

    /// The lines to print, each `file: message` or `file:line: message`, without the program name.
    public var diagnostics: [String] {
        ["\(file): \(message)"] + problems.map { "\(file):\($0.line): \($0.message)" }
    }

    public var description: String { diagnostics.joined(separator: "\n") }
}

extension LedgerError {
    /// Translates an SQLite failure on the ledger file into words about the ledger.
    init(_ error: SQLiteError, file: String) {
        switch error.code {
        case SQLiteCode.notADatabase:
            self.init(.notALedger, file: file, "is not an SQLite database, so not a provoke ledger"
                      + " (choose another file with --ledger or PROVOKE_LEDGER)")
        case SQLiteCode.readOnly, SQLiteCode.permission, SQLiteCode.auth:
            self.init(.readOnly, file: file, "the ledger is read-only: \(error.message) (check the permissions"
                      + " of the file and of its folder, where SQLite writes the -wal and -shm files)")
        case SQLiteCode.cantOpen:
            self.init(.readOnly, file: file, "cannot open or create the ledger: \(error.message) (check that"
                      + " the folder exists and is writable)")
        case SQLiteCode.busy, SQLiteCode.locked:
            self.init(.failure, file: file, "the ledger is locked by another process (provoke waits up to"
                      + " \(Ledger.busyTimeoutMilliseconds / 1000) s); nothing was written: \(error)")
        case SQLiteCode.full:
            self.init(.failure, file: file, "the disk is full; nothing was written: \(error)")
        case SQLiteCode.corrupt:
            self.init(.failure, file: file, "the ledger file is damaged: \(error)")
        default:
            self.init(.failure, file: file, "SQLite error \(error.extendedCode): \(error)")
        }
    }
}
