// The only place ProvokeCards calls libass. Three owners (library, renderer, track) free their pointers in deinit;
// `CardRasterizer` renders a script at an output time and reports where ink landed, which is how a card is fitted
// into the title-safe area and how tests look at cards without FFmpeg.
//
// libass is not thread-safe per renderer (its caches are unlocked), so a rasterizer is used by one caller at a time;
// `CardLayout` makes one per call.
import CLibass
import Foundation
import ProvokeCaptions

/// Owns an `ASS_Library`: the fonts directory and message handling.
final class LibassLibrary {
    let pointer: OpaquePointer

    init(fontsDirectory: URL?) throws {
        guard let pointer = ass_library_init() else { throw CardError.libass(call: "ass_library_init", detail: "returned NULL") }
        self.pointer = pointer
        // libass logs font selection and warnings to stderr by default; a card's fit is checked by measuring, so
        // its chatter only adds noise to render output.
        ass_set_message_cb(pointer, { _, _, _, _ in }, nil)
        if let fontsDirectory {
            // Must come before ass_set_fonts, which is when libass loads the directory's fonts.
            fontsDirectory.withUnsafeFileSystemRepresentation { ass_set_fonts_dir(pointer, $0) }
        }
    }

    deinit { ass_library_done(pointer) }
}

/// Owns an `ASS_Renderer` for one frame size. Keeps its library alive.
final class LibassRenderer {
    let library: LibassLibrary
    let pointer: OpaquePointer
    let width: Int
    let height: Int

    /// `defaultFamily` is what libass falls back to for a family fontconfig does not have (and for missing glyphs,
    /// fontconfig's own fallback applies).
    init(library: LibassLibrary, width: Int, height: Int, defaultFamily: String = "DejaVu Sans") throws {
        guard let pointer = ass_renderer_init(library.pointer) else {
            throw CardError.libass(call: "ass_renderer_init", detail: "returned NULL")
        }
        self.library = library
        self.pointer = pointer
        self.width = width
        self.height = height
        ass_set_frame_size(pointer, Int32(width), Int32(height))
        ass_set_storage_size(pointer, Int32(width), Int32(height))
        ass_set_fonts(pointer, nil, defaultFamily, Int32(ASS_FONTPROVIDER_AUTODETECT.rawValue), nil, 1)
    }

    deinit { ass_renderer_done(pointer) }
}

/// Owns an `ASS_Track` parsed from a script. Keeps its library alive.
final class LibassTrack {
    let library: LibassLibrary
    let pointer: UnsafeMutablePointer<ASS_Track>

    init(library: LibassLibrary, script: String) throws {
        var bytes = Array(script.utf8CString)
        let track = bytes.withUnsafeMutableBufferPointer { buffer in
            ass_read_memory(library.pointer, buffer.baseAddress, buffer.count - 1, nil)
        }
        guard let track else { throw CardError.libass(call: "ass_read_memory", detail: "could not parse the card's script") }
        self.library = library
        self.pointer = track
    }

    deinit { ass_free_track(pointer) }
}

/// What libass drew at one instant: per-pixel coverage (0–255, the most opaque layer wins) and the tight box
/// around every pixel with some coverage.
struct InkFrame {
    var width: Int
    var height: Int
    /// Row-major, `width * height` values: how strongly any image covers the pixel (bitmap value × opacity / 255).
    var coverage: [UInt8]
    /// Composited colour over the background, RGB row-major (for looking at cards).
    var rgb: [UInt8]
    /// The smallest rectangle holding every pixel with coverage; nil when nothing was drawn.
    var inkBounds: PixelRect?
    /// How many separate images with ink libass produced (glyph runs, drawings).
    var imageCount: Int

    /// Rows with any ink.
    func inkRows() -> [Bool] {
        (0..<height).map { y in coverage[(y * width)..<(y * width + width)].contains { $0 != 0 } }
    }

    /// Runs of consecutive rows with ink, separated by at least `gap` blank rows: lines of text, roughly.
    func rowBands(gap: Int = 1) -> [ClosedRange<Int>] {
        var bands: [ClosedRange<Int>] = []
        var blank = 0
        for (y, inked) in inkRows().enumerated() {
            if inked {
                if let last = bands.last, blank < gap { bands[bands.count - 1] = last.lowerBound...y } else { bands.append(y...y) }
                blank = 0
            } else {
                blank += 1
            }
        }
        return bands
    }

