import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is at a path. Reading a named pipe blocks until someone writes to it, and replacing a device or a pipe
/// by renaming a file over it destroys it (as root, even /dev/full), so every command asks this first.
public enum FileKind: Sendable, Equatable {
    case missing, regular, folder, namedPipe, socket, characterDevice, blockDevice, symbolicLink, other

    /// What `path` is, following symbolic links (a link to a regular file is a regular file); `.missing` when
    /// nothing is there or a link leads nowhere.
    public init(path: String) { self = FileKind.kind(path, follow: true) }

    /// What `path` itself is: a symbolic link is `.symbolicLink`, whatever it points to.
    public init(linkAt path: String) { self = FileKind.kind(path, follow: false) }

    private static func kind(_ path: String, follow: Bool) -> FileKind {
        var info = stat()
        let result = follow ? stat(path, &info) : lstat(path, &info)
        guard result == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .folder
        case S_IFIFO: return .namedPipe
        case S_IFSOCK: return .socket
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// "a named pipe", for messages: `expected a media file, found a named pipe`.
    public var phrase: String {
        switch self {
        case .missing: return "nothing"
        case .regular: return "a regular file"
        case .folder: return "a folder"
        case .namedPipe: return "a named pipe"
        case .socket: return "a socket"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .symbolicLink: return "a symbolic link"
        case .other: return "not a regular file"
        }
    }

    /// Why `folder` cannot be made, or written into, in words: the nearest part of its path that exists is not a
    /// folder (`/srv/out is a regular file, not a folder`), or is one this process may not write. Nil when
    /// nothing is in the way.
    public static func folderProblem(_ folder: URL) -> String? {
        var existing = folder.standardizedFileURL
        while FileKind(path: existing.path) == .missing && existing.pathComponents.count > 1 { existing.deleteLastPathComponent() }
        let kind = FileKind(path: existing.path)
        if kind != .folder { return "\(existing.path) is \(kind.phrase), not a folder" }
        if access(existing.path, W_OK) != 0 { return "cannot write in \(existing.path): \(String(cString: strerror(errno)))" }
        return nil
    }
}

/// A file provoke could not read or write, in plain words: `out/o1.json: no space left on device`.
public struct FileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The path as the caller named it.
    public var path: String
    public var message: String
    /// True when the path names the wrong kind of thing (bad input, exit 1), false for a failure while
    /// writing (exit 3).
    public var isInputProblem: Bool

    public init(path: String, _ message: String, isInputProblem: Bool = false) {
        self.path = path; self.message = message; self.isInputProblem = isInputProblem
    }

    /// `errno`'s text as a sentence part: "No space left on device" → "no space left on device".
    public init(path: String, errno code: Int32, doing what: String? = nil) {
        var text = String(cString: strerror(code))
        if let first = text.first, text.dropFirst().first?.isLowercase ?? true {
            text = first.lowercased() + text.dropFirst()
        }
        self.init(path: path, what.map { "\($0): \(text)" } ?? text)
    }

    public var description: String { "\(path): \(message)" }
}

public enum InputFiles {
    /// Refuses anything at `path` but a regular file (symbolic links followed), before anything opens it: a
    /// named pipe would block the reader forever, a device would be read without end. Missing files are the
    /// caller's to report (they have their own message), so they pass.
    public static func requireRegularIfPresent(_ path: String) throws(FileError) {
        let kind = FileKind(path: path)
        guard kind == .regular || kind == .missing else {
            throw FileError(path: path, "is \(kind.phrase), not a regular file", isInputProblem: true)
        }
    }

    /// Like `requireRegularIfPresent`, and a missing file is refused too.
    public static func requireRegular(_ path: String) throws(FileError) {
        guard FileKind(path: path) != .missing else {
            throw FileError(path: path, "file not found", isInputProblem: true)
        }
        try requireRegularIfPresent(path)
    }
}
