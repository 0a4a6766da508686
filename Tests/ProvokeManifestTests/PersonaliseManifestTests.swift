import Foundation
import XCTest
@testable import ProvokeManifest

/// `outputs[].personalise` and the placeholders of card text.
final class PersonaliseManifestTests: XCTestCase {
    func manifest(cardText: String, personalise: String? = #"{"card": "for-you"}"#, sequence: String = #"["for-you", "a1", "end"]"#,
                  second: String = "") -> String {
        """
        {
          "provoke": 1,
          "project": {"id": "p", "title": "T"},
          "sources": [{"id": "a", "file": "a.mp4"}],
          "clips": [{"id": "a1", "source": "a", "in": 0, "out": 4}],
          "cards": [{"id": "for-you", "template": "statement", "duration": 6, "text": \(cardText)},
                    {"id": "end", "template": "end", "duration": 3, "text": "Talk to us"}],
          "outputs": [{"id": "o1", "audience": "icb", "title": "T", "sequence": \(sequence)\(personalise.map { ", \"personalise\": \($0)" } ?? "")}\(second)]
        }
        """
    }

    func testAPersonalisedOutputIsReadWithItsContacts() throws {
        let project = try XCTUnwrap(load(manifest(cardText: #""Prepared for {name}, {role}, {organisation} ({region})""#)).project)
        XCTAssertEqual(project.outputs[0].personalise, Personalise(card: "for-you", contacts: .audience))
        let listed = load(manifest(cardText: #""For {name}""#,
                                   personalise: #"{"card": "for-you", "contacts": ["ann@icb.org", "Bob@ICB.org"]}"#))
        XCTAssertEqual(listed.project?.outputs[0].personalise?.contacts, .emails(["ann@icb.org", "Bob@ICB.org"]))
        // Braces that are not a placeholder stay ordinary text (card text is data).
        XCTAssertNotNil(load(manifest(cardText: #""{\\b1} { } {1x} {name""#, personalise: nil, sequence: #"["for-you", "a1"]"#)).project)
    }

    func testAnUnknownPlaceholderIsAnErrorNamingTheCardAndKey() {
        let text = manifest(cardText: #""Prepared for {nam} of {email}""#)
        XCTAssertEqual(located(load(text)), [
            "\(at("\"Prepared", in: text)): cards[0].text: card \"for-you\" text: unknown placeholder {nam}; did you mean {name}? placeholders: {name}, {role}, {organisation}, {region}",
            "\(at("\"Prepared", in: text)): cards[0].text: card \"for-you\" text: unknown placeholder {email}; placeholders: {name}, {role}, {organisation}, {region}",
        ])
    }

    func testAPlaceholderOutsideAPersonalisedOutputIsAnError() {
        let text = manifest(cardText: #"{"icb": "For {name}"}"#, personalise: nil)
        XCTAssertEqual(located(load(text)), [
            "\(at("{\"icb\"", in: text)): cards[0].text: card \"for-you\" text uses {name}, but output \"o1\" shows it without "
            + "personalising it; add \"personalise\": {\"card\": \"for-you\"} to the output, or write the words out",
        ])
        // Shown by a personalised output and by another output that is not: the second is the error.
        let two = manifest(cardText: #""For {name}""#,
                           second: #", {"id": "o2", "audience": "icb", "title": "T", "sequence": ["for-you", "end"]}"#)
        XCTAssertEqual(load(two).diagnostics.map(\.message), [
            "card \"for-you\" text uses {name}, but output \"o2\" shows it without personalising it; add \"personalise\": "
            + "{\"card\": \"for-you\"} to the output, or write the words out"])
    }

    func testThePersonalisedCardMustBeShownAndAnEndCardCarryTheCode() {
        let notShown = manifest(cardText: #""For {name}""#, personalise: #"{"card": "end"}"#)
        XCTAssertTrue(located(load(notShown)).contains { $0.contains("outputs[0].sequence") == false && $0.contains("uses {name}") })
        let missing = manifest(cardText: #""For {name}""#, personalise: #"{"card": "nope"}"#)
        XCTAssertEqual(load(missing).diagnostics.filter { $0.severity == .error }.map(\.path), ["cards[0].text", "outputs[0].personalise.card"])
        let unshown = manifest(cardText: #""For {name}""#, sequence: #"["a1", "end"]"#)
        XCTAssertTrue(load(unshown).diagnostics.contains { $0.path == "outputs[0].personalise.card" && $0.message.contains("is not in") })
        let noEnd = manifest(cardText: #""For {name}""#, sequence: #"["for-you", "a1"]"#)
        XCTAssertEqual(load(noEnd).diagnostics.filter { $0.severity == .error }.map(\.message),
                       ["output \"o1\" is personalised, so it needs an \"end\" card in its sequence: the end card shows each edition's code"])
        let badContacts = manifest(cardText: #""For {name}""#, personalise: #"{"card": "for-you", "contacts": ["ann", "a@b.org", "A@B.org"]}"#)
        XCTAssertEqual(load(badContacts).diagnostics.map(\.path), ["outputs[0].personalise.contacts[0]", "outputs[0].personalise.contacts[2]"])
    }

    func testFillingIsOnePassAndKeepsValuesAsData() {
        let values: [Placeholder: String] = [.name: #"Zoë {role} \b1 O'Neil <script> 🎉"#, .role: "Chair"]
        XCTAssertEqual(Placeholder.fill("For {name}, {role} {\\an8} {x}", values),
                       #"For Zoë {role} \b1 O'Neil <script> 🎉, Chair {\an8} {x}"#)
        XCTAssertEqual(Placeholder.words(in: "{name}{role} {a b} {_x} {région}"), ["name", "role"])
    }
}
