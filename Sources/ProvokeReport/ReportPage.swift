import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeRender
import ProvokeTimeline

/// The report as one HTML document. Semantic and readable without CSS or script: landmarks (banner, nav,
/// main, footer), one `h1`, sections with headings, tables with `th` and `scope`, lists for lists. Every
/// state is written in words as well as coloured ("latest", "older", "not yet"), every image has alt text,
/// and every text from data goes through `HTML.escape` (`e` below) at the moment it is written.
public enum ReportPage {
    /// Pending names listed per group under a video; the rest are counted and found in the grid, so a
    /// 10,000-contact ledger does not repeat thousands of names under every video.
    public static let pendingNamesShown = 40
    /// Grid rows per part: each part is a table in a box the browser skips rendering while it is off screen
    /// (`content-visibility: auto` works on a block box, not on a table's rows), so a 10,000-contact grid opens
    /// in a fraction of a second instead of seconds.
    static let gridRowsPerPart = 200
    /// The grid's column widths, in rem (fixed, so the parts line up): organisation and name, then each video.
    static let gridNameColumnsRem = 26.0
    static let gridVideoColumnRem = 7.0

    public static func html(_ model: ReportModel) -> String {
        var page = Page(model: model)
        page.write()
        return page.out
    }

    /// The audience as a heading names it: "Integrated Care Boards", "The royal colleges", "Government".
    public static func audienceName(_ audience: Audience) -> String {
        audience.description.prefix(1).uppercased() + audience.description.dropFirst()
    }

    public static func badgeLabel(_ audience: Audience) -> String {
        switch audience {
        case .icb: return "ICB"
        case .college: return "College"
        case .government: return "Government"
        }
    }
}

private func e(_ text: String) -> String { HTML.escape(text) }

private struct Page {
    let model: ReportModel
    var out = ""
    var campaign: Campaign { model.campaign }

    init(model: ReportModel) {
        self.model = model
        out.reserveCapacity(64 * 1024 + model.receipts.count * 40)
    }

    mutating func write() {
        let projects = model.projects.joined(separator: ", ")
        out += """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Campaign report: \(e(projects.isEmpty ? "no videos yet" : projects))</title>
        <link rel="stylesheet" href="report.css">
        </head>
        <body>
        <header class="banner">
        <h1>Campaign report</h1>
        <p>\(e(projects.isEmpty ? "No videos registered yet" : projects)) · generated \(e(model.generatedAt)) from the ledger \(e(model.ledger))</p>
        <nav aria-label="Sections"><ul><li><a href="#videos">Videos</a></li><li><a href="#audiences">Audiences</a></li><li><a href="#ideas">Ideas</a></li><li><a href="#grid">Who has what</a></li></ul></nav>
        </header>
        <main>

        """
        summary()
        videos()
        audiences()
        ideas()
        grid()
        out += """
        </main>
        <footer><p>Written by provoke report from the ledger and the render records. The page needs no network and no script; print it on A4.</p></footer>
        </body>
        </html>

        """
    }

    mutating func summary() {
        let reached = model.audiences.reduce(0) { $0 + $1.reached }
        let notYet = model.ideas.filter { !$0.isDelivered }.count
        // A personal edition is a file of its own, not an older version of its output.
        let editions = model.outputs.reduce(0) { $0 + campaign.editionCount($1.versions) }
        let older = campaign.videos.indices.filter { !campaign.isNewest($0) }.count
        let olderVersions = older == 0 ? "" : "\(older) older version\(older == 1 ? "" : "s")"
        let olderFiles = editions > 0
            ? " (\(editions) personal edition\(editions == 1 ? "" : "s")\(older == 0 ? "" : ", and \(olderVersions)"))"
            : older == 0 ? "" : " (and \(olderVersions))"
        out += """
        <section aria-labelledby="summary-h"><h2 id="summary-h">At a glance</h2>
        <ul class="figures">
        <li><strong>\(model.outputs.count)</strong> video\(model.outputs.count == 1 ? "" : "s")\(olderFiles)</li>
        <li><strong>\(reached) of \(campaign.contacts.count)</strong> contacts reached</li>
        <li><strong>\(model.ideas.count)</strong> idea\(model.ideas.count == 1 ? "" : "s"), \(notYet == 0 ? "each in front of someone" : "<span class=\"warning\">\(notYet) not yet in front of anyone</span>")</li>
        </ul>
        </section>

        """
    }

    // MARK: Videos

