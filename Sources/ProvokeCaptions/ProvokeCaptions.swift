// ProvokeCaptions: caption text from file to libass, pure Swift + Foundation.
//
// Owns: reading SRT and WebVTT (with file:line diagnostics, and each cue's speaker when the file is a Zoom or Teams
// transcript), finding where words were said (`Transcript`, `QuoteSearch`), writing them back, moving cues from a recording's
// own time to output time across cuts (`retime`), broadcast line wrapping, overlaps merged for tracks that show
// one cue at a time (`sequentialCues`), and generating the ASS script that
// libass burns in, with caption text escaped so it can never become ASS syntax.
//
// Must not touch: media, FFmpeg, the clock or the file system. Callers read and write files; this module only
// turns strings into values and values into strings, so every rule here is unit-tested without FFmpeg. (It uses
// ProvokeSystem only for `VisibleText`, the one escaper of control characters for diagnostics.)
//
// Time is integer milliseconds (`Int64`) everywhere. Which clock a cue is on (a recording's or an output's) is
// decided by whoever holds it: parsed cues are on their file's clock, `retime` returns output time.
