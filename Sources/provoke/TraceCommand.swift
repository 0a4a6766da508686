import ArgumentParser
import Foundation
import ProvokeLedger
import ProvokeRender
import ProvokeSystem
import ProvokeTimeline

/// `provoke trace FILE.mp4 | CODE`: whose copy a video is. A file is known by its bytes, else by its coded video
/// packets (a re-muxed copy, or one whose tags were stripped), else by its `edition` tag; a code is what a
/// person reads off the end card of a copy that was re-encoded.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Say which contact a copy of a video was made for, from which output and version, and its deliveries.",
        discussion: """
            FILE is found by the SHA-256 of its bytes, else of its video packets (which a re-mux with \
            ffmpeg -c copy keeps), else by its edition tag. CODE is the edition code on the end card \
            (7KQ4-M2XA; any case, dash optional, O read as 0 and I or L as 1). Exit 1 when nothing matches.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("An MP4 file, or an edition code.", valueName: "file-or-code"))
    var copy: String

    /// The reader's message without its leading "FILE: ", which the ledger error adds again.
    func withoutPath(_ message: String) -> String {
        message.hasPrefix(copy + ": ") ? String(message.dropFirst(copy.count + 2)) : message
    }

    func run() throws {
        try reportingErrors {
            let ledger = try ledger.open()
            let report: TraceReport?
            let kind = FileKind(path: copy)
            if kind == .regular {
                let identity: CopyIdentity
                do {
                    identity = try CopyIdentity.read(copy)
                } catch let e as RenderError {
                    throw LedgerError(.badInput, file: copy, withoutPath(e.message))
                } catch let e as FileError {
                    throw LedgerError(.badInput, file: copy, withoutPath(e.message))
                }
                report = try ledger.trace(fileSHA256: identity.sha256, packetsSHA256: identity.videoPacketsSHA256,
                                          code: identity.edition.flatMap(EditionCode.normalise), codeFromTag: true)
            } else if kind == .missing, let code = EditionCode.normalise(copy) {
                report = try ledger.trace(code: code)
            } else if kind == .missing {
                throw LedgerError(.badInput, file: copy, "no such file, and not an edition code (8 letters and digits, "
                                  + "as 7KQ4-M2XA on the end card)")
            } else {
                throw LedgerError(.badInput, file: copy, "expected a video file or an edition code, found \(kind.phrase)")
            }
            guard let report else {
                throw LedgerError(.badInput, file: copy, "no copy the ledger knows: no registered file has these bytes "
                                  + "or video packets, and no edition has this code")
            }
            printOut(Self.describe(report))
        }
    }

    static func describe(_ report: TraceReport) -> String {
        let v = VisibleText.escaped
        var lines: [String] = []
        let reference = report.edition?.reference ?? report.versions.first?.reference ?? "?"
        if let edition = report.edition {
            var who = "\(v(edition.name)) <\(v(edition.email))>"
            if let contact = report.contact {
                let details = [contact.role, contact.organisation, contact.region].filter { !$0.isEmpty }.map(v)
                if !details.isEmpty { who += " (" + details.joined(separator: ", ") + ")" }
            } else {
                who += " (no longer a contact)"
            }
            lines.append("made for: \(who)")
            lines.append("edition:  \(edition.code) of \(v(reference)), file \(v(edition.slug)).mp4")
        } else {
            lines.append("made for: the \(report.versions.first?.audience.rawValue ?? "?") audience (\(v(reference)) is not a personal edition)")
        }
        lines.append("found by: \(report.evidence.rawValue)")
        if report.versions.isEmpty {
            lines.append("versions: none registered yet (the edition was named for a render that did not record it)")
        }
        for (index, version) in report.versions.enumerated() {
            let mark = version.sha256 == report.video?.sha256 ? "  <- this copy" : ""
            let newest = index == report.versions.count - 1 ? " (newest)" : ""
            lines.append("version \(index + 1) of \(report.versions.count): rendered \(version.renderedAt), "
                         + "sha256 \(version.shortSHA)\(newest)\(mark)")
        }
        if report.video == nil && report.versions.count > 1 {
            lines.append("(the code names the edition, not the version: any of these)")
        }
        if report.deliveries.isEmpty {
            lines.append("deliveries: none recorded")
        } else {
            lines.append("deliveries:")
            for d in report.deliveries {
                let version = (report.versions.firstIndex { $0.sha256 == d.video.sha256 } ?? 0) + 1
                lines.append("  \(d.date) \(d.status.rawValue) by \(d.channel.rawValue) to \(v(d.contact.email)), version \(version)"
                             + (d.note.isEmpty ? "" : ": \(v(d.note))"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
