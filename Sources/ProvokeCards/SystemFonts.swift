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
        if let directory, let config = FontconfigConfig.empty(), config.addDirectory(directory) {
            return config.families().contains { $0.lowercased() == wanted }
        }
        return false
    }

    public func families(inFile url: URL) -> [String]? {
        guard let config = FontconfigConfig.empty(), config.addFile(url) else { return nil }
        let families = config.families()
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

    /// A configuration with no fonts, to which files or folders are added.
    static func empty() -> FontconfigConfig? { FcConfigCreate().map(FontconfigConfig.init) }

    /// Adds the font files under `directory` (recursively); false when fontconfig cannot scan it.
    func addDirectory(_ directory: URL) -> Bool {
        directory.withUnsafeFileSystemRepresentation { path in
            path.map { $0.withMemoryRebound(to: FcChar8.self, capacity: 1) { FcConfigAppFontAddDir(pointer, $0) } != 0 } ?? false
        }
    }

    /// Adds one font file; false when it is not a font fontconfig can read.
    func addFile(_ file: URL) -> Bool {
        file.withUnsafeFileSystemRepresentation { path in
            path.map { $0.withMemoryRebound(to: FcChar8.self, capacity: 1) { FcConfigAppFontAddFile(pointer, $0) } != 0 } ?? false
        }
    }

    /// Every family name of every font, each once, in the order fontconfig lists them.
    func families() -> [String] {
        guard let list = FontconfigFontSet(listing: self) else { return [] }
        var seen = Set<String>(), names: [String] = []
        for font in list.patterns {
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

/// Owns an `FcFontSet` listed from a configuration (with the pattern and object set the listing needed).
final class FontconfigFontSet {
    let pointer: UnsafeMutablePointer<FcFontSet>
    /// Keeps the patterns' owner alive while they are read.
    let config: FontconfigConfig

    init?(listing config: FontconfigConfig) {
        guard let pattern = FcPatternCreate() else { return nil }
        defer { FcPatternDestroy(pattern) }
        guard let objects = FcObjectSetCreate() else { return nil }
        defer { FcObjectSetDestroy(objects) }
        guard FcObjectSetAdd(objects, FC_FAMILY) != 0, let set = FcFontList(config.pointer, pattern, objects) else { return nil }
        self.pointer = set
        self.config = config
    }

    deinit { FcFontSetDestroy(pointer) }

    var patterns: [OpaquePointer] {
        (0..<Int(pointer.pointee.nfont)).compactMap { pointer.pointee.fonts[$0] }
    }
}
