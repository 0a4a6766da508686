import Foundation
import ProvokeManifest
import XCTest
@testable import ProvokeCards

/// Against the real fontconfig (fonts-dejavu-core is installed where tests run).
final class SystemFontsTests: XCTestCase {
    let fonts = SystemFonts()

    func testFindsAnInstalledFamilyCaseInsensitively() {
        XCTAssertTrue(fonts.hasFamily("DejaVu Sans", orIn: nil))
        XCTAssertTrue(fonts.hasFamily("dejavu sans", orIn: nil))
    }

    func testRejectsAnUnknownFamilyAndNearMisses() {
        XCTAssertFalse(fonts.hasFamily("No Such Font 123", orIn: nil))
        XCTAssertFalse(fonts.hasFamily("DejaVu", orIn: nil), "exact family, not a prefix")
        XCTAssertFalse(fonts.hasFamily("", orIn: nil))
    }

    func testReadsTheFamilyOfAFontFile() {
        XCTAssertEqual(fonts.families(inFile: URL(fileURLWithPath: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")), ["DejaVu Sans"])
        XCTAssertNil(fonts.families(inFile: URL(fileURLWithPath: "/etc/hostname")))
        XCTAssertNil(fonts.families(inFile: URL(fileURLWithPath: "/nonexistent/font.ttf")))
    }

    func testFindsAFamilyInAProjectFontsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: URL(fileURLWithPath: "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
                                         to: folder.appendingPathComponent("Brand.ttf"))
        XCTAssertTrue(fonts.hasFamily("DejaVu Sans Mono", orIn: folder))
        XCTAssertFalse(fonts.hasFamily("No Such Font 123", orIn: folder))
        // An empty folder holds nothing.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertFalse(fonts.hasFamily("No Such Font 123", orIn: empty))
    }

    func testCardsDrawWithAFontFromTheFontsFolder() throws {
        // libass loads fonts from the scene's fonts directory (the `ass` filter's fontsdir does the same).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: URL(fileURLWithPath: "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
                                         to: folder.appendingPathComponent("Brand.ttf"))
        let style = CardStyle(font: "DejaVu Sans Mono", fontsDirectory: folder)
        let mono = try CardLayout.scene(for: card(.statement, text: "iiiiiiii", style: style), frames: testFrames, format: testFormat)
        XCTAssertEqual(mono.fontsDirectory, folder)
        let sans = try CardLayout.scene(for: card(.statement, text: "iiiiiiii"), frames: testFrames, format: testFormat)
        // Monospaced i's are much wider than proportional ones.
        let monoWidth = try XCTUnwrap(try rasterizer(mono).inkBounds(atMilliseconds: holdMs())).width
        let sansWidth = try XCTUnwrap(try rasterizer(sans).inkBounds(atMilliseconds: holdMs())).width
        XCTAssertGreaterThan(monoWidth, sansWidth + 50)
    }
}
