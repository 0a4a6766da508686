import Foundation
import ProvokeManifest

/// An sRGB colour, written `#RRGGBB` in the stylesheet.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8, green: UInt8, blue: UInt8
    public init(_ hex: UInt32) {
        red = UInt8((hex >> 16) & 0xFF); green = UInt8((hex >> 8) & 0xFF); blue = UInt8(hex & 0xFF)
    }

    public var description: String { String(format: "#%02X%02X%02X", red, green, blue) }

    /// WCAG 2.1 relative luminance (sRGB, linearised).
    public var luminance: Double {
        func channel(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    /// WCAG 2.1 contrast ratio, 1…21. AA asks 4.5 for body text and 3 for large text and graphics.
    public static func contrast(_ a: RGB, _ b: RGB) -> Double {
        let (x, y) = (a.luminance, b.luminance)
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
}

/// Every colour of the report, and which of them meet on the page. The stylesheet is written from these
/// names only, so the pairs below are all the page has, and the tests check each pair's contrast.
public enum Palette {
    public static let ink = RGB(0x1A1A1A)
    public static let muted = RGB(0x4A4F57)
    public static let paper = RGB(0xFFFFFF)
    public static let panel = RGB(0xF4F6F8)
    public static let rule = RGB(0xB8C0CA)
    /// The campaign's card background (the example style's), for the banner.
    public static let banner = RGB(0x12263A)
    public static let onBanner = RGB(0xFFFFFF)
    public static let link = RGB(0x0B4F94)
    /// "Not yet in front of anyone": a warning text colour.
    public static let warning = RGB(0x9A3412)
    public static let latestFill = RGB(0xD7F0DD), latestInk = RGB(0x0F3D1C)
    public static let olderFill = RGB(0xFFF1C2), olderInk = RGB(0x5C4400)
    public static let noneFill = RGB(0xF1F1F1)
    public static let barTrack = RGB(0xDDE3EA), barFill = RGB(0x0B5CAD)

    public static func badge(_ audience: Audience) -> RGB {
        switch audience {
        case .icb: return RGB(0x0B5CAD)
        case .college: return RGB(0x6A2C91)
        case .government: return RGB(0x1E6B3A)
        }
    }

    /// Text colour on background, as the stylesheet uses them: each must reach 4.5:1 (WCAG AA, body text).
    public static var textPairs: [(use: String, text: RGB, background: RGB)] {
        [("body text", ink, paper), ("secondary text", muted, paper), ("text on panels", ink, panel),
         ("secondary text on panels", muted, panel), ("links", link, paper), ("links on panels", link, panel),
         ("banner", onBanner, banner), ("warning", warning, paper), ("warning on panels", warning, panel),
         ("received this version", latestInk, latestFill), ("received an older version", olderInk, olderFill),
         ("not yet", muted, noneFill)]
            + Audience.allCases.map { ("\($0.rawValue) badge", onBanner, badge($0)) }
    }

    /// Graphics that carry meaning (bar fill against its track and the page): 3:1 (WCAG AA, non-text).
    public static var graphicPairs: [(use: String, foreground: RGB, background: RGB)] {
        [("bar against its track", barFill, barTrack), ("bar against the page", barFill, paper),
         ("bar against panels", barFill, panel)]
    }

    /// The stylesheet: screen, and print on A4 (no row, video or idea cut across pages, colours kept).
    public static var css: String {
        var badges = ""
        for audience in Audience.allCases {
            badges += ".badge-\(audience.rawValue) { background: \(badge(audience)); }\n"
        }
        return """
        /* provoke campaign report. No web fonts, no images but the posters beside this file, no network. */
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0; font: 15px/1.45 system-ui, "DejaVu Sans", sans-serif; color: \(ink); background: \(paper); }
        a { color: \(link); }
        a:focus-visible { outline: 3px solid \(link); outline-offset: 2px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.banner { background: \(banner); color: \(onBanner); padding: 1.2rem 2rem 1rem; }
        header.banner h1 { margin: 0 0 .2rem; font-size: 1.7rem; }
        header.banner p { margin: 0; }
        header.banner a { color: \(onBanner); }
        nav ul { list-style: none; margin: .6rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; }
        main { padding: 0 2rem 2rem; }
        section { margin-top: 2rem; }
        h2 { font-size: 1.35rem; border-bottom: 2px solid \(rule); padding-bottom: .2rem; }
        h3 { font-size: 1.1rem; margin: 0 0 .3rem; }
        h4 { font-size: .95rem; margin: .8rem 0 .2rem; }
        .muted, .note { color: \(muted); }
        .figures { display: flex; flex-wrap: wrap; gap: .8rem; padding: 0; list-style: none; }
        .figures li { background: \(panel); border: 1px solid \(rule); padding: .5rem .9rem; }
        .figures strong { display: block; font-size: 1.4rem; }
        .videos { display: grid; grid-template-columns: repeat(auto-fill, minmax(24rem, 1fr)); gap: 1.2rem; }
        article.video { background: \(panel); border: 1px solid \(rule); padding: 1rem; }
        .poster { display: block; width: 100%; height: auto; aspect-ratio: 16 / 9; border: 1px solid \(rule); background: \(banner); }
        .no-poster { display: flex; align-items: center; justify-content: center; aspect-ratio: 16 / 9; border: 1px dashed \(rule); background: \(paper); color: \(muted); padding: 1rem; text-align: center; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .6rem 0; }
        dl.facts dt { color: \(muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .badge { display: inline-block; color: \(onBanner); font-weight: 700; font-size: .8rem; padding: .05rem .5rem; border-radius: .7rem; }
        \(badges)ol.sequence, ul.ideas, ul.people { margin: .2rem 0; padding-left: 1.3rem; }
        ol.sequence li, ul.people li { overflow-wrap: anywhere; }
        .words { font-style: italic; }
        .status { font-weight: 700; }
        .warning { color: \(warning); font-weight: 700; }
        table { border-collapse: collapse; margin: .5rem 0 1rem; }
        th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid \(rule); }
        thead th { border-bottom: 2px solid \(ink); }
        caption { text-align: left; font-weight: 700; padding: .3rem 0; }
        .bar { display: inline-block; width: 9rem; height: .85rem; background: \(barTrack); vertical-align: middle; margin-right: .5rem; border: 1px solid \(barFill); }
        .bar span { display: block; height: 100%; background: \(barFill); }
        .reach { white-space: nowrap; }
        table.grid { font-size: .8rem; table-layout: fixed; margin: 0; }
        table.grid th, table.grid td { padding: .15rem .4rem; overflow-wrap: anywhere; }
        #grid h3 { margin: 1.4rem 0 .3rem; }
        table.grid th.org { width: 13rem; }
        table.grid th.name { width: 13rem; }
        table.grid thead th { position: sticky; top: 0; background: \(paper); }
        /* A part off screen is not rendered until scrolled to: a 10,000-contact grid opens at once. */
        .grid-part { content-visibility: auto; contain-intrinsic-size: auto 4800px; }
        .got-latest { background: \(latestFill); color: \(latestInk); }
        .got-older { background: \(olderFill); color: \(olderInk); }
        .got-none { background: \(noneFill); color: \(muted); }
        .legend span { display: inline-block; padding: .05rem .5rem; margin-right: .6rem; }
        footer { padding: 1rem 2rem; color: \(muted); border-top: 1px solid \(rule); }
        @media print {
          @page { size: A4; margin: 12mm; }
          body { font-size: 9pt; }
          nav { display: none; }
          main, header.banner, footer { padding-left: 0; padding-right: 0; }
          header.banner { padding: .6rem; }
          .videos { display: block; }
          article.video { break-inside: avoid; margin-bottom: .6rem; }
          .poster, .no-poster { width: 60mm; }
          tr, li, .figures li { break-inside: avoid; }
          thead { display: table-header-group; }
          h2, h3, caption { break-after: avoid; }
          table.grid thead th { position: static; }
          .grid-part { content-visibility: visible; contain-intrinsic-size: none; }
          a { color: \(ink); text-decoration: none; }
        }

        """
    }
}
