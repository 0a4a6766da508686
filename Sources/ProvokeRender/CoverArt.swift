import Foundation
import ProvokeSystem

/// Puts a picture into a finished MP4 as its cover art: a `covr` item in the movie's metadata list
/// (`moov/udta/meta/ilst`), which FFmpeg 5.1's demuxer reads back as a video stream with the attached_pic
/// disposition (mov.c `mov_read_covr`, also in an `mdta` list) and Finder, Explorer and mail clients show.
///
/// Why not the muxer's own attached-picture stream: FFmpeg 5.1's mov muxer writes cover art only into an iTunes
/// (`mdir`) list, and with `use_metadata_tags` (which keeps our custom keys: audience, project, output) it writes
/// an `mdta` list without it. So the item is added after the trailer, here: only the metadata grows; the media
/// bytes are moved as they are (the join's stream copy and its frame counts are untouched), and the chunk
/// offsets of a `+faststart` file, whose index precedes the media, move by the item's size.
enum CoverArt {
    /// Adds `picture` (PNG or JPEG bytes) as the cover of the MP4 at `path` (a staged temporary file: nothing shows
    /// before the group's commit), in place: the bytes after the movie box move up by the item's size, from the
    /// end backwards, so the disk needs room for the item only, not for a second copy of the file.
    static func embed(_ picture: Data, intoMP4 path: String) throws(FileError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, errno: errno) }
        let total = Int64(st.st_size)
        var boxes: [Box] = [], at: Int64 = 0
        while at + 8 <= total {
            let header = try read(fd, at: at, count: 16, path: path)
            var size = Int64(header.be32(at: 0))
            if size == 1, header.count == 16 { size = Int64(bitPattern: header.be64(at: 8)) } else if size == 0 { size = total - at }
            guard size >= 8, at + size <= total else { throw failure(path, "a box at byte \(at) runs past the end") }
            boxes.append(Box(type: fourCC(header, 4), offset: at, size: size))
            at += size
        }
        guard let moov = boxes.first(where: { $0.type == "moov" }) else { throw failure(path, "no moov box") }
        var movie = try read(fd, at: moov.offset, count: Int(moov.size), path: path)
        guard movie.count == Int(moov.size) else { throw failure(path, "the moov box is cut short") }
        try insertCover(picture, intoMovie: &movie, at: moov.offset, path: path)
        let delta = Int64(movie.count) - moov.size

        // Room first (a full disk fails here, before anything moved), then the tail moves up, last chunk first.
        let end = moov.offset + moov.size
        if ftruncate(fd, off_t(total + delta)) != 0 { throw FileError(path: path, errno: errno) }
        var chunkEnd = total
        while chunkEnd > end {
            let start = max(end, chunkEnd - (1 << 20))
            let chunk = try read(fd, at: start, count: Int(chunkEnd - start), path: path)
            try write(chunk, fd, at: start + delta, path: path)
            chunkEnd = start
        }
        try write(movie, fd, at: moov.offset, path: path)
    }

    private static func failure(_ path: String, _ message: String) -> FileError {
        FileError(path: path, "cannot add the cover picture: \(message)")
    }

    private static func read(_ fd: Int32, at offset: Int64, count: Int, path: String) throws(FileError) -> Data {
        var data = Data(count: count), done = 0
        while done < count {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 { if errno == EINTR { continue }; throw FileError(path: path, errno: errno) }
            if n == 0 { break }
            done += n
        }
        return data.prefix(done)
    }

    private static func write(_ data: Data, _ fd: Int32, at offset: Int64, path: String) throws(FileError) {
        var done = 0
        while done < data.count {
            let n = data.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, data.count - done, off_t(offset) + off_t(done)) }
            if n < 0 { if errno == EINTR { continue }; throw FileError(path: path, errno: errno) }
            done += n
        }
    }

    /// A box's place in the file: offset and whole size (header included) in bytes.
    struct Box { var type: String; var offset: Int64; var size: Int64 }

    /// Adds the `covr` item at the end of `moov/udta/meta/ilst`, grows the boxes around it, and moves every chunk
    /// offset that points past the movie box (`movieOffset` in the file) by the item's size.
    static func insertCover(_ picture: Data, intoMovie movie: inout Data, at movieOffset: Int64, path: String) throws(FileError) {
        // ilst item: [size]covr [size]data [type: 13 JPEG, 14 PNG][locale 0] bytes.
        let isPNG = picture.starts(with: [0x89, 0x50, 0x4E, 0x47])
        var item = Data()
        item.append(be32: UInt32(8 + 16 + picture.count)); item.append(contentsOf: Array("covr".utf8))
        item.append(be32: UInt32(16 + picture.count)); item.append(contentsOf: Array("data".utf8))
        item.append(be32: isPNG ? 14 : 13); item.append(be32: 0)
        item.append(picture)
        let delta = Int64(item.count)

        // The chain moov > udta > meta (a full box: 4 bytes of version and flags before its children) > ilst.
        var chain: [(offset: Int, size: Int)] = [(0, movie.count)]
        for (name, header) in [("udta", 8), ("meta", 8), ("ilst", 12)] {
            let parent = chain.last!
            guard let child = children(of: movie, from: parent.offset + header, to: parent.offset + parent.size)
                .first(where: { $0.type == name }) else {
                throw failure(path, "the movie has no \(name) box (it has no tags)")
            }
            chain.append((Int(child.offset), Int(child.size)))
        }
        // Offsets first, while the movie's layout is as read.
        try moveChunkOffsets(in: &movie, from: 8, to: movie.count, past: movieOffset, by: delta, path: path)
        for box in chain { movie.replaceBE32(at: box.offset, with: UInt32(box.size) + UInt32(delta)) }
        let ilst = chain.last!
        movie.insert(contentsOf: item, at: movie.startIndex + ilst.offset + ilst.size)
    }

    /// `stco` and `co64` entries inside `trak/mdia/minf/stbl` that point past `past` move by `delta`.
    private static func moveChunkOffsets(in movie: inout Data, from start: Int, to end: Int, past: Int64, by delta: Int64,
                                         path: String) throws(FileError) {
        for box in children(of: movie, from: start, to: end) {
            let offset = Int(box.offset), size = Int(box.size)
            switch box.type {
            case "trak", "mdia", "minf", "stbl":
                try moveChunkOffsets(in: &movie, from: offset + 8, to: offset + size, past: past, by: delta, path: path)
            case "stco":
                let count = Int(movie.be32(at: offset + 12))
                for i in 0..<count {
                    let at = offset + 16 + 4 * i
                    let value = Int64(movie.be32(at: at))
                    guard value > past else { continue }
                    guard value + delta <= Int64(UInt32.max) else {
                        throw failure(path, "a chunk offset would pass 4 GiB")
                    }
                    movie.replaceBE32(at: at, with: UInt32(value + delta))
                }
            case "co64":
                let count = Int(movie.be32(at: offset + 12))
                for i in 0..<count {
                    let at = offset + 16 + 8 * i
                    let value = Int64(bitPattern: movie.be64(at: at))
                    if value > past { movie.replaceBE64(at: at, with: UInt64(value + delta)) }
                }
            default: break
            }
        }
    }

    /// The boxes in `data[start..<end]` (32-bit sizes: inside a movie box there are no others).
    private static func children(of data: Data, from start: Int, to end: Int) -> [Box] {
        var boxes: [Box] = [], at = start
        while at + 8 <= end {
            let size = Int(data.be32(at: at))
            guard size >= 8, at + size <= end else { break }
            boxes.append(Box(type: fourCC(data, at + 4), offset: Int64(at), size: Int64(size)))
            at += size
        }
        return boxes
    }

    private static func fourCC(_ d: Data, _ i: Int) -> String {
        String(decoding: d[(d.startIndex + i)..<(d.startIndex + i + 4)], as: UTF8.self)
    }
}

private extension Data {
    func be32(at i: Int) -> UInt32 {
        (i..<(i + 4)).reduce(0) { $0 << 8 | UInt32(self[startIndex + $1]) }
    }
    func be64(at i: Int) -> UInt64 {
        (i..<(i + 8)).reduce(0) { $0 << 8 | UInt64(self[startIndex + $1]) }
    }
    mutating func replaceBE32(at i: Int, with value: UInt32) {
        for k in 0..<4 { self[startIndex + i + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * k)) }
    }
    mutating func replaceBE64(at i: Int, with value: UInt64) {
        for k in 0..<8 { self[startIndex + i + k] = UInt8(truncatingIfNeeded: value >> (56 - 8 * k)) }
    }
    mutating func append(be32 value: UInt32) {
        append(contentsOf: (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) })
    }
}