    mutating func videos() {
        out += "<section id=\"videos\" aria-labelledby=\"videos-h\"><h2 id=\"videos-h\">Videos</h2>\n"
        if model.outputs.isEmpty { out += "<p>No videos are registered in the ledger.</p>\n" }
        out += "<div class=\"videos\">\n"
        for index in model.outputs.indices { video(index) }
        out += "</div>\n</section>\n\n"
    }

    mutating func video(_ index: Int) {
        let output = model.outputs[index]
        let v = output.latest
        let record = output.details.record
        out += "<article class=\"video\" id=\"video-\(index)\" aria-labelledby=\"video-\(index)-h\">\n"
        out += "<h3 id=\"video-\(index)-h\">\(e(v.title))</h3>\n"
        if let poster = output.details.poster {
            out += "<img class=\"poster\" src=\"\(e(poster))\" width=\"\(Poster.width)\" height=\"\(Poster.height)\" alt=\"\(e(posterAlt(v, record)))\">\n"
        } else {
            out += "<p class=\"no-poster\">No poster: \(e(output.details.posterProblem ?? "the file could not be read"))</p>\n"
        }
        out += "<dl class=\"facts\">\n"
        out += "<dt>Audience</dt><dd>\(badge(v.audience)) \(ReportPage.audienceName(v.audience))</dd>\n"
        out += "<dt>Output</dt><dd>\(e(v.reference))</dd>\n"
        out += "<dt>Duration</dt><dd>\(Format.duration(v.duration))</dd>\n"
        out += "<dt>Size</dt><dd>\(output.details.size.map(Format.size) ?? "file not found at \(e(v.path))")</dd>\n"
        out += "<dt>Rendered</dt><dd>\(e(Format.time(v.renderedAt)))</dd>\n"
        let editions = campaign.editionCount(output.versions)
        if editions > 0 {
            // One file per recipient: listing them as versions would bury the real ones.
            let older = output.versions.filter { !campaign.isNewest($0) }.count
            out += "<dt>Editions</dt><dd>\(editions) personal edition\(editions == 1 ? "" : "s"), one per recipient"
            out += older == 0 ? "" : ", and \(older) older version\(older == 1 ? "" : "s") of them"
            out += "; the newest shown: \(e(v.shortSHA))"
        } else {
            out += "<dt>Version</dt><dd>\(e(v.shortSHA)), the latest"
            if output.versions.count > 1 {
                out += " of \(output.versions.count); older:"
                for (n, older) in output.versions.dropLast().reversed().enumerated() {
                    let o = campaign.videos[older]
                    out += "\(n == 0 ? "" : ",") \(e(o.shortSHA)) (rendered \(e(Format.time(o.renderedAt))))"
                }
            } else {
                out += " (the only version)"
            }
        }
        out += "</dd>\n</dl>\n"

        out += "<h4>Sequence</h4>\n"
        if let record {
            sequence(record)
        } else {
            out += "<p class=\"muted\">The render record beside the file could not be read, so its sequence is not known.</p>\n"
        }

        out += "<h4>Ideas</h4>\n"
        if output.ideas.isEmpty {
            out += "<p class=\"muted\">Carries none of the project's ideas.</p>\n"
        } else {
            out += "<ul class=\"ideas\">"
            for idea in output.ideas { out += "<li>\(e(idea.text))</li>" }
            out += "</ul>\n"
        }

        out += "<h4>Delivery</h4>\n"
        out += "<p><span class=\"status\">This version has reached \(output.delivered) of \(output.audienceContacts)"
            + " contact\(output.audienceContacts == 1 ? "" : "s")</span> · "
            + "<span class=\"\(output.pending > 0 ? "warning" : "")\">\(output.pending) pending</span></p>\n"
        people("Never received this video", output.neverReceived, planned: output.planned)
        people("Received an older version", output.olderVersion, planned: output.planned)
        out += "</article>\n"
    }

