// ProvokeCards: card templates and styles → a `CardScene`: an ASS script libass draws (through libavfilter's `ass`
// filter, in ProvokeRender), the card's background, where its logo goes and how long it fades in and out.
//
// Owns: the six templates' layout and animation (CardDesign.swift), fitting a card's text into the title-safe area
// by rendering it with libass and shrinking it until every drawn pixel fits (CardScene.swift, Libass.swift), and
// the fontconfig-backed `FontLocator` the manifest validator uses (SystemFonts.swift).
//
// Must not touch: FFmpeg, the file system (beyond the fonts libass and fontconfig read), the clock. It is the only
// module that imports CLibass and CFontconfig; their raw pointers live in small owner classes that free in deinit.
// Card text is data: every user string goes through `ASSText.escape`, so it can never become ASS syntax.
