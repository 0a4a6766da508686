import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Files that appear under their final names together or not at all: a render's MP4, its caption sidecars
/// and its JSON record, or one exported CSV.
///
/// Each file is written under a temporary name in its destination's folder (`.NAME.partial-PID-N`), so the
/// rename into place cannot cross file systems. `commit()` flushes every file to disk and renames them in the
/// order they were staged (a render stages its record last, so a record never names a missing MP4); if a
/// rename fails, the files already renamed are put back as they were. Until then, or if the owner gives up
/// (`discard()`, deinit, or a signal: see `Interruption`), the temporary files are removed.
///
/// What is at a destination decides what happens: a new name or a regular file is replaced whole; a symbolic
/// link is followed, and the file it points to is replaced (the link stays); a dangling link, a folder, a
/// device, a named pipe or a socket is refused, never renamed over. Commands that can stream into a device or
/// a pipe use `FileOutput.write`.
public final class StagedFiles {
    private struct Entry {
        /// The path as the caller named it, for messages.
        var shown: String
        /// Where the file goes: `shown` with a final symbolic link resolved.
        var destination: String
        var temporary: String
        /// A hard link to the file that was at `destination`, kept until the commit is complete.
        var previous: String?
    }

    private var entries: [Entry] = []
    private var committed = false

    public init() {}

    deinit { discard() }

    /// The temporary file to write `path` to; it becomes `path` at `commit()`. Throws (and stages nothing) when
    /// `path` names something that must not be replaced.
    public func stage(_ path: String) throws(FileError) -> String {
        precondition(!committed, "StagedFiles.stage after commit")
        let destination = try Self.replaceableDestination(path)
        let temporary = TemporaryFiles.name(beside: destination)
        TemporaryFiles.register(temporary)
        entries.append(Entry(shown: path, destination: destination, temporary: temporary))
        return temporary
    }

    /// Stages `path` and writes `bytes` to its temporary file.
    public func write(_ bytes: Data, to path: String) throws(FileError) {
        try write(bytes, toStaged: try stage(path))
    }

    /// Writes `bytes` to a temporary file `stage` returned earlier (a caller that checks every destination
    /// before long work, and writes the small files at the end).
    public func write(_ bytes: Data, toStaged temporary: String) throws(FileError) {
        guard let entry = entries.first(where: { $0.temporary == temporary }) else {
            preconditionFailure("StagedFiles.write(toStaged:) with a name it did not stage")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: entry.shown, errno: errno) }
        defer { close(fd) }
        if let name = ProcessInfo.processInfo.environment[Self.injectedFullDiskVariable],
           !name.isEmpty, (entry.shown as NSString).lastPathComponent == name {
            throw FileError(path: entry.shown, errno: ENOSPC)
        }
        try FileOutput.writeAll(bytes, to: fd, shownAs: entry.shown)
    }

    /// Tests only: writing the staged file of this name fails as on a full disk (ENOSPC). For machines where a
    /// test may not mount a small tmpfs to fill for real.
    public static let injectedFullDiskVariable = "PROVOKE_TEST_FULL_DISK_AT"

    /// Flushes every staged file to disk and renames each into place, in staging order. On failure, files
    /// already renamed are put back (the earlier file restored, or the new one removed) and nothing is left
    /// under a temporary name.
    public func commit() throws(FileError) {
        precondition(!committed, "StagedFiles.commit called twice")
        // A full disk often shows only at fsync (delayed allocation), so every file is flushed before any is
        // renamed.
        for entry in entries {
            let fd = open(entry.temporary, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileError(path: entry.shown, errno: errno) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw FileError(path: entry.shown, errno: errno) }
        }
        var done: [Int] = []
        for index in entries.indices {
            let entry = entries[index]
            if FileKind(path: entry.destination) == .regular {
                let previous = TemporaryFiles.name(beside: entry.destination)
                TemporaryFiles.register(previous)
                if link(entry.destination, previous) == 0 { entries[index].previous = previous }
            }
            guard rename(entry.temporary, entry.destination) == 0 else {
                let failure = FileError(path: entry.shown, errno: errno)
                for renamed in done.reversed() { putBack(entries[renamed]) }
                throw failure
            }
            done.append(index)
        }
        committed = true
        var folders = Set<String>()
        for entry in entries {
            if let previous = entry.previous { unlink(previous) }
            TemporaryFiles.unregister(entry.temporary)
            if let previous = entry.previous { TemporaryFiles.unregister(previous) }
            folders.insert((entry.destination as NSString).deletingLastPathComponent)
        }
        // The renames are durable only once their folders are synced; failing that is not worth an error.
        for folder in folders {
            let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        }
    }

    /// Removes every temporary file; nothing appears. Does nothing after a commit.
    public func discard() {
        guard !committed else { return }
        for entry in entries {
            unlink(entry.temporary)
            TemporaryFiles.unregister(entry.temporary)
            if let previous = entry.previous { unlink(previous); TemporaryFiles.unregister(previous) }
        }
        entries = []
    }

    private func putBack(_ entry: Entry) {
        if let previous = entry.previous {
            rename(previous, entry.destination)
        } else {
            unlink(entry.destination)
        }
    }

    /// The file to replace for `path`: `path` itself when it is new or a regular file, the file a symbolic link
    /// points to when it is one; an error for anything else.
    static func replaceableDestination(_ path: String) throws(FileError) -> String {
        switch FileKind(path: path) {
        case .missing:
            if FileKind(linkAt: path) == .symbolicLink {
                throw FileError(path: path, "is a symbolic link to a missing file; provoke writes through links only"
                                + " to files that exist", isInputProblem: true)
            }
            return path
        case .regular:
            guard FileKind(linkAt: path) == .symbolicLink else { return path }
            guard let resolved = realpath(path, nil) else { throw FileError(path: path, errno: errno) }
            defer { free(resolved) }
            return String(cString: resolved)
        case let kind:
            throw FileError(path: path, "is \(kind.phrase); provoke replaces only regular files here, and never"
                            + " renames a file over anything else", isInputProblem: true)
        }
    }
}

