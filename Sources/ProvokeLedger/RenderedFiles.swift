import Foundation
import ProvokeSystem
import ProvokeTimeline

/// Rendered files as the ledger meets them: an MP4 is known by the SHA-256 of its bytes, and described by the
/// render record (`FILE.json`) beside it. The ledger never opens media; hashing is plain file reading.
extension Ledger {
    /// The render record beside `file`, after checking that the file's bytes are the ones it describes.
    public static func checkedRecord(for file: String) throws -> RenderRecord {
        let recordPath = URL(fileURLWithPath: file).deletingPathExtension().appendingPathExtension("json").path
        let data: Data
        do {
            try InputFiles.requireRegularIfPresent(recordPath)
            data = try Data(contentsOf: URL(fileURLWithPath: recordPath))
        } catch let error as FileError {
            throw LedgerError(.badInput, file: file, "its render record \(recordPath) \(error.message)")
        } catch {
            throw LedgerError(.badInput, file: file, "its render record \(recordPath) cannot be read"
                              + " (\(error.localizedDescription)); was it rendered by provoke render?")
        }
        let record: RenderRecord
        do {
            record = try RenderRecord.decode(data)
        } catch {
            throw LedgerError(.badInput, file: recordPath, "not a provoke render record: \(error.message)")
        }
        let sha = try hash(file)
        if sha != record.sha256.lowercased() {
            throw LedgerError(.badInput, file: file, "the file changed after it was rendered: its SHA-256 is"
                              + " \(sha.prefix(12))…, its render record says \(record.sha256.prefix(12))…")
        }
        return record
    }

    /// The registered video whose bytes `file` has; a file the ledger does not know is bad input that says how
    /// to register it.
    public func video(file: String) throws -> Video {
        let sha = try Ledger.hash(file)
        guard let video = try video(sha256: sha) else {
            throw LedgerError(.badInput, file: file, "this file (SHA-256 \(sha.prefix(12))) is not registered in"
                              + " the ledger; run: provoke register \(file)")
        }
        return video
    }

    static func hash(_ file: String) throws -> String {
        do {
            return try SHA256.hex(ofFileAt: file)
        } catch {
            throw LedgerError(.badInput, file: file, "cannot read: \(error.message)")
        }
    }
}
