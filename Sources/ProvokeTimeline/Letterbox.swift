/// Where a source picture goes inside the output frame: scaled to fit whole (never cropped), its
/// display aspect ratio kept (sample aspect ratio and rotation applied), centred, the rest black.
public struct Letterbox: Equatable, Sendable {
    /// Size of the scaled picture and its top-left corner in the output frame. All even, as 4:2:0 needs.
    public var width: Int
    public var height: Int
    public var x: Int
    public var y: Int

    /// - Parameters:
    ///   - sarNum/sarDen: the source's sample (pixel) aspect ratio; 0 or invalid means square pixels.
    ///   - rotation: degrees the player must rotate the picture (90 and 270 swap width and height).
    public static func fit(sourceWidth: Int, sourceHeight: Int, sarNum: Int = 1, sarDen: Int = 1, rotation: Int = 0,
                           into outWidth: Int, _ outHeight: Int) -> Letterbox {
        let (sn, sd) = sarNum > 0 && sarDen > 0 ? (sarNum, sarDen) : (1, 1)
        // Display size in units where the pixel aspect is applied to the width.
        var dw = sourceWidth * sn
        var dh = sourceHeight * sd
        if rotation % 180 != 0 { swap(&dw, &dh) }
        // Scale to fit: compare dw/dh with outWidth/outHeight without division.
        var w: Int, h: Int
        if dw * outHeight >= dh * outWidth {
            w = outWidth
            h = (outWidth * dh * 2 + dw) / (2 * dw)  // rounded
        } else {
            h = outHeight
            w = (outHeight * dw * 2 + dh) / (2 * dh)
        }
        w = max(2, min(outWidth, w - w % 2))
        h = max(2, min(outHeight, h - h % 2))
        let x = ((outWidth - w) / 2) & ~1
        let y = ((outHeight - h) / 2) & ~1
        return Letterbox(width: w, height: h, x: x, y: y)
    }
}