/// One output file of a command (`still -o`, `storyboard -o`, `export deliveries`).
public enum FileOutput {
    /// Writes `bytes` to `path`. A new name or a regular file (directly or through a symbolic link) is replaced
    /// whole, by `StagedFiles`. A character device or a named pipe is written into as a stream, as a shell's
    /// `>` would (`-o /dev/stdout` works, `/dev/full` reports that it is full), and is never replaced. A folder,
    /// socket, block device or dangling link is refused.
    public static func write(_ bytes: Data, to path: String) throws(FileError) {
        switch FileKind(path: path) {
        case .characterDevice, .namedPipe:
            // No O_CREAT or O_TRUNC: the thing is there and stays what it is.
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileError(path: path, errno: errno) }
            defer { close(fd) }
            try writeAll(bytes, to: fd, shownAs: path)
        default:
            let files = StagedFiles()
            try files.write(bytes, to: path)
            try files.commit()
        }
    }

    static func writeAll(_ bytes: Data, to fd: Int32, shownAs path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[(bytes.startIndex + offset)...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, errno: errno)
            }
            offset += written
        }
    }
}

/// Names of temporary files (`.NAME.partial-PID-N-HOST`, hidden, beside the file they become) and the register a
/// signal handler empties before the process exits.
public enum TemporaryFiles {
    static let marker = ".partial-"

    /// This machine in temporary names: eight hex digits of its host name's SHA-256. A folder shared by several
    /// machines (a shard's cache on NFS, pods of one Job) holds files of processes this one cannot see.
    public static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return String(SHA256.hex(String(cString: name)).prefix(8))
    }()

    /// Another machine's temporary file is taken for abandoned only when it has not changed for this long.
    static let foreignAge: TimeInterval = 24 * 3600

    /// A fresh temporary name in `destination`'s folder: the pid and host say whose it is, so a later run can tell
    /// an abandoned one from one still being written.
    public static func name(beside destination: String) -> String {
        let url = URL(fileURLWithPath: destination)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent)\(marker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(host)")
            .path
    }

    /// Creates a scratch file in `folder` (a temporary name for `name`) holding `bytes`; it is removed by
    /// `remove(_:)`, or by the signal handler if the process is stopped first.
    public static func create(in folder: URL, for name: String, _ bytes: Data) throws(FileError) -> String {
        let path = self.name(beside: folder.appendingPathComponent(name).path)
        register(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { unregister(path); throw FileError(path: path, errno: errno) }
        defer { close(fd) }
        do {
            try FileOutput.writeAll(bytes, to: fd, shownAs: path)
        } catch {
            remove(path)
            throw error
        }
        return path
    }

    /// Removes a scratch file made by `create`.
    public static func remove(_ path: String) {
        unlink(path)
        unregister(path)
    }

    /// Removes the temporary files in `folder` left by processes that no longer run (killed, or the machine
    /// went down). Files of a process of this machine that is still running, this one included, stay; so do
    /// another machine's, unless unchanged for `foreignAge` (its process cannot be seen from here).
    @discardableResult
    public static func removeAbandoned(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let range = name.range(of: marker, options: .backwards) else { continue }
            // PID, then optionally -N, then optionally -HOST (eight hex digits).
            let parts = name[range.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
            guard let pid = pid_t(parts[0]), pid > 0, parts.count <= 3,
                  parts.dropFirst().first.map({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) ?? true,
                  parts.count < 3 || (parts[2].count == 8 && parts[2].allSatisfy(\.isHexDigit))
            else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            let mine = parts.count < 3 || parts[2] == host
            if mine {
                guard !isRunning(pid) else { continue }
            } else {
                let changed = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
                guard Date().timeIntervalSince(changed) > foreignAge else { continue }
            }
            guard FileKind(linkAt: path) == .regular, unlink(path) == 0 else { continue }
            removed.append(name)
        }
        return removed
    }

    private static func isRunning(_ pid: pid_t) -> Bool {
        pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
    }

    // MARK: The register

    /// Paths as C strings in fixed slots, so a signal handler can walk them without allocating or locking.
    /// A slot's string is never freed (a handler may be reading it); a render stages a handful per output.
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: slotCount)
        slots.initialize(repeating: nil, count: slotCount)
        return slots
    }()
    static let slotCount = 1024
    static let lock = NSLock()

    static func register(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        for i in 0..<slotCount where slots[i] == nil {
            slots[i] = strdup(path)
            return
        }
    }

    static func unregister(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        for i in 0..<slotCount {
            if let p = slots[i], strcmp(p, path) == 0 { slots[i] = nil; return }
        }
    }

    /// Async-signal-safe: only `unlink`.
    static func unlinkAllRegistered() {
        for i in 0..<slotCount {
            if let p = slots[i] { unlink(p) }
        }
    }
}
