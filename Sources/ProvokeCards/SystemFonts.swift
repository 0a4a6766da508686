// The only place ProvokeCards calls fontconfig: which font families exist, for the manifest validator. A family the
// manifest names must exist, because libass would otherwise fall back to another font without a word.
import CFontconfig
import Foundation
import ProvokeManifest

/// fontconfig-backed FontLocator: exact family match, case-insensitive, among installed fonts, or among font files
/// in `directory`.
public struct SystemFonts: FontLocator {
    public init() {}

    public func hasFamily(_ family: String, orIn directory: URL?) -> Bool {
        let wanted = family.lowercased()
        guard !wanted.isEmpty else { return false }
        if let installed = FontconfigConfig.system(), installed.families().contains(where: { $0.lowercased() == wanted }) {
            return true
        }
        if let directory, let set = FontconfigFontSet(), set.addFonts(under: directory) > 0 {
            return set.families().contains { $0.lowercased() == wanted }
        }
        return false
    }

    public func families(inFile url: URL) -> [String]? {
        guard let set = FontconfigFontSet(), set.add(file: url) else { return nil }
        let families = set.families()
        return families.isEmpty ? nil : families
    }
}

/// Owns an `FcConfig`.
final class FontconfigConfig {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { FcConfigDestroy(pointer) }

    /// The system's configuration with its fonts (read from fontconfig's caches).
    static func system() -> FontconfigConfig? { FcInitLoadConfigAndFonts().map(FontconfigConfig.init) }

    /// Every family name of every installed font, each once.
    func families() -> [String] { FontconfigFontSet(listing: self)?.families() ?? [] }
}

/// Owns an `FcFontSet`: fonts listed from a configuration, or read straight from font files. Files are read with
/// FreeType (`FcFreeTypeQueryAll`) rather than added to a configuration, which would try to write a fontconfig
/// cache for their folder and complain on stderr where none is writable.
final class FontconfigFontSet {
    let pointer: UnsafeMutablePointer<FcFontSet>
    /// Keeps the listed patterns' owner alive while they are read.
    let config: FontconfigConfig?

    init?(listing config: FontconfigConfig) {
        guard let pattern = FcPatternCreate() else { return nil }
        defer { FcPatternDestroy(pattern) }
        guard let objects = FcObjectSetCreate() else { return nil }
        defer { FcObjectSetDestroy(objects) }
        guard FcObjectSetAdd(objects, FC_FAMILY) != 0, let set = FcFontList(config.pointer, pattern, objects) else { return nil }
        self.pointer = set
        self.config = config
    }

    /// An empty set, filled with `add(file:)`.
    init?() {
        guard let set = FcFontSetCreate() else { return nil }
        self.pointer = set
        self.config = nil
    }

    deinit { FcFontSetDestroy(pointer) }

    /// Adds every face of a font file; false when it is not a font FreeType can read.
    @discardableResult
    func add(file: URL) -> Bool {
        file.withUnsafeFileSystemRepresentation { path in
            guard let path else { return false }
            var count: Int32 = 0
            // id -1 (as unsigned): every face of a collection.
            let faces = path.withMemoryRebound(to: FcChar8.self, capacity: 1) {
                FcFreeTypeQueryAll($0, UInt32.max, nil, &count, pointer)
            }
            return faces > 0
        }
    }

    /// Adds the fonts of every file under `directory` (recursively); returns how many files were fonts.
    func addFonts(under directory: URL) -> Int {
        guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return 0 }
        var fonts = 0
        for case let file as URL in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            if add(file: file) { fonts += 1 }
        }
        return fonts
    }

    var patterns: [OpaquePointer] {
        (0..<Int(pointer.pointee.nfont)).compactMap { pointer.pointee.fonts[$0] }
    }

    /// Every family name of every font, each once, in the order of the set.
    func families() -> [String] {
        var seen = Set<String>(), names: [String] = []
        for font in patterns {
            var index: Int32 = 0
            var value: UnsafeMutablePointer<FcChar8>?
            while FcPatternGetString(font, FC_FAMILY, index, &value) == FcResultMatch, let value {
                let name = String(cString: value)
                if seen.insert(name).inserted { names.append(name) }
                index += 1
            }
        }
        return names
    }
}