    /// A binary PPM (P6) of the composited frame.
    func ppm() -> Data {
        var data = Data("P6\n\(width) \(height)\n255\n".utf8)
        data.append(contentsOf: rgb)
        return data
    }
}

/// Renders an ASS script with libass at chosen output times. `load` swaps the script and keeps the renderer (its
/// fonts and glyph cache), so fitting a card tries size after size cheaply.
final class CardRasterizer {
    let renderer: LibassRenderer
    private(set) var track: LibassTrack
    let background: RGBAColor

    init(script: String, width: Int, height: Int, fontsDirectory: URL?, background: RGBAColor = .black) throws {
        let library = try LibassLibrary(fontsDirectory: fontsDirectory)
        renderer = try LibassRenderer(library: library, width: width, height: height)
        track = try LibassTrack(library: library, script: script)
        self.background = background
    }

    func load(script: String) throws {
        track = try LibassTrack(library: renderer.library, script: script)
    }

    /// Only the box around the ink (cheaper than `frame(at:)`, which also composites).
    func inkBounds(atMilliseconds ms: Int64) -> PixelRect? {
        var bounds: PixelRect?
        forEachInkImage(atMilliseconds: ms) { image, _ in
            if let box = Self.tightBox(image) { bounds = bounds.map { $0.union(box) } ?? box }
        }
        return bounds
    }

    /// Everything drawn at `ms` (output milliseconds), composited over the background.
    func frame(atMilliseconds ms: Int64) -> InkFrame {
        let (w, h) = (renderer.width, renderer.height)
        var coverage = [UInt8](repeating: 0, count: w * h)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) { rgb[3 * i] = background.red; rgb[3 * i + 1] = background.green; rgb[3 * i + 2] = background.blue }
        var bounds: PixelRect?
        var count = 0
        forEachInkImage(atMilliseconds: ms) { image, opacity in
            guard let box = Self.tightBox(image) else { return }
            bounds = bounds.map { $0.union(box) } ?? box
            count += 1
            let color = image.color
            let channels = [Int(color >> 24), Int((color >> 16) & 0xFF), Int((color >> 8) & 0xFF)]
            for row in 0..<Int(image.h) {
                let y = Int(image.dst_y) + row
                guard y >= 0, y < h else { continue }
                for col in 0..<Int(image.w) {
                    let x = Int(image.dst_x) + col
                    guard x >= 0, x < w else { continue }
                    let a = Int(image.bitmap[row * Int(image.stride) + col]) * opacity / 255
                    guard a > 0 else { continue }
                    let p = y * w + x
                    coverage[p] = max(coverage[p], UInt8(a))
                    for c in 0..<3 {
                        let old = Int(rgb[3 * p + c])
                        rgb[3 * p + c] = UInt8((channels[c] * a + old * (255 - a) + 127) / 255)
                    }
                }
            }
        }
        return InkFrame(width: w, height: h, coverage: coverage, rgb: rgb, inkBounds: bounds, imageCount: count)
    }

    /// Calls `body` with each image that can leave a mark (some opacity), in libass's drawing order.
    private func forEachInkImage(atMilliseconds ms: Int64, _ body: (ASS_Image, Int) -> Void) {
        var image = ass_render_frame(renderer.pointer, track.pointer, ms, nil)
        while let current = image {
            let opacity = 255 - Int(current.pointee.color & 0xFF)  // ASS alpha: 0 opaque, 255 invisible
            if opacity > 0, current.pointee.w > 0, current.pointee.h > 0 { body(current.pointee, opacity) }
            image = current.pointee.next
        }
    }

    /// The box around the bitmap's non-zero pixels (libass pads bitmaps, so dst/w/h alone overstate the ink).
    private static func tightBox(_ image: ASS_Image) -> PixelRect? {
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        let stride = Int(image.stride)
        for row in 0..<Int(image.h) {
            let base = row * stride
            for col in 0..<Int(image.w) where image.bitmap[base + col] != 0 {
                minX = min(minX, col); maxX = max(maxX, col)
                minY = min(minY, row); maxY = max(maxY, row)
            }
        }
        guard maxX >= 0 else { return nil }
        return PixelRect(x: Int(image.dst_x) + minX, y: Int(image.dst_y) + minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }
}
