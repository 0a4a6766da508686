import Foundation
import ProvokeSystem

extension Ledger {
    /// Writes the deliveries matching `filter` to `file` as spreadsheet-safe CSV (UTF-8 with the BOM that
    /// spreadsheets need to read it as UTF-8, CRLF, formula prefixes neutralised). A file appears whole or
    /// not at all (written beside its destination, flushed to disk and renamed into place); a device or a
    /// named pipe is written into, never replaced (see `FileOutput.write`). Returns the number of deliveries
    /// written.
    @discardableResult
    public func exportDeliveries(to file: String, filter: DeliveryFilter = DeliveryFilter()) throws -> Int {
        let deliveries = try self.deliveries(filter)
        let text = "\u{FEFF}" + Listing.deliveries(deliveries).csv()
        do {
            try FileOutput.write(Data(text.utf8), to: file)
        } catch {
            throw LedgerError(error.isInputProblem ? .badInput : .failure, file: file, error.message)
        }
        return deliveries.count
    }
}
