import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

extension Ledger {
    /// Writes the deliveries matching `filter` to `file` as spreadsheet-safe CSV (UTF-8 with the BOM that
    /// spreadsheets need to read it as UTF-8, CRLF, formula prefixes neutralised). The file appears whole
    /// or not at all: it is written beside its destination, flushed to disk and renamed into place.
    /// Returns the number of deliveries written.
    @discardableResult
    public func exportDeliveries(to file: String, filter: DeliveryFilter = DeliveryFilter()) throws -> Int {
        let deliveries = try self.deliveries(filter)
        let text = "\u{FEFF}" + Listing.deliveries(deliveries).csv()
        try AtomicFile.write(Array(text.utf8), to: file)
        return deliveries.count
    }
}

enum AtomicFile {
    /// Writes `bytes` to a temporary file in `path`'s folder, fsyncs it, renames it over `path` and fsyncs
    /// the folder, so a crash leaves either the old file or the new one. Throws `.failure` naming `path`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        func failure(_ what: String) -> LedgerError {
            LedgerError(.failure, file: path, "cannot write: \(what): \(String(cString: strerror(errno)))")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(folder)") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write")
                }
                offset += written
            }
            guard fsync(fd) == 0 else { throw failure("fsync") }
        }
        guard rename(temporary, path) == 0 else { throw failure("rename into place") }
        renamed = true
        // The rename itself is durable only once the folder is synced; failing that is not worth an error.
        let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 { fsync(folderFD); close(folderFD) }
    }
}
