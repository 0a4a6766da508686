import Foundation
import ProvokeManifest
@testable import ProvokeTimeline
import XCTest

/// An edition's plan: the output's plan with only the personalised card's words, the end card's code, two tags
/// and the file name changed.
final class EditionPlanTests: XCTestCase {
    func plan() throws -> OutputPlan {
        let base = URL(fileURLWithPath: "/projects/x")
        let project = Project(
            id: "x", title: "T", event: nil, manifestURL: base.appendingPathComponent("manifest.json"),
            sources: [Source(id: "a", file: "a.mp4", url: base.appendingPathComponent("a.mp4"))], ideas: [],
            clips: [Clip(id: "a1", source: "a", in: SourceTime(microseconds: 0), out: SourceTime(microseconds: 2_000_000), ideas: [])],
            cards: [Card(id: "for-you", template: .statement, duration: 3_000_000, text: .all("Prepared for {name}, {role}")),
                    Card(id: "end", template: .end, duration: 3_000_000, text: .all("Talk to us"))],
            outputs: [Output(id: "o1", audience: .icb, title: "T", sequence: ["for-you", "a1", "end"].map { SequenceItem(item: $0) },
                             personalise: Personalise(card: "for-you"))])
        return try Planner.plan(project).outputs[0]
    }

    func edition(_ name: String, role: String = "Chair") -> Edition {
        Edition(recipient: Recipient(name: name, email: "jane@icb.org", role: role), code: "7KQ4-M2XA", slug: "jane")
    }

    func testOnlyThePersonalisedCardTheEndCardsCodeTagsAndFileNameDiffer() throws {
        let base = try plan()
        let hostile = #"Zoë {role} \N{\b1}'<x>🎉"#
        let edition = try base.personalised(edition(hostile), card: "for-you")
        guard case let .card(card) = edition.segments[0].content, case let .card(end) = edition.segments[2].content else {
            return XCTFail("cards expected")
        }
        XCTAssertEqual(card.text, "Prepared for \(hostile), Chair", "the name is put in as written, and not filled again")
        XCTAssertEqual(end.edition, "7KQ4-M2XA")
        XCTAssertEqual(edition.segments[1], base.segments[1])
        XCTAssertEqual(edition.captions, base.captions)
        XCTAssertEqual(edition.tags.suffix(2).map { "\($0.0)=\($0.1)" }, ["recipient=jane@icb.org", "edition=7KQ4-M2XA"])
        XCTAssertEqual(base.tags.count + 2, edition.tags.count)
        XCTAssertEqual(edition.fileStem, "jane")
        XCTAssertEqual(edition.label, "o1/jane")
        XCTAssertEqual(base.fileStem, "o1")
    }

    func testAContactWithoutADetailTheCardShowsIsAnErrorNamingThem() throws {
        XCTAssertThrowsError(try plan().personalised(edition("Jane", role: " "), card: "for-you")) { error in
            XCTAssertEqual((error as? EditionError)?.message.contains("jane@icb.org has no role"), true, "\(error)")
        }
    }

    func testCodesAndSlugs() {
        let code = EditionCode.make(project: "p", output: "o", email: "Jane@ICB.org")
        XCTAssertEqual(code, EditionCode.make(project: "p", output: "o", email: "jane@icb.org"))
        XCTAssertNotEqual(code, EditionCode.make(project: "p", output: "o2", email: "jane@icb.org"))
        XCTAssertEqual(EditionCode.normalise(code.lowercased().replacingOccurrences(of: "-", with: " ")), code)
        XCTAssertEqual(EditionCode.normalise("OIL0 1234"), "0110-1234", "O is read as 0, I and L as 1")
        XCTAssertNil(EditionCode.normalise("UUUU-UUUU"))
        XCTAssertEqual(EditionSlug.base(name: "Dr Zoë O'Neil-Smith", email: "z@x.org"), "dr-zoe-o-neil-smith")
        XCTAssertEqual(EditionSlug.base(name: "🎉", email: "ann.b@x.org"), "ann-b")
        // Letters folding would drop are written out: no "ukasz-berg", no "r".
        XCTAssertEqual(EditionSlug.base(name: "Łukasz Øberg", email: "l@x.org"), "lukasz-oberg")
        XCTAssertEqual(EditionSlug.base(name: "Ærø Straße", email: "a@x.org"), "aero-strasse")
        XCTAssertEqual(EditionSlug.base(name: "", email: "🎉@x.org"), "contact")
        XCTAssertEqual(EditionSlug.base(name: String(repeating: "abcdefghij ", count: 10), email: "a@b").count, 54)
    }
}
