import Foundation
import ProvokeManifest
import ProvokeTimeline
import XCTest
@testable import ProvokeCards

/// Saves each template at a few instants (set PROVOKE_CARD_PREVIEWS=1), and checks each lays out at all.
final class PreviewTests: XCTestCase {
    func testPreviews() throws {
        let logo = ManifestFile(written: "assets/logo.png", url: URL(fileURLWithPath: "/nonexistent/logo.png"))
        let cards: [(String, CardContent)] = [
            ("title", card(.title, text: "Increasing access is harmful to health", event: "Provocation event, Royal College of GPs", date: "1 May 2026")),
            ("statement", card(.statement, text: "Every extra appointment offered without continuity makes the next one harder to get.")),
            ("quote", card(.quote, text: "We measured access and lost sight of the relationship that makes care work.", attribution: "Dr A. Example, GP partner")),
            ("points", card(.points, text: "What we propose", points: ["Fund continuity, not throughput", "Measure relationships as well as waits", "Protect time for complex patients", "Let practices choose their own targets"])),
            ("stat", card(.stat, value: "62%", label: "of patients prefer to wait to see their own GP")),
            ("end", card(.end, text: "Join the conversation", url: "provoke.example.org/access")),
            ("end-logo", card(.end, text: "Join the conversation", url: "provoke.example.org/access", style: CardStyle(logo: logo))),
            ("long-statement", card(.statement, text: String(String(repeating: "Continuity of care saves lives, and access targets that ignore it do harm. ", count: 14).prefix(1000)))),
            ("long-points", card(.points, text: "Six things", points: (1...6).map { "Point \($0): practices that know their patients prevent admissions, and that is worth measuring" })),
            ("word", card(.statement, text: String(repeating: "Gwasanaeth", count: 8))),
            ("arabic", card(.quote, text: "الرعاية المستمرة تنقذ الأرواح — Gŵyl y Gwanwyn ŷ", attribution: "د. مثال")),
            ("hostile", card(.title, text: #"{\an8}{\p1}m 0 0 l 100 0 \N '); DROP TABLE"#, event: "</script> %{x}", date: "🎉 emoji")),
        ]
        for (name, content) in cards {
            let scene = try CardLayout.scene(for: content, frames: testFrames, format: testFormat)
            for (label, t) in [("a", outputMs(100)), ("b", outputMs(500)), ("c", outputMs(1500)), ("hold", holdMs())] {
                let frame = try scene.inkFrame(atMilliseconds: t, format: testFormat)
                if label == "hold" {
                    var f = frame
                    if let box = scene.logoBox { drawBox(&f, box) }
                    savePreview(f, "\(name)-\(label)")
                } else {
                    savePreview(frame, "\(name)-\(label)")
                }
            }
            if ProcessInfo.processInfo.environment["PROVOKE_CARD_PREVIEWS"] != nil {
                // The script too, to compare with FFmpeg's `ass` filter.
                try? scene.script.write(toFile: "/tmp/provoke-cards/\(name).ass", atomically: true, encoding: .utf8)
            }
        }
    }

    private func drawBox(_ f: inout InkFrame, _ box: PixelRect) {
        for x in box.x..<box.maxX { for y in [box.y, box.maxY - 1] { let p = 3 * (y * f.width + x); f.rgb[p] = 255; f.rgb[p + 1] = 0; f.rgb[p + 2] = 0 } }
        for y in box.y..<box.maxY { for x in [box.x, box.maxX - 1] { let p = 3 * (y * f.width + x); f.rgb[p] = 255; f.rgb[p + 1] = 0; f.rgb[p + 2] = 0 } }
    }
}
