// ProvokeSystem: what provoke needs from the operating system and the terminal, in one place, so every
// command behaves the same:
//
//   FileKind.swift       what is at a path (a regular file, a folder, a named pipe, a device…), and
//                        `InputFile`-independent refusal of anything but a regular file as input
//   FileOutput.swift     `StagedFiles`, files that appear together or not at all (temporary names beside the
//                        destination, renamed when all are complete), and `FileOutput.write` for one file,
//                        which streams into a device or pipe instead of replacing it
//   Interruption.swift   SIGINT, SIGTERM and SIGHUP: stop cleanly, leave no temporary file
//   VisibleText.swift    control characters made visible, so text from a file cannot drive the terminal
//
// Pure Swift over libc; it must not import FFmpeg, SQLite or any other provoke module (they all import it).
