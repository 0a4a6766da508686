import CSystem

/// How a render keeps its peak memory down (the README's Speed section has the figures).
///
/// - A render frees an encoder's and a decoder's buffers (tens of MiB) after every piece and allocates them again
///   for the next, on another thread; glibc keeps freed heap in each thread's arena by default, so the peak grows
///   by what the arenas hold on to (about 20 MiB for the reference job). Trimming the arenas after each piece keeps
///   the peak near what is in use. (Mapping every block of 64 KiB and more on its own saved 3 MiB more but cost
///   5–7% of the render's time in page faults: not done.)
/// - x264 asks the kernel for transparent huge pages for each of its buffers of 2 MiB and more, so every such
///   buffer is resident in 2 MiB steps whether its pages are used or not (about 100 MiB of the reference job's
///   peak was in huge pages). Turning them off for the process lets only the pages in use count: 6–7 MiB less
///   at the peak.
///
/// The calls are glibc's and Linux's (Sources/CSystem); elsewhere they do nothing.
public enum Memory {
    /// Free memory at the top of an arena's heap goes back to the system once it passes 128 KiB.
    public static func returnFreedHeapEagerly() {
        _ = provoke_set_trim_threshold(128 * 1024)
    }

    /// Gives the freed memory of every arena back to the system.
    public static func trim() {
        _ = provoke_malloc_trim()
    }

    /// Asks the kernel for no transparent huge pages in this process (and the processes it starts), whatever a
    /// library asks for with `madvise`. Returns whether the kernel took it.
    @discardableResult
    public static func avoidHugePages() -> Bool {
        provoke_disable_transparent_huge_pages() == 0
    }
}
