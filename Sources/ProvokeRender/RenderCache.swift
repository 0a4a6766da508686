import Foundation
import ProvokeSystem

/// The segment cache: encoded pieces of video and whole sound tracks, each in a file named by its content key
/// (`CacheKeys`), so a piece is encoded once for every output, run and machine that needs the same pixels.
///
/// An entry is complete when its seal (`<entry>.seal`: size and SHA-256) exists and the file still matches it: the
/// size when a render plans (a truncated entry is encoded again), the hash too before an entry is joined (an
/// altered one is encoded again, never joined).
/// The media file lands by rename, then the seal by rename, so a render killed at any moment leaves either
/// nothing, an unsealed file (encoded again), or a whole entry; a truncated or altered file fails the check and
/// is encoded again. Two renders sharing the folder may both encode an entry: either's rename leaves a whole
/// file, and equal keys mean equal pixels. Any POSIX file system will do, a network one included.
public final class RenderCache: @unchecked Sendable {  // `checked` is guarded by `lock`
    public let directory: URL
    private let lock = NSLock()
    /// Entries verified in this run (the hash is read once per run).
    private var checked: Set<String> = []

    public init(directory: URL) throws {
        self.directory = directory
        for sub in Kind.allCases.map(\.rawValue) {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    /// Video pieces, whole sound tracks, and loudness measurements (of a clip's sound, keyed by its source
    /// range; of a normalised sound track, under the track's own key).
    public enum Kind: String, CaseIterable {
        case piece = "pieces", sound, measure = "loudness"
        var fileExtension: String { self == .piece ? ".mp4" : self == .sound ? ".m4a" : ".json" }
    }

    /// Where the entry for `key` lives: `pieces/ab/abcdef….mp4`, `sound/ab/abcdef….m4a`, `loudness/ab/abcdef….json`.
    public func url(_ kind: Kind, _ key: String) -> URL {
        directory.appendingPathComponent(kind.rawValue).appendingPathComponent(String(key.prefix(2)))
            .appendingPathComponent(key + kind.fileExtension)
    }

    struct Seal: Codable {
        var bytes: Int64
        var sha256: String
    }

    private func sealURL(_ url: URL) -> URL { url.appendingPathExtension("seal") }

    /// Is the entry there whole: sealed, with the seal's size (and, with `hashing`, its SHA-256)? An entry that
    /// does not match its seal is removed.
    func isComplete(_ kind: Kind, _ key: String, hashing: Bool = false) -> Bool {
        let url = url(kind, key)
        lock.lock()
        let known = checked.contains(url.path)
        lock.unlock()
        if known { return true }
        guard let data = try? Data(contentsOf: sealURL(url)), let seal = try? JSONDecoder().decode(Seal.self, from: data),
              let size = fileSize(url.path) else { return false }
        guard size == seal.bytes else {
            remove(kind, key)
            return false
        }
        guard hashing else { return true }
        guard (try? SHA256.hex(ofFileAt: url.path)) == seal.sha256 else {
            remove(kind, key)
            return false
        }
        lock.lock()
        checked.insert(url.path)
        lock.unlock()
        return true
    }

    /// Seals an entry that has just landed at `url(kind, key)`.
    func seal(_ kind: Kind, _ key: String) throws {
        let url = url(kind, key)
        guard let size = fileSize(url.path) else {
            throw RenderError(output: key, message: "\(url.path): the cache entry vanished as it was sealed", isInputProblem: false)
        }
        let seal = Seal(bytes: size, sha256: try SHA256.hex(ofFileAt: url.path))
        let bytes = try JSONEncoder().encode(seal)
        do {
            try FileOutput.write(bytes, to: sealURL(url).path)
        } catch {
            throw RenderError(output: key, message: error.description, isInputProblem: false)
        }
        lock.lock()
        checked.insert(url.path)
        lock.unlock()
    }

    /// The folder an entry is written in (made on demand).
    func prepare(_ kind: Kind, _ key: String) throws -> URL {
        let url = url(kind, key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }

    func remove(_ kind: Kind, _ key: String) {
        let url = url(kind, key)
        unlink(sealURL(url).path)
        unlink(url.path)
        lock.lock()
        checked.remove(url.path)
        lock.unlock()
    }

    /// Every entry's key, kind and size on disk (media file and seal).
    public func entries() -> [(kind: Kind, key: String, bytes: Int64)] {
        var found: [(Kind, String, Int64)] = []
        for kind in Kind.allCases {
            let root = directory.appendingPathComponent(kind.rawValue)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let relative as String in walker {
                let name = (relative as NSString).lastPathComponent
                guard !name.hasPrefix("."), name.hasSuffix(kind.fileExtension) else { continue }
                let path = root.appendingPathComponent(relative).path
                let bytes = (fileSize(path) ?? 0) + (fileSize(path + ".seal") ?? 0)
                found.append((kind, String(name.dropLast(kind.fileExtension.count)), bytes))
            }
        }
        return found
    }

    /// Removes every entry whose key is not in `keep`, and temporary files left by killed renders. Returns how
    /// many entries went and the bytes freed.
    @discardableResult
    public func prune(keeping keep: Set<String>) -> (entries: Int, bytes: Int64) {
        var removed = 0, freed: Int64 = 0
        for entry in entries() where !keep.contains(entry.key) {
            remove(entry.kind, entry.key)
            removed += 1
            freed += entry.bytes
        }
        for kind in Kind.allCases {
            let root = directory.appendingPathComponent(kind.rawValue)
            let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            for folder in folders { TemporaryFiles.removeAbandoned(in: root.appendingPathComponent(folder).path) }
        }
        return (removed, freed)
    }
}

func fileSize(_ path: String) -> Int64? {
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int64(st.st_size)
}
