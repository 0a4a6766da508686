#if canImport(Glibc)
import Glibc
#endif

/// How the process gives memory back. A render frees an encoder's and a decoder's buffers (tens of MiB) after
/// every piece and allocates them again for the next, on another thread; glibc keeps freed heap in each thread's
/// arena by default, so the peak grows by what the arenas hold on to (about 20 MiB for the reference job).
/// Trimming the arenas after each piece keeps the peak near what is in use. (Mapping every block of 64 KiB and
/// more on its own saved 3 MiB more but cost 5–7% of the render's time in page faults: not done.)
///
/// `mallopt` and `malloc_trim` are glibc's (malloc.h), not in Swift's Glibc module: they are found by name and
/// called as the C functions they are; elsewhere this does nothing.
public enum Memory {
    /// Free memory at the top of an arena's heap goes back to the system once it passes 128 KiB.
    public static func returnFreedHeapEagerly() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = function("mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-1, 128 * 1024)  // M_TRIM_THRESHOLD
        #endif
    }

    /// Gives the freed memory of every arena back to the system.
    public static func trim() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = function("malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        #endif
    }

    #if canImport(Glibc)
    private static func function(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)  // RTLD_DEFAULT
    }
    #endif
}
