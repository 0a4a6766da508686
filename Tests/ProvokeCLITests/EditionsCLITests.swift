import Foundation
import ProvokeSystem
import XCTest

/// Personal editions from the command line: `render --personal`, the files and tags, the shared pieces encoded
/// once, what differs between two contacts' pictures, the ledger rows, `deliver`'s refusal, `pending`, `trace`
/// from tags, from the packets of a re-muxed copy and from the code, and re-runs that redo only what changed.
extension CLITests {
    static let hostileName = #"Zoë {role} \b1 {\an8} O'Neil <script> '); DROP TABLE contacts;-- 🎉"#

    func editionsProject() throws {
        try source("a.mp4", frames: 90)
        try write("""
        {"provoke": 1, "project": {"id": "eds", "title": "Increasing access is harmful to health"},
         "sources": [{"id": "a", "file": "a.mp4"}],
         "clips": [{"id": "talk", "source": "a", "in": 0, "out": 2}],
         "cards": [{"id": "for-you", "template": "statement", "duration": 2, "text": "Prepared for {name}, {organisation}"},
                   {"id": "close", "template": "end", "duration": 2, "text": "Talk to your GP leaders", "url": "wisegp.co.uk"}],
         "outputs": [{"id": "for-icbs", "audience": "icb", "title": "ICBs", "captions": "none",
                      "sequence": ["for-you", "talk", "close"], "personalise": {"card": "for-you"}},
                     {"id": "plain", "audience": "icb", "title": "Plain", "captions": "none", "sequence": ["talk"]}]}
        """, "manifest.json")
        // The CSV quotes the hostile name (it has commas' friends: quotes); the emoji-only name has no letters.
        let quoted = "\"" + CLITests.hostileName.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try write("""
        name,email,organisation,role,audience
        Dr Jane Example,jane@icb.example,NHS Example ICB,Chair,icb
        \(quoted),zoe@icb.example,Example ICB,CEO,icb
        🎉,party@icb.example,Party ICB,Lead,icb
        Gus Gov,gus@gov.example,Treasury,Minister,government
        """, "contacts.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "contacts.csv", "--ledger", "l.sqlite"]).status, 0)
    }

    /// One output frame as 8-bit grey, decoded by the ffmpeg program (a witness).
    func grey(_ file: String, at seconds: Double) throws -> [UInt8] {
        let data = try tool("/usr/bin/ffmpeg", ["-v", "error", "-ss", String(seconds), "-i", file, "-frames:v", "1",
                                                "-f", "rawvideo", "-pix_fmt", "gray", "-"]).out
        XCTAssertEqual(data.count, 1280 * 720)
        return [UInt8](data)
    }

    /// The box holding every pixel that differs by more than `threshold`, and the largest difference outside it
    /// would be 0 by construction; so also: how many pixels differ at all.
    func difference(_ a: [UInt8], _ b: [UInt8], threshold: Int = 24) -> (box: (x0: Int, y0: Int, x1: Int, y1: Int)?, count: Int, maxOutside: Int, outside: (Int, Int, Int, Int)) {
        var box: (Int, Int, Int, Int)?
        var count = 0
        for y in 0..<720 { for x in 0..<1280 where abs(Int(a[y * 1280 + x]) - Int(b[y * 1280 + x])) > threshold {
            count += 1
            box = box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) } ?? (x, y, x, y)
        } }
        return (box.map { (x0: $0.0, y0: $0.1, x1: $0.2, y1: $0.3) }, count, 0, (0, 0, 0, 0))
    }

    func sha(_ file: String) throws -> String { try SHA256.hex(ofFileAt: dir.appendingPathComponent(file).path) }

    func testPersonalEditionsOneFilePerContactTaggedSharedPiecesAndTraceable() throws {
        try editionsProject()
        // Without --personal the personalised output is not made (it would show "{name}"); the plain one is.
        let plain = try provoke(["render", "manifest.json", "--ledger", "l.sqlite"])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertTrue(plain.out.contains("for-icbs: personalised; its editions are rendered with --personal"), plain.out)
        XCTAssertEqual(files("out"), ["plain.json", "plain.mp4", "plain.png"])

        let first = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"])
        XCTAssertEqual(first.status, 0, first.err)
        // Three card pieces and three end cards, one per contact, and one sound track for all three; the clip's
        // piece comes from the plain render's cache entry: shared by every edition.
        XCTAssertTrue(first.out.contains("rendered 3 of 3 editions (0 unchanged); 7 pieces and sound tracks encoded, 1 pieces from the cache"), first.out)
        let names = files("out/for-icbs").filter { $0.hasSuffix(".mp4") }
        XCTAssertEqual(names, ["dr-jane-example.mp4", "party.mp4", "zoe-role-b1-an8-o-neil-script-drop-table-contacts.mp4"])
        let jane = "out/for-icbs/dr-jane-example.mp4", zoe = "out/for-icbs/" + names[2]
        let tags = try ffprobeTags(jane)
        XCTAssertEqual(tags["recipient"], "jane@icb.example")
        XCTAssertEqual(tags["output"], "for-icbs")
        XCTAssertEqual(tags["audience"], "icb")
        let code = try XCTUnwrap(tags["edition"])
        XCTAssertNotNil(code.wholeMatch(of: /[0-9A-Z]{4}-[0-9A-Z]{4}/), code)
        XCTAssertEqual(try ffprobeTags(zoe)["recipient"], "zoe@icb.example")
        let record = try String(contentsOf: dir.appendingPathComponent("out/for-icbs/dr-jane-example.json"), encoding: .utf8)
        XCTAssertTrue(record.contains("\"email\" : \"jane@icb.example\"") && record.contains(code), record)
        XCTAssertTrue(first.out.contains("eds/for-icbs: 3 editions recorded"), first.out)

        // The cards' pictures differ only where the words are; the clip is the same picture; the end cards
        // differ only in the corner with the code.
        let card = difference(try grey(jane, at: 1.5), try grey(zoe, at: 1.5))
        let box = try XCTUnwrap(card.box)
        XCTAssertGreaterThan(card.count, 2000, "the names differ")
        XCTAssertTrue(box.x0 >= 128 && box.x1 < 1152 && box.y0 >= 200 && box.y1 < 560, "\(box): inside the text's band of the title-safe area")
        XCTAssertNil(difference(try grey(jane, at: 3), try grey(zoe, at: 3), threshold: 0).box, "the clip is the same picture")
        let end = try XCTUnwrap(difference(try grey(jane, at: 5.5), try grey(zoe, at: 5.5)).box)
        XCTAssertTrue(end.x0 > 900 && end.x1 < 1152 && end.y0 > 590 && end.y1 < 648, "\(end): the code's corner, inside the safe area")

        // The ledger: each edition planned for its own recipient; deliver refuses anyone else.
        let refused = try provoke(["deliver", jane, "--to", "zoe@icb.example", "--ledger", "l.sqlite"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("Dr Jane Example <jane@icb.example>") && refused.err.contains("not of zoe@icb.example"), refused.err)
        XCTAssertEqual(try provoke(["deliver", jane, "--to", "jane@icb.example", "--status", "sent", "--ledger", "l.sqlite"]).status, 0)
        let pending = try provoke(["pending", "eds/for-icbs", "--format", "csv", "--ledger", "l.sqlite"])
        XCTAssertFalse(pending.out.contains("jane@icb.example"), "Jane holds her own edition: \(pending.out)")
        XCTAssertTrue(pending.out.contains("zoe@icb.example") && pending.out.contains("party@icb.example"), pending.out)

        // Trace: a copy re-muxed without its tags (new bytes, same packets), and the code read off the card.
        XCTAssertEqual(try tool("/usr/bin/ffmpeg", ["-v", "error", "-i", jane, "-c", "copy", "-map_metadata", "-1", "forwarded.mp4"]).status, 0)
        XCTAssertNotEqual(try sha("forwarded.mp4"), try sha(jane))
        XCTAssertNil(try ffprobeTags("forwarded.mp4")["edition"])
        let traced = try provoke(["trace", "forwarded.mp4", "--ledger", "l.sqlite"])
        XCTAssertEqual(traced.status, 0, traced.err)
        XCTAssertTrue(traced.out.contains("made for: Dr Jane Example <jane@icb.example> (Chair, NHS Example ICB)"), traced.out)
        XCTAssertTrue(traced.out.contains("found by: its video packets") && traced.out.contains("<- this copy"), traced.out)
        XCTAssertTrue(traced.out.contains("sent by email to jane@icb.example, version 1"), traced.out)
        let byTag = try provoke(["trace", zoe, "--ledger", "l.sqlite"])
        XCTAssertTrue(byTag.out.contains("<zoe@icb.example>") && byTag.out.contains("found by: the file's bytes"), byTag.out)
        let byCode = try provoke(["trace", code.lowercased().replacingOccurrences(of: "-", with: ""), "--ledger", "l.sqlite"])
        XCTAssertEqual(byCode.status, 0, byCode.err)
        XCTAssertTrue(byCode.out.contains("<jane@icb.example>") && byCode.out.contains("found by: the edition code"), byCode.out)
        XCTAssertEqual(try provoke(["trace", "ZZZZ-ZZZZ", "--ledger", "l.sqlite"]).status, 1)

        // A contact added later: their edition alone is made (its two cards), the others are left as they are.
        let before = try names.map { try sha("out/for-icbs/" + $0) }
        try write("name,email,organisation,role,audience\nAnn Later,ann@icb.example,,Lead,icb\n", "later.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "later.csv", "--ledger", "l.sqlite"]).status, 0)
        let missing = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"])
        XCTAssertEqual(missing.status, 1, "Ann has no organisation, which her card shows")
        XCTAssertTrue(missing.err.contains("contact ann@icb.example has no organisation, which card \"for-you\" shows"), missing.err)
        XCTAssertTrue(missing.out.contains("rendered 0 of 3 editions (3 unchanged); 0 pieces"), missing.out)
        try write("name,email,organisation,role,audience\nAnn Later,ann@icb.example,Later ICB,Lead,icb\n", "later.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "later.csv", "--ledger", "l.sqlite"]).status, 0)
        let later = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"])
        XCTAssertEqual(later.status, 0, later.err)
        XCTAssertTrue(later.out.contains("rendered 1 of 4 editions (3 unchanged); 2 pieces and sound tracks encoded, 1 pieces from the cache"), later.out)
        XCTAssertEqual(try names.map { try sha("out/for-icbs/" + $0) }, before)
        // An edit that touches one contact's card makes a new version of that edition alone.
        try write("name,email,organisation,role,audience\nDr Jane Example,jane@icb.example,NHS Other ICB,Chair,icb\n", "jane.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "jane.csv", "--ledger", "l.sqlite"]).status, 0)
        let edited = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite", "--to", "jane@icb.example", "zoe@icb.example"])
        XCTAssertEqual(edited.status, 0, edited.err)
        XCTAssertTrue(edited.out.contains("rendered 1 of 2 editions (1 unchanged); 1 pieces and sound tracks encoded"), edited.out)
        XCTAssertNotEqual(try sha(jane), before[0])
        XCTAssertEqual(try ffprobeTags(jane)["edition"], code, "a new version keeps its edition's code")
        let versions = try provoke(["trace", jane, "--ledger", "l.sqlite"])
        XCTAssertTrue(versions.out.contains("version 2 of 2"), versions.out)
        // --to someone who gets no edition of what is rendered: nothing is made.
        XCTAssertEqual(try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite", "--to", "gus@gov.example"]).status, 1)
    }

    func ffprobeTags(_ file: String) throws -> [String: String] {
        let data = try tool("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_entries", "format_tags", file]).out
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (json?["format"] as? [String: Any])?["tags"] as? [String: String] ?? [:]
    }
}

extension CLITests {
    /// Two personalised outputs: `--to` makes a contact's edition of each; a listed address that is no contact
    /// is named and the other editions are still made; a listed contact of another audience receives their own
    /// edition without --allow-mismatch; `deliver project/output` gives each contact their own edition.
    func testEditionsOfTwoOutputsForListedAndUnknownContactsAndDeliveringEachTheirOwn() throws {
        try editionsProject()
        var manifest = try String(contentsOf: dir.appendingPathComponent("manifest.json"), encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: #"{"id": "plain","#, with: """
            {"id": "second", "audience": "icb", "title": "Second", "captions": "none", "sequence": ["for-you", "close"],
                      "personalise": {"card": "for-you", "contacts": ["jane@icb.example", "gus@gov.example", "gone@icb.example"]}},
                     {"id": "plain",
            """)
        try write(manifest, "manifest.json")
        let ledger = ["--ledger", "l.sqlite"]

        let jane = try provoke(["render", "manifest.json", "--personal", "--to", "JANE@icb.example"] + ledger)
        XCTAssertEqual(jane.status, 0, jane.err)
        XCTAssertEqual(files("out/for-icbs").filter { $0.hasSuffix(".mp4") }, ["dr-jane-example.mp4"])
        XCTAssertEqual(files("out/second").filter { $0.hasSuffix(".mp4") }, ["dr-jane-example.mp4"], "her edition of each output")

        let all = try provoke(["render", "manifest.json", "--personal"] + ledger)
        XCTAssertEqual(all.status, 1, "one listed address is no contact")
        XCTAssertTrue(all.err.contains("second: gone@icb.example, listed in its personalise contacts, is not a contact in the ledger"), all.err)
        XCTAssertEqual(files("out/second").filter { $0.hasSuffix(".mp4") }, ["dr-jane-example.mp4", "gus-gov.mp4"])
        XCTAssertEqual(files("out/for-icbs").filter { $0.hasSuffix(".mp4") }.count, 3, "the other output's editions are made")

        let gus = try provoke(["deliver", "out/second/gus-gov.mp4", "--to", "gus@gov.example", "--status", "sent"] + ledger)
        XCTAssertEqual(gus.status, 0, "his own edition, though he is not of its audience: \(gus.err)")
        let each = try provoke(["deliver", "eds/for-icbs", "--audience", "icb", "--status", "sent"] + ledger)
        XCTAssertEqual(each.status, 0, each.err)
        XCTAssertTrue(each.out.contains("eds/for-icbs (icb, personal editions): 0 added, 3 updated"), "planned became sent: \(each.out)")
        XCTAssertTrue(each.out.contains("updated jane@icb.example: sent by email on") && each.out.contains("[own edition dr-jane-example.mp4,"), each.out)
        let pending = try provoke(["pending", "eds/for-icbs"] + ledger)
        XCTAssertTrue(pending.out.hasPrefix("eds/for-icbs (icb), 3 personal editions, each contact's own newest version: 0 pending"), pending.out)
        let second = try provoke(["pending", "eds/second", "--format", "csv"] + ledger)
        XCTAssertTrue(second.out.contains("jane@icb.example") && !second.out.contains("zoe@icb.example"),
                      "the output's recipients, not its whole audience: \(second.out)")

        let nobody = try provoke(["render", "manifest.json", "--personal", "--to", "nobody@x.org"] + ledger)
        XCTAssertEqual(nobody.status, 1)
        XCTAssertTrue(nobody.err.contains("no edition is made for nobody@x.org: not a contact in the ledger"), nobody.err)
        try write(#"{"provoke": 1, "project": {"id": "p", "title": "P"}, "sources": [{"id": "a", "file": "a.mp4"}], "#
                  + #""clips": [{"id": "talk", "source": "a", "in": 0, "out": 1}], "#
                  + #""outputs": [{"id": "o", "audience": "icb", "title": "O", "captions": "none", "sequence": ["talk"]}]}"#,
                  "unpersonal.json")
        let none = try provoke(["render", "unpersonal.json", "--personal"] + ledger)
        XCTAssertEqual(none.status, 2, none.err)
        XCTAssertTrue(none.err.contains("no output here is personalised"), none.err)
        // Zoë leaves: her file stays, and the next render says it is no edition now.
        XCTAssertEqual(try provoke(["contacts", "remove", "zoe@icb.example"] + ledger).status, 0)
        let after = try provoke(["render", "manifest.json", "--personal"] + ledger)
        XCTAssertTrue(after.out.contains("zoe-role-b1-an8-o-neil-script-drop-table-contacts.mp4 is no longer an edition"), after.out)
        XCTAssertFalse(after.out.contains("dr-jane-example.mp4 is no longer"), after.out)
        try write("not a video", "note.txt")
        let traced = try provoke(["trace", "note.txt"] + ledger)
        XCTAssertEqual(traced.status, 1)
        XCTAssertEqual(traced.err.components(separatedBy: "note.txt").count, 2, "the file named once: \(traced.err)")
    }
}

extension CLITests {
    /// `still --to` shows a contact's edition as `render --personal` will make it (name and code), reading the
    /// ledger without writing to it; without `--to` the placeholders are shown as written, with a note.
    func testStillShowsAContactsEditionBeforeItIsRenderedAndRecordsNothing() throws {
        try editionsProject()
        let ledgerBefore = try sha("l.sqlite")
        func still(_ at: String, _ png: String, _ extra: [String]) throws -> Run {
            try provoke(["still", "manifest.json", "--output", "for-icbs", "--at", at, "-o", png] + extra)
        }
        let janeArgs = ["--to", "jane@icb.example", "--ledger", "l.sqlite"]
        for (at, png) in [("1.5", "jane-card.png"), ("5.5", "jane-end.png")] {
            let look = try still(at, png, janeArgs)
            XCTAssertEqual(look.status, 0, look.err)
            XCTAssertFalse(look.err.contains("note:"), "Jane is a recipient; her card is filled in: \(look.err)")
        }
        let asWritten = try still("1.5", "as-written.png", [])
        XCTAssertEqual(asWritten.status, 0, asWritten.err)
        XCTAssertTrue(asWritten.err.contains("its card is shown with the placeholders as written"), asWritten.err)
        XCTAssertEqual(try sha("l.sqlite"), ledgerBefore, "looking records no edition")

        let render = try provoke(["render", "manifest.json", "--personal", "--to", "jane@icb.example", "--ledger", "l.sqlite"])
        XCTAssertEqual(render.status, 0, render.err)
        let jane = "out/for-icbs/dr-jane-example.mp4"
        // The still and the encoded frame differ by coding noise only: a few pixels, against thousands of text.
        let card = difference(try grey("jane-card.png", at: 0), try grey(jane, at: 1.5))
        XCTAssertLessThan(card.count, 200, "the card with Jane's name, as rendered")
        let end = difference(try grey("jane-end.png", at: 0), try grey(jane, at: 5.5))
        XCTAssertLessThan(end.count, 200, "the end card with Jane's code, as rendered")
        XCTAssertGreaterThan(difference(try grey("as-written.png", at: 0), try grey(jane, at: 1.5)).count, 2000,
                             "{name} as written is not Jane's name")

        let notPersonal = try provoke(["still", "manifest.json", "--output", "plain", "--at", "0.5"] + janeArgs)
        XCTAssertEqual(notPersonal.status, 2)
        XCTAssertTrue(notPersonal.err.contains(#"output "plain" is not personalised"#), notPersonal.err)
        // Someone outside the output's recipients may be looked at, with a note that no edition is made for them.
        let outsider = try still("1.5", "gus.png", ["--to", "gus@gov.example", "--ledger", "l.sqlite"])
        XCTAssertEqual(outsider.status, 0, outsider.err)
        XCTAssertTrue(outsider.err.contains("gus@gov.example is not one of \"for-icbs\"'s recipients"), outsider.err)
        XCTAssertFalse(asWritten.err.contains("recipients"), asWritten.err)
        let unknown = try still("1.5", "nobody.png", ["--to", "nobody@x.org", "--ledger", "l.sqlite"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("unknown contact: nobody@x.org"), unknown.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("nobody.png").path))
    }

    /// The editions of an output go into the ledger in one transaction: a process killed outright after the first
    /// edition's version was written (SIGKILL from inside SQLite's own `sqlite3_step`, interposed with LD_PRELOAD,
    /// just before the second edition's planned delivery is inserted) leaves none of them; the next render records
    /// all three. (The editions' names and codes were reserved, committed, before rendering.)
    func testKillInTheMiddleOfRecordingEditionsLeavesNoneAndTheNextRunRecordsAll() throws {
        try editionsProject()
        try write("""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <signal.h>
        #include <string.h>
        typedef struct sqlite3_stmt sqlite3_stmt;
        extern const char *sqlite3_sql(sqlite3_stmt *);
        int sqlite3_step(sqlite3_stmt *statement) {
            static int (*real)(sqlite3_stmt *);
            static int planned;
            if (!real) real = (int (*)(sqlite3_stmt *))dlsym(RTLD_NEXT, "sqlite3_step");
            const char *sql = sqlite3_sql(statement);
            if (sql && strstr(sql, "INSERT INTO deliveries") && ++planned == 2) raise(SIGKILL);
            return real(statement);
        }
        """, "kill-on-second-planned.c")
        let cc = try tool("/usr/bin/cc", ["-shared", "-fPIC", "-o", "kill-on-second-planned.so", "kill-on-second-planned.c", "-ldl"])
        XCTAssertEqual(cc.status, 0, "cc could not build the fault injector: \(cc.err)")

        let preload = ["LD_PRELOAD": dir.appendingPathComponent("kill-on-second-planned.so").path]
        let killed = try provokeRun(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"], environment: preload).run
        XCTAssertEqual(killed.status, SIGKILL, "killed in the middle of the transaction: \(killed.err)")
        let before = try provoke(["deliveries", "--ledger", "l.sqlite", "--format", "csv"])
        XCTAssertEqual(before.status, 0, before.err)
        XCTAssertFalse(before.out.contains("for-icbs"), "no edition's row survived the kill:\n\(before.out)")
        let jane = "out/for-icbs/dr-jane-example.mp4"
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(jane).path),
                      "the editions landed before the ledger was written")
        // The file is found through its edition tag (its edition was reserved), with no version registered.
        let traced = try provoke(["trace", jane, "--ledger", "l.sqlite"])
        XCTAssertEqual(traced.status, 0, traced.err)
        XCTAssertTrue(traced.out.contains("found by: its edition tag") && traced.out.contains("versions: none registered yet"), traced.out)

        let again = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"])
        XCTAssertEqual(again.status, 0, again.err)
        let after = try provoke(["deliveries", "--ledger", "l.sqlite", "--format", "csv"])
        let rows = after.out.split(whereSeparator: \.isNewline).filter { $0.contains("for-icbs") }  // CSV lines end in CRLF
        XCTAssertEqual(rows.count, 3, "all three editions recorded, each planned for its recipient:\n\(after.out)")
        for email in ["jane@icb.example", "zoe@icb.example", "party@icb.example"] {
            XCTAssertTrue(rows.contains { $0.contains(email) && $0.contains("planned") }, "\(email):\n\(after.out)")
        }
        XCTAssertEqual(try provoke(["trace", jane, "--ledger", "l.sqlite"]).status, 0)
    }
}

extension CLITests {
    /// `cache prune` keeps what `render --personal` would use: every edition's own cards, found through the
    /// ledger's contacts; without a ledger only the shared entries stay, and it says so.
    func testCachePruneKeepsTheEditionsCardsWhenItHasTheLedger() throws {
        try editionsProject()
        let first = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"])
        XCTAssertEqual(first.status, 0, first.err)
        let kept = try provoke(["cache", "prune", "manifest.json", "--ledger", "l.sqlite"])
        XCTAssertEqual(kept.status, 0, kept.err)
        XCTAssertTrue(kept.out.contains("removed 0 entries"), kept.out)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("out/for-icbs"))
        let again = try provoke(["render", "manifest.json", "--personal", "--ledger", "l.sqlite"])
        XCTAssertTrue(again.out.contains("rendered 3 of 3 editions (0 unchanged); 0 pieces and sound tracks encoded"), again.out)

        let without = try provoke(["cache", "prune", "manifest.json", "--ledger", "none.sqlite"])
        XCTAssertEqual(without.status, 0, without.err)
        XCTAssertTrue(without.out.contains("none.sqlite: no ledger, so the personal editions' own cards are not kept"), without.out)
        XCTAssertTrue(without.out.contains("removed 6 entries"), "each edition's two cards:\n\(without.out)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))
    }
}
