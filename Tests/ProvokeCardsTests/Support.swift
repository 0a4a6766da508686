import Foundation
import ProvokeCaptions
import ProvokeManifest
import ProvokeTimeline
import XCTest
@testable import ProvokeCards

/// A card segment starting at output frame 30 (1 s in), so script times are checked as output times.
let testFrames = FrameRange(start: 30, count: 180)
let testFormat = OutputFormat()

func card(_ template: CardTemplate, text: String? = nil, attribution: String? = nil, points: [String] = [],
          value: String? = nil, label: String? = nil, url: String? = nil, event: String? = nil, date: String? = nil,
          style: CardStyle = CardStyle()) -> CardContent {
    CardContent(card: "test-\(template.rawValue)", template: template, text: text, attribution: attribution,
                points: points, value: value, label: label, url: url, event: event, date: date, style: style)
}

/// Output milliseconds of a card-relative instant.
func outputMs(_ relative: Int, frames: FrameRange = testFrames, format: OutputFormat = testFormat) -> Int64 {
    Int64(frames.start) * 1000 / Int64(format.fps) + Int64(relative)
}

/// The card's length in ms.
func durationMs(_ frames: FrameRange = testFrames, format: OutputFormat = testFormat) -> Int {
    frames.count * 1000 / format.fps
}

/// The instant the tests call the hold: 70% through, after every intro and before the fade out.
func holdMs(_ frames: FrameRange = testFrames, format: OutputFormat = testFormat) -> Int64 {
    outputMs(durationMs(frames, format: format) * 7 / 10, frames: frames, format: format)
}

/// Writes the frame as /tmp/provoke-cards/<name>.ppm when PROVOKE_CARD_PREVIEWS is set (to look at cards).
func savePreview(_ frame: InkFrame, _ name: String) {
    guard ProcessInfo.processInfo.environment["PROVOKE_CARD_PREVIEWS"] != nil else { return }
    let folder = URL(fileURLWithPath: "/tmp/provoke-cards")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try? frame.ppm().write(to: folder.appendingPathComponent(name + ".ppm"))
}

/// Renders a scene's script with libass (one renderer for many instants).
func rasterizer(_ scene: CardScene, format: OutputFormat = testFormat) throws -> CardRasterizer {
    try CardRasterizer(script: scene.script, width: format.width, height: format.height,
                       fontsDirectory: scene.fontsDirectory, background: scene.background)
}

/// Every drawn pixel at every other frame of the card lies inside the title-safe area (and outside the logo box);
/// returns the union of the ink.
@discardableResult
func assertInkInsideSafeArea(_ scene: CardScene, frames: FrameRange = testFrames, format: OutputFormat = testFormat,
                             _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> PixelRect? {
    let safe = CardLayout.titleSafe(width: format.width, height: format.height)
    let r = try rasterizer(scene, format: format)
    var all: PixelRect?
    for frame in stride(from: frames.start, to: frames.end, by: 2) + [frames.end - 1] {
        let ms = Int64(frame) * 1000 / Int64(format.fps)
        guard let ink = r.inkBounds(atMilliseconds: ms) else { continue }
        XCTAssertTrue(safe.contains(ink), "\(message) ink \(ink) leaves the safe area \(safe) at frame \(frame)", file: file, line: line)
        if let logo = scene.logoBox {
            XCTAssertFalse(logo.intersects(ink), "\(message) ink \(ink) covers the logo box \(logo) at frame \(frame)", file: file, line: line)
        }
        all = all.map { $0.union(ink) } ?? ink
    }
    return all
}