    mutating func people(_ heading: String, _ contacts: [Int], planned: Set<Int>) {
        guard !contacts.isEmpty else { return }
        out += "<p>\(heading) (\(contacts.count)):</p>\n<ul class=\"people\">"
        for c in contacts.prefix(ReportPage.pendingNamesShown) {
            let contact = campaign.contacts[c]
            out += "<li>\(e(contact.name))\(contact.organisation.isEmpty ? "" : ", \(e(contact.organisation))")"
                + "\(planned.contains(c) ? " <span class=\"muted\">(planned)</span>" : "")</li>"
        }
        out += "</ul>\n"
        if contacts.count > ReportPage.pendingNamesShown {
            out += "<p class=\"muted\">and \(contacts.count - ReportPage.pendingNamesShown) more: see <a href=\"#grid\">Who has what</a>.</p>\n"
        }
    }

    mutating func sequence(_ record: RenderRecord) {
        enum Item { case clip(RenderRecord.Clip), card(RenderRecord.Card) }
        var items: [(start: Int, item: Item)] = record.clips.map { ($0.outputStartFrame, .clip($0)) }
        items += (record.cards ?? []).map { ($0.outputStartFrame, .card($0)) }
        items.sort { $0.start < $1.start }
        out += "<ol class=\"sequence\">"
        for (_, item) in items {
            switch item {
            case .clip(let clip):
                out += "<li>Clip <b>\(e(clip.clip))</b>"
                if let speaker = clip.speaker {
                    out += ": \(e(speaker.name))\(speaker.role.map { ", \(e($0))" } ?? "")"
                }
                out += " · \(e(clip.source)) \(Format.clock(clip.sourceIn))–\(Format.clock(clip.sourceOut))</li>"
            case .card(let card):
                out += "<li>\(e(card.template.rawValue.capitalized)) card"
                if let words = card.words, !words.isEmpty {
                    out += ": <span class=\"words\">“\(words.map(e).joined(separator: " / "))”</span>"
                }
                out += "</li>"
            }
        }
        out += "</ol>\n"
    }

    func posterAlt(_ video: Video, _ record: RenderRecord?) -> String {
        let first = (record?.cards ?? []).min { $0.outputStartFrame < $1.outputStartFrame }
        if let first {
            let words = (first.words ?? []).joined(separator: " / ")
            return "Poster of “\(video.title)”: its \(first.template.rawValue) card"
                + (words.isEmpty ? "" : ", “\(words)”")
        }
        return "Poster of “\(video.title)”: a frame of its first clip"
    }

    func badge(_ audience: Audience) -> String {
        "<span class=\"badge badge-\(audience.rawValue)\">\(ReportPage.badgeLabel(audience))</span>"
    }

    // MARK: Audiences and ideas

    mutating func audiences() {
        out += """
        <section id="audiences" aria-labelledby="audiences-h"><h2 id="audiences-h">Audiences</h2>
        <p>Contacts who have received at least one video (sent, viewed or responded; planned does not count), of all the audience's contacts.</p>
        <table><thead><tr><th scope="col">Audience</th><th scope="col">Reached</th></tr></thead><tbody>

        """
        for reach in model.audiences {
            out += "<tr><th scope=\"row\">\(badge(reach.audience)) \(ReportPage.audienceName(reach.audience))</th><td class=\"reach\">\(bar(reach))</td></tr>\n"
        }
        out += "</tbody></table>\n</section>\n\n"
    }

    func bar(_ reach: AudienceReach) -> String {
        let percent = Int((reach.share * 100).rounded())
        return "<span class=\"bar\" aria-hidden=\"true\"><span style=\"width: \(percent)%\"></span></span>"
            + "\(reach.reached) of \(reach.contacts) (\(percent)%)"
    }

    mutating func ideas() {
        out += """
        <section id="ideas" aria-labelledby="ideas-h"><h2 id="ideas-h">Ideas</h2>
        <p>Each idea of the sessions, the videos that carry it, and how many of each audience's contacts have received a video carrying it. Ideas no one has received yet come first.</p>
        <table><thead><tr><th scope="col">Idea</th><th scope="col">Carried by</th><th scope="col">Reached</th></tr></thead><tbody>

        """
        var outputIndex: [String: Int] = [:]
        for (i, o) in model.outputs.enumerated() { outputIndex[o.latest.reference] = i }
        for coverage in model.ideas {
            out += "<tr><th scope=\"row\">\(e(coverage.idea.text))"
            if !coverage.isDelivered { out += "<br><span class=\"warning\">Not yet in front of anyone</span>" }
            out += "</th><td>"
            if coverage.outputs.isEmpty {
                out += "<span class=\"muted\">no video</span>"
            } else {
                // In the order the videos are shown (by audience), not the ledger's.
                let refs = coverage.outputs.sorted { (outputIndex[$0] ?? .max) < (outputIndex[$1] ?? .max) }
                out += refs.map { ref in
                    guard let i = outputIndex[ref] else { return e(ref) }
                    return "<a href=\"#video-\(i)\">\(e(model.outputs[i].latest.title))</a>"
                }.joined(separator: "<br>")
            }
            out += "</td><td class=\"reach\">"
            out += coverage.reach.isEmpty ? "<span class=\"muted\">no one</span>"
                : coverage.reach.map { "\(badge($0.audience)) \(bar($0))" }.joined(separator: "<br>")
            out += "</td></tr>\n"
        }
        out += "</tbody></table>\n</section>\n\n"
    }

    // MARK: Grid

    mutating func grid() {
        out += """
        <section id="grid" aria-labelledby="grid-h"><h2 id="grid-h">Who has what</h2>
        <p class="legend">Each contact against each video for their audience, sorted by organisation, then name:
        <span class="got-latest">latest: received this version</span>
        <span class="got-older">older: received an older version</span>
        <span class="got-none">not yet: neither (planned: a delivery is planned)</span></p>

        """
        for grid in model.grids where !grid.contacts.isEmpty && !grid.outputs.isEmpty {
            let name = ReportPage.audienceName(grid.audience)
            out += "<h3>\(name): \(grid.contacts.count) contact\(grid.contacts.count == 1 ? "" : "s") × \(grid.outputs.count) video\(grid.outputs.count == 1 ? "" : "s")</h3>\n"
            // Fixed column widths, so the parts below line up as one table.
            let width = ReportPage.gridNameColumnsRem + Double(grid.outputs.count) * ReportPage.gridVideoColumnRem
            var header = "<thead><tr><th scope=\"col\" class=\"org\">Organisation</th><th scope=\"col\" class=\"name\">Name</th>"
            for o in grid.outputs {
                header += "<th scope=\"col\"><a href=\"#video-\(o)\">\(e(model.outputs[o].latest.output))</a></th>"
            }
            header += "</tr></thead>\n"
            let parts = stride(from: 0, to: grid.contacts.count, by: ReportPage.gridRowsPerPart)
            for first in parts {
                let rows = grid.contacts[first..<min(first + ReportPage.gridRowsPerPart, grid.contacts.count)]
                out += "<div class=\"grid-part\"><table class=\"grid\" style=\"width: \(width)rem\">"
                out += "<caption class=\"visually-hidden\">\(name): contacts \(first + 1) to \(first + rows.count)"
                    + " of \(grid.contacts.count) against each video</caption>\n"
                out += header + "<tbody>\n"
                for c in rows {
                    let contact = campaign.contacts[c]
                    out += "<tr><td>\(e(contact.organisation))</td><th scope=\"row\">\(e(contact.name))</th>"
                    for o in grid.outputs {
                        switch model.receipt(contact: c, output: o) {
                        case .latest: out += "<td class=\"got-latest\">latest</td>"
                        case .older: out += "<td class=\"got-older\">older</td>"
                        case .none:
                            out += model.outputs[o].planned.contains(c) ? "<td class=\"got-none\">planned</td>"
                                : "<td class=\"got-none\">not yet</td>"
                        }
                    }
                    out += "</tr>\n"
                }
                out += "</tbody></table></div>\n"
            }
        }
        if model.grids.allSatisfy({ $0.contacts.isEmpty || $0.outputs.isEmpty }) {
            out += "<p>No audience has both contacts and videos yet.</p>\n"
        }
        out += "</section>\n"
    }
}

/// How the page writes quantities: one place each.
enum Format {
    /// `m:ss.s`.
    static func duration(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return String(format: "%d:%02d.%d", tenths / 600, (tenths / 10) % 60, tenths % 10)
    }

    /// Decimal units, as file browsers show them.
    static func size(_ bytes: Int64) -> String {
        if bytes < 1_000 { return "\(bytes) bytes" }
        if bytes < 1_000_000 { return String(format: "%.0f kB", Double(bytes) / 1_000) }
        return String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// The ledger's `YYYY-MM-DDTHH:MM:SS.SSSZ` as `YYYY-MM-DD HH:MM UTC`.
    static func time(_ stamp: String) -> String {
        guard stamp.count >= 16, stamp.dropFirst(10).first == "T" else { return stamp }
        return "\(stamp.prefix(10)) \(stamp.dropFirst(11).prefix(5)) UTC"
    }

    /// A source time in seconds (a record's millisecond value) as the manifest writes times.
    static func clock(_ seconds: Double) -> String {
        SourceTime(microseconds: Int64((seconds * 1_000).rounded()) * 1_000).description
    }
}
