#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory a large allocation may use, checked before a model, a batch or a buffer is
/// allocated: a size read from a command line or a file that would need more than the machine
/// has is refused with one line saying how much it needs, instead of aborting in `malloc`.
///
/// The memory available is the smallest of: the kernel's estimate of what can be allocated
/// without swapping (`MemAvailable` in /proc/meminfo), the room left under the process's
/// cgroup limit (`memory.max − memory.current`), and the room left under its address-space and
/// data-segment limits (`ulimit -v`, `ulimit -d`). `RNNKIT_MEMORY_LIMIT` (bytes) lowers it
/// further, for tests and for sharing a machine. Elsewhere than Linux: the physical memory.
public enum MemoryBudget {
    /// The bytes that may still be allocated (see the type's description).
    public static var availableBytes: Int {
        var limit = Int.max
        if let text = getenv("RNNKIT_MEMORY_LIMIT").map({ String(cString: $0) }), let bytes = Int(text), bytes >= 0 {
            limit = bytes
        }
        #if os(Linux)
        if let meminfo = readSmallFile("/proc/meminfo"), let kib = field(meminfo, "MemAvailable:") {
            limit = min(limit, kib.multipliedReportingOverflow(by: 1024).overflow ? Int.max : kib * 1024)
        }
        if let maximum = readSmallFile("/sys/fs/cgroup/memory.max").flatMap({ Int($0.trimmed) }),
           let current = readSmallFile("/sys/fs/cgroup/memory.current").flatMap({ Int($0.trimmed) }) {
            limit = min(limit, max(maximum - current, 0))
        }
        let status = readSmallFile("/proc/self/status") ?? ""
        for (resource, key) in [(RLIMIT_AS, "VmSize:"), (RLIMIT_DATA, "VmData:")] {
            var r = rlimit()
            guard getrlimit(__rlimit_resource_t(resource.rawValue), &r) == 0, r.rlim_cur != rlim_t.max,
                  r.rlim_cur < UInt64(Int.max) else { continue }
            let used = (field(status, key) ?? 0) * 1024
            limit = min(limit, max(Int(r.rlim_cur) - used, 0))
        }
        #else
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && size > 0 { limit = min(limit, pages.multipliedReportingOverflow(by: size).overflow ? Int.max : pages * size) }
        #endif
        return limit
    }

    /// Throws unless `bytes` (nil: too many to count) fit in the memory available.
    /// - Parameters:
    ///   - what: what needs the memory, e.g. "training this model"; the message reads
    ///     "<what> needs about 64.0 GiB of memory, more than the 21.3 GiB available".
    ///   - bytes: the bytes needed; nil when too many to count.
    public static func check(_ bytes: Int?, for what: String) throws {
        let available = availableBytes
        guard let bytes, bytes <= available else {
            throw RNNKitError("\(what) needs \(bytes.map { "about " + describe($0) } ?? "more than 8 EiB") of memory, more than the \(describe(available)) available")
        }
    }

    /// Bytes as "812 KiB", "3.4 MiB", "64.0 GiB".
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) bytes" }
        let tenths = Int((value * 10).rounded())
        return value >= 100 ? "\(Int(value.rounded())) \(units[unit])" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// The number in kB after `key` in a /proc file.
    private static func field(_ text: String, _ key: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
        return line.dropFirst(key.count).split(separator: " ").first.flatMap { Int($0) }
    }

    /// The text of a small file (a /proc or /sys entry), or nil.
    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 16_384)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: bytes[..<n], as: UTF8.self)
    }
}

/// Counts of elements and bytes computed without trapping: every operation returns nil once
/// a value would leave 0...Int.max.
struct CheckedCount {
    /// The product of `factors`, or nil on overflow or a negative factor.
    static func product(_ factors: Int...) -> Int? { product(factors) }

    /// The product of `factors`, or nil on overflow or a negative factor.
    static func product(_ factors: [Int]) -> Int? {
        var p = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (r, overflow) = p.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            p = r
        }
        return p
    }

    /// The sum of `terms` (nil terms make it nil), or nil on overflow.
    static func sum(_ terms: Int?...) -> Int? { sum(terms) }

    /// The sum of `terms` (nil terms make it nil), or nil on overflow.
    static func sum(_ terms: [Int?]) -> Int? {
        var s = 0
        for t in terms {
            guard let t, t >= 0 else { return nil }
            let (r, overflow) = s.addingReportingOverflow(t)
            if overflow { return nil }
            s = r
        }
        return s
    }
}

extension Int {
    /// `self + other`, held at `Int.max` instead of trapping (counters read from files).
    func addingSaturating(_ other: Int) -> Int {
        let (r, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : r
    }
}

extension String {
    /// Without leading and trailing spaces and line ends.
    fileprivate var trimmed: String {
        String(drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
