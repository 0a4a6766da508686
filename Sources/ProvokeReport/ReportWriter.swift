import Foundation
import ProvokeLedger
import ProvokeRender
import ProvokeTimeline
#if canImport(Glibc)
import Glibc
#endif

/// Why a report was not written. `exitCode`: 1 for input the user can fix (a project with no videos, a
/// destination that is not a report folder), 3 for a failure to write.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public var exitCode: Int32
    public var description: String { "\(file): \(message)" }
}

/// What `CampaignReport.write` wrote.
public struct ReportSummary: Sendable {
    public var folder: URL
    /// Outputs (one section and poster each) and registered files (versions included).
    public var videos: Int
    public var files: Int
    /// Posters decoded from the video, taken from the previous report (same file, same SHA-256), or missing.
    public var postersMade: Int
    public var postersReused: Int
    public var postersMissing: Int
    public var pageBytes: Int
}

public enum CampaignReport {
    /// Marks a folder as written by `provoke report`: only such a folder (or an empty one) is ever replaced,
    /// so `-o .` or `-o ~/Documents` can never delete someone's files.
    public static let marker = ".provoke-report"
    public static let page = "index.html"
    public static let stylesheet = "report.css"
    public static let posters = "posters"

    /// Writes the report of `projects` (every project when empty) into `folder`: built whole in a temporary
    /// folder beside it, then swapped into place, so a reader sees the old report or the new one, never half.
    @discardableResult
    public static func write(ledger: Ledger, projects: [String], to folder: URL, now: Date = Date()) throws -> ReportSummary {
        let folder = folder.standardizedFileURL
        let campaign = try ledger.campaign(projects: projects)
        for project in projects where !campaign.videos.contains(where: { $0.project == project }) {
            throw ReportError(file: ledger.path, message: "no registered videos of project \"\(project)\"", exitCode: 1)
        }
        try checkReplaceable(folder)

        let parent = folder.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(folder.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: temporary.appendingPathComponent(posters), withIntermediateDirectories: true)
        } catch {
            throw ReportError(file: parent.path, message: "cannot create the report's temporary folder: \(error.localizedDescription)", exitCode: 3)
        }
        var swapped = false
        defer { if !swapped { try? fm.removeItem(at: temporary) } }

        var made = 0, reused = 0, missing = 0
        let model = ReportModel(campaign: campaign, projects: projects, generatedAt: stamp(now),
                                ledger: URL(fileURLWithPath: ledger.path).lastPathComponent) { video in
            var details = VideoDetails()
            let mp4 = URL(fileURLWithPath: video.path)
            details.record = try? JSONDecoder().decode(
                RenderRecord.self, from: Data(contentsOf: mp4.deletingPathExtension().appendingPathExtension("json")))
            details.size = (try? fm.attributesOfItem(atPath: mp4.path)[.size] as? NSNumber)?.int64Value
            // Named by the file's bytes: a poster from the previous report is the same picture.
            let name = "\(posters)/\(video.sha256.prefix(16)).png"
            let previous = folder.appendingPathComponent(name), target = temporary.appendingPathComponent(name)
            if fm.fileExists(atPath: previous.path), (try? fm.copyItem(at: previous, to: target)) != nil {
                details.poster = name
                reused += 1
            } else if details.size == nil {
                details.posterProblem = "the file is not at \(video.path)"
                missing += 1
            } else {
                do {
                    let frame = details.record.map(Poster.frame(for:)) ?? 0
                    try Poster.png(video: mp4.path, frame: frame, fps: details.record?.fps ?? 30).write(to: target)
                    details.poster = name
                    made += 1
                } catch {
                    details.posterProblem = "the file could not be read (\(error))"
                    missing += 1
                }
            }
            return details
        }
        let html = Data(ReportPage.html(model).utf8)
        do {
            try html.write(to: temporary.appendingPathComponent(page))
            try Data(Palette.css.utf8).write(to: temporary.appendingPathComponent(stylesheet))
            try Data("Written by provoke report; this whole folder is replaced when the report is written again.\n".utf8)
                .write(to: temporary.appendingPathComponent(marker))
        } catch {
            throw ReportError(file: temporary.path, message: "cannot write: \(error.localizedDescription)", exitCode: 3)
        }
        try swapIntoPlace(temporary, folder)
        swapped = true
        return ReportSummary(folder: folder, videos: model.outputs.count, files: campaign.videos.count,
                             postersMade: made, postersReused: reused, postersMissing: missing, pageBytes: html.count)
    }

    /// Refuses to replace anything but a previous report or an empty folder.
    static func checkReplaceable(_ folder: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw ReportError(file: folder.path, message: "is a file; the report is a folder (choose another with -o)", exitCode: 1)
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if !entries.isEmpty && !entries.contains(marker) {
            throw ReportError(file: folder.path, message: "is a folder that provoke report did not write; it was left"
                              + " untouched (choose another with -o, or an empty folder)", exitCode: 1)
        }
    }

    /// Puts `temporary` at `folder`. Linux's renameat2(RENAME_EXCHANGE) swaps the two folders in one step, so
    /// `folder` is never missing; where it is unavailable (an old kernel, some file systems) the old report is
    /// renamed aside first. The old one is then removed.
    static func swapIntoPlace(_ temporary: URL, _ folder: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.path) else {
            guard rename(temporary.path, folder.path) == 0 else { throw renameError(folder) }
            return
        }
        if exchange(temporary.path, folder.path) {
            try? fm.removeItem(at: temporary)  // now the old report
            return
        }
        let aside = temporary.deletingLastPathComponent().appendingPathComponent(temporary.lastPathComponent + "-old")
        guard rename(folder.path, aside.path) == 0 else { throw renameError(folder) }
        guard rename(temporary.path, folder.path) == 0 else {
            let error = renameError(folder)
            rename(aside.path, folder.path)
            throw error
        }
        try? fm.removeItem(at: aside)
    }

    private static func renameError(_ folder: URL) -> ReportError {
        ReportError(file: folder.path, message: "cannot rename the report into place: \(String(cString: strerror(errno)))", exitCode: 3)
    }

    /// renameat2(…, RENAME_EXCHANGE), looked up at run time: Swift's Glibc module does not export it.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2  // RENAME_EXCHANGE, linux/fs.h
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
