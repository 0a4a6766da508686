import Foundation
import ProvokeSystem

/// Puts a picture into a finished MP4 as its cover art: a `covr` item in the movie's metadata list
/// (`moov/udta/meta/ilst`), which FFmpeg 5.1's demuxer reads back as a video stream with the attached_pic
/// disposition (mov.c `mov_read_covr`, also in an `mdta` list) and Finder, Explorer and mail clients show.
///
/// Why not the muxer's own attached-picture stream: FFmpeg 5.1's mov muxer writes cover art only into an iTunes
/// (`mdir`) list, and with `use_metadata_tags` (which keeps our custom keys: audience, project, output) it writes
/// an `mdta` list without it. So the item is added after the trailer, here: only the metadata grows; the media
/// bytes are copied as they are (the join's stream copy and its frame counts are untouched), and the chunk
/// offsets of a `+faststart` file, whose index precedes the media, move by the item's size.
enum CoverArt {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var message: String
        var description: String { "\(path): cannot add the cover picture: \(message)" }
    }

    /// Adds `picture` (PNG or JPEG bytes) as the cover of the MP4 at `path`, rewriting it beside itself and
    /// renaming over it (the path is a staged temporary file: nothing shows before the group's commit).
    static func embed(_ picture: Data, intoMP4 path: String) throws {
        guard let input = FileHandle(forReadingAtPath: path) else { throw Failure(path: path, message: "cannot open") }
        defer { try? input.close() }
        let boxes = try topLevelBoxes(input, path: path)
        guard let moov = boxes.first(where: { $0.type == "moov" }) else { throw Failure(path: path, message: "no moov box") }
        try input.seek(toOffset: UInt64(moov.offset))
        var movie = try input.read(upToCount: Int(moov.size)) ?? Data()
        guard movie.count == Int(moov.size) else { throw Failure(path: path, message: "the moov box is cut short") }
        try insertCover(picture, intoMovie: &movie, at: moov.offset, path: path)

        let scratch = try TemporaryFiles.create(in: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                for: URL(fileURLWithPath: path).lastPathComponent, Data())
        defer { TemporaryFiles.remove(scratch) }
        guard let output = FileHandle(forWritingAtPath: scratch) else { throw Failure(path: scratch, message: "cannot open") }
        do {
            defer { try? output.close() }
            try copy(input, from: 0, count: moov.offset, to: output)
            try output.write(contentsOf: movie)
            let end = moov.offset + moov.size
            let total = Int64(try input.seekToEnd())
            try copy(input, from: end, count: total - end, to: output)
            try output.synchronize()
        }
        guard rename(scratch, path) == 0 else { throw FileError(path: path, errno: errno, doing: "rename") }
    }

    /// A box's place in the file: offset and whole size (header included) in bytes.
    struct Box { var type: String; var offset: Int64; var size: Int64 }

    static func topLevelBoxes(_ file: FileHandle, path: String) throws -> [Box] {
        let total = Int64(try file.seekToEnd())
        var boxes: [Box] = [], at: Int64 = 0
        while at + 8 <= total {
            try file.seek(toOffset: UInt64(at))
            let header = try file.read(upToCount: 16) ?? Data()
            guard header.count >= 8 else { break }
            var size = Int64(be32(header, 0))
            if size == 1, header.count == 16 { size = Int64(bitPattern: be64(header, 8)) } else if size == 0 { size = total - at }
            guard size >= 8, at + size <= total else { throw Failure(path: path, message: "a box at byte \(at) runs past the end") }
            boxes.append(Box(type: fourCC(header, 4), offset: at, size: size))
            at += size
        }
        return boxes
    }

    /// Adds the `covr` item at the end of `moov/udta/meta/ilst`, grows the boxes around it, and moves every chunk
    /// offset that points past the movie box (`movieOffset` in the file) by the item's size.
    static func insertCover(_ picture: Data, intoMovie movie: inout Data, at movieOffset: Int64, path: String) throws {
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
                throw Failure(path: path, message: "the movie has no \(name) box (it has no tags)")
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
                                         path: String) throws {
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
                        throw Failure(path: path, message: "a chunk offset would pass 4 GiB")
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

    private static func copy(_ input: FileHandle, from offset: Int64, count: Int64, to output: FileHandle) throws {
        try input.seek(toOffset: UInt64(offset))
        var left = count
        while left > 0 {
            guard let chunk = try input.read(upToCount: Int(min(left, 1 << 20))), !chunk.isEmpty else { break }
            try output.write(contentsOf: chunk)
            left -= Int64(chunk.count)
        }
    }

    private static func be32(_ d: Data, _ i: Int) -> UInt32 { d.be32(at: i) }
    private static func be64(_ d: Data, _ i: Int) -> UInt64 { d.be64(at: i) }
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
