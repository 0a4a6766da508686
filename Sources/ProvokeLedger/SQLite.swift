// The only place that calls SQLite's C API. A `Connection` owns the `sqlite3*`, a `Statement` owns a
// `sqlite3_stmt*` and keeps its connection alive; both free in deinit. Every failing call becomes a
// `SQLiteError` carrying the SQL being run, never the values bound to it (contact data stays out of
// error messages and logs).
import CSQLite
import Foundation

/// A value bound to, or read from, an SQL parameter or column.
enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int64) { self = .integer(value) }
    init(nilLiteral: ()) { self = .null }
    init(_ value: String) { self = .text(value) }
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int) { self = .integer(Int64(value)) }
    init(_ value: Int64) { self = .integer(value) }
    init(_ value: Double) { self = .real(value) }
}

/// A failed SQLite call: the primary and extended result codes, SQLite's message and the SQL text.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// Primary result code (`SQLITE_BUSY`, `SQLITE_READONLY`, …).
    public var code: Int32
    /// Extended result code (`SQLITE_READONLY_DBMOVED`, …); equals `code` when SQLite gave none.
    public var extendedCode: Int32
    public var message: String
    /// The statement being prepared or run, if any. Bound values are never included.
    public var sql: String?

    public var description: String {
        var text = message
        if let sql { text += " (while running: \(sql.trimmingCharacters(in: .whitespacesAndNewlines)))" }
        return text
    }
}

/// One open SQLite database file. Not thread-safe: use it from one thread (or task) at a time;
/// open another `Connection` for concurrent work (SQLite's file locks serialise them).
final class Connection {
    let path: String
    fileprivate let handle: OpaquePointer

    /// Opens (and creates, if missing) the database at `path`. `readOnly` opens without write access.
    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc & 0xff, extendedCode: rc, message: message, sql: nil)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        // close_v2 defers the close until every statement is finalised; statements keep us alive anyway.
        sqlite3_close_v2(handle)
    }

    /// True when SQLite opened the file without write access (file or folder permissions, read-only mount).
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// True outside any explicit transaction.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    func setBusyTimeout(milliseconds: Int32) throws {
        try check(sqlite3_busy_timeout(handle, milliseconds), sql: nil)
    }

    /// Runs SQL without parameters (schema, pragmas, transaction control); may hold several statements.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            throw SQLiteError(code: rc & 0xff, extendedCode: sqlite3_extended_errcode(handle), message: message,
                              sql: sql)
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs one statement with bound values to completion (INSERT, UPDATE, DELETE).
    func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Runs a query and maps each row.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        return try statement.rows(values, row)
    }

    /// The first column of the first row, or nil when the query returns no row.
    func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue? {
        try query(sql, values) { $0.value(0) }.first
    }

    enum TransactionKind: String {
        /// Takes the write lock at BEGIN, waiting (busy timeout) for other writers. In WAL mode a deferred
        /// transaction that later writes can fail with SQLITE_BUSY_SNAPSHOT without waiting; this one cannot.
        case immediate = "IMMEDIATE"
        /// A read snapshot: every query in the body sees the same database state.
        case deferred = "DEFERRED"
    }

    /// Runs `body` in a transaction: commits if it returns, rolls back and rethrows its error if it throws.
    func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        precondition(isAutocommit, "nested transactions are not supported")
        try execute("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            // The body's error is the one the caller needs; a failing ROLLBACK (which SQLite may already
            // have done itself, e.g. after SQLITE_FULL) must not hide it.
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }

    fileprivate func check(_ rc: Int32, sql: String?) throws {
        guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
    }

    fileprivate func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: rc & 0xff, extendedCode: sqlite3_extended_errcode(handle),
                    message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

/// A prepared statement. Reuse it for many rows: `bind` resets it and replaces every parameter.
final class Statement {
    /// Kept so the connection outlives its statements.
    let connection: Connection
    let sql: String
    private let handle: OpaquePointer

    fileprivate init(connection: Connection, sql: String) throws {
        self.connection = connection
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw connection.error(rc == SQLITE_OK ? SQLITE_MISUSE : rc, sql: sql)
        }
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to parameters 1…n (a count mismatch is a programming error).
    func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        precondition(Int(sqlite3_bind_parameter_count(handle)) == values.count,
                     "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters in: \(sql)")
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(var v):
                // Bind by length so text containing NUL survives; an empty buffer may have no base
                // address, and a NULL pointer would bind SQL NULL instead of ''.
                rc = v.withUTF8 { bytes in
                    bytes.isEmpty
                        ? sqlite3_bind_text(handle, index, "", 0, provoke_sqlite_transient())
                        : sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress!)
                            .assumingMemoryBound(to: CChar.self), Int32(bytes.count), provoke_sqlite_transient())
                }
            }
            try connection.check(rc, sql: sql)
        }
    }

    /// Advances one row: true when a row is available, false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc:
            let error = connection.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Binds, runs to completion and maps every row.
    func rows<T>(_ values: [SQLValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
        try bind(values)
        var result: [T] = []
        while try step() { result.append(try row(self)) }
        return result
    }

    /// Binds and runs to completion, ignoring rows (INSERT, UPDATE, DELETE).
    func run(_ values: [SQLValue] = []) throws {
        try bind(values)
        while try step() {}
    }

    func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        default: return .text(text(column))
        }
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : text(column)
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
}

extension SQLValue {
    var textValue: String? {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .null: return nil
        }
    }

    var intValue: Int? {
        switch self {
        case .integer(let i): return Int(i)
        case .real(let d): return Int(d)
        case .text(let s): return Int(s)
        case .null: return nil
        }
    }
}

/// SQLite's primary result codes that the ledger maps to its own errors.
enum SQLiteCode {
    static let busy = SQLITE_BUSY
    static let locked = SQLITE_LOCKED
    static let readOnly = SQLITE_READONLY
    static let cantOpen = SQLITE_CANTOPEN
    static let notADatabase = SQLITE_NOTADB
    static let corrupt = SQLITE_CORRUPT
    static let full = SQLITE_FULL
    static let ioError = SQLITE_IOERR
    static let permission = SQLITE_PERM
    static let auth = SQLITE_AUTH
    static let constraint = SQLITE_CONSTRAINT
}
